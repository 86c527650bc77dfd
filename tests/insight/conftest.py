"""A small partnership built through the real services, with figures worked out by hand.

Organisations: Council (statutory), Health (health), Charity (voluntary), School (education, no
joint work). Families: F1 (Council, Health, Charity involved), F2 (Council, Health), F3 (Charity
only). Episode E1 around F1: led by the Council, with two Charity workers; a meeting the Council
and the Charity attended; actions owned by the Charity (two) and the Council (one), towards one
shared outcome. Episode E2 around F2: led by Health, with the Council in the team.

By hand (families ties, each family adding 1/(k − 1) between its k organisations):
Council–Health 1/2 + 1 = 1.5, Council–Charity 1/2, Health–Charity 1/2; the School has no tie.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.episodes import services as t
from joinedup.episodes.models import Episode
from joinedup.frontdoor import services as casework
from joinedup.insight import services
from joinedup.insight.models import SurveyInstrument, SurveyRound
from joinedup.partnership.models import Organisation, Practitioner, Role
from joinedup.people import services as people
from tests import factories


@dataclass
class Partnership:
    council: Organisation
    health: Organisation
    charity: Organisation
    school: Organisation
    lead: Practitioner  # council, social worker
    nurse: Practitioner  # health, health visitor
    adviser: Practitioner  # charity, IDVA
    volunteer: Practitioner  # charity, family support worker
    teacher: Practitioner  # school
    manager: Practitioner  # council, partnership manager
    e1: Episode
    e2: Episode


@pytest.fixture
def manager(db):
    council = Organisation.objects.filter(name="Council").first() or factories.organisation(
        "Council", sector="statutory"
    )
    return factories.practitioner(
        council, roles=(Role.Code.PARTNERSHIP_MANAGER,), profession="manager"
    )


@pytest.fixture
def partnership(db, manager) -> Partnership:
    council = manager.organisation
    health = factories.organisation("Health", sector="health")
    charity = factories.organisation("Charity", sector="voluntary")
    school = factories.organisation("School", sector="education")
    lead = factories.practitioner(council, profession="social_worker")
    nurse = factories.practitioner(health, profession="health_visitor")
    adviser = factories.practitioner(charity, profession="idva")
    volunteer = factories.practitioner(charity, profession="family_support_worker")
    teacher = factories.practitioner(school, profession="teacher")
    p1, p2, p3 = (factories.person(f"Child{i}", f"Family{i}") for i in (1, 2, 3))
    for n, person in enumerate((p1, p2, p3), start=1):
        people.family_create(actor=None, name=f"Family{n} family", members=[person])
    for org in (council, health, charity):
        factories.involvement(org, p1, since_days=20)
    for org in (council, health):
        factories.involvement(org, p2, since_days=20)
    factories.involvement(charity, p3, since_days=20)
    e1 = casework.episode_open_practitioner_led(actor=lead, persons=[p1])
    adviser_member = t.member_add(actor=lead, episode=e1, practitioner=adviser, role="IDVA")
    t.member_add(actor=lead, episode=e1, practitioner=volunteer, role="Support")
    lead_member = e1.members.get(practitioner=lead)
    outcome = t.outcome_add(actor=lead, episode=e1, text="Safe at home")
    today = timezone.localdate()
    for owner in (adviser_member, adviser_member, lead_member):
        t.action_add(
            actor=lead, episode=e1, owner=owner, text="Do it", due_on=today, outcome=outcome
        )
    t.meeting_record(
        actor=lead,
        episode=e1,
        kind="team",
        held_on=today - timedelta(days=2),
        attendance={m.pk: "attended" for m in e1.members.filter(left_at__isnull=True)},
    )
    e2 = casework.episode_open_practitioner_led(actor=nurse, persons=[p2])
    t.member_add(actor=nurse, episode=e2, practitioner=lead, role="Social worker")
    return Partnership(
        council, health, charity, school, lead, nurse, adviser, volunteer, teacher, manager, e1, e2
    )


def instrument(prefix: str = "joinedup-collaboration") -> SurveyInstrument:
    services.instruments_shipped_register()
    return SurveyInstrument.objects.get(key=f"{prefix}@1")


def open_round(
    manager: Practitioner, prefix: str = "joinedup-collaboration", name: str = "Spring"
) -> SurveyRound:
    today = timezone.localdate()
    made = services.round_create(
        actor=manager,
        instrument=instrument(prefix),
        name=name,
        opens_on=today,
        closes_on=today + timedelta(days=14),
    )
    return services.round_open(actor=manager, survey_round=made)


def all_agree(survey_round: SurveyRound, value: int = 4) -> dict[str, int]:
    parsed = services.instrument_parse(survey_round.instrument)
    return {item.id: value for item in parsed.items}
