from __future__ import annotations

from datetime import date

import pytest

from joinedup.episodes import services as casework
from joinedup.episodes import services as team
from joinedup.family import services as family_services
from joinedup.partnership.models import Role
from joinedup.protection import services
from tests import factories


@pytest.fixture
def council(db):
    return factories.organisation("Demo Council Children's Services", sector="statutory")


@pytest.fixture
def police(db):
    return factories.organisation("Demo Shire Police", sector="police")


@pytest.fixture
def health(db):
    return factories.organisation("Demo Health Trust", sector="health")


@pytest.fixture
def social_worker(council):
    return factories.practitioner(council, profession="social_worker")


@pytest.fixture
def second_social_worker(council):
    return factories.practitioner(council, profession="social_worker")


@pytest.fixture
def officer(police):
    return factories.practitioner(police, profession="police_officer")


@pytest.fixture
def nurse(health):
    return factories.practitioner(health, profession="school_nurse")


@pytest.fixture
def manager(council):
    return factories.practitioner(
        council, roles=(Role.Code.PARTNERSHIP_MANAGER,), profession="manager"
    )


@pytest.fixture
def dpo(council):
    return factories.practitioner(
        council, roles=(Role.Code.DATA_PROTECTION_OFFICER,), profession="data_protection_officer"
    )


@pytest.fixture
def mother(school):
    mum = factories.person("Jodie", "Jones", dob=date(1990, 5, 1), kind="adult")
    factories.involvement(school, mum, service="Parent")
    return mum


@pytest.fixture
def stepped_up(teacher, child, mother, social_worker):
    """An episode the school led, stepped up to the social worker, the teacher still in the team."""
    episode = casework.episode_open_practitioner_led(actor=teacher, persons=[child, mother])
    proposal = team.episode_step_up(
        actor=teacher, episode=episode, to=social_worker, reason="Bruising seen at school."
    )
    team.lead_proposal_accept(actor=social_worker, proposal=proposal)
    episode.refresh_from_db()
    return episode


@pytest.fixture
def case(stepped_up, child, social_worker):
    return services.case_open(
        actor=social_worker,
        episode=stepped_up,
        child=child,
        lead_practitioner=social_worker,
        referral_date=date(2025, 11, 3),
        referral_source="2A",
        primary_need="N1",
        ethnicity="WBRI",
        disabilities=["NONE"],
    )


ATTENDEES = [("Dan Hughes", "social_work"), ("PC Shaw", "police"), ("Nurse Lee", "health")]


def through_icpc(actor, case, *, strategy_on=date(2025, 11, 5), icpc_on=date(2025, 11, 21)):
    services.strategy_record(
        actor=actor,
        case=case,
        held_on=strategy_on,
        attendees=ATTENDEES,
        decision="s47",
        reasons="Unexplained bruising.",
    )
    services.enquiry_start(actor=actor, case=case, started_on=strategy_on)
    services.enquiry_complete(
        actor=actor,
        case=case,
        outcome="conference",
        reasons="Concerns substantiated.",
        completed_on=icpc_on,
    )
    return services.conference_record(
        actor=actor,
        case=case,
        kind="initial",
        held_on=icpc_on,
        attendees=ATTENDEES,
        decision="plan",
        category="PHY",
        family_views="Mum wants help.",
        child_views="Maya wants to stay at home.",
        reports={"education": "Attendance 85%.", "police": "Two call-outs."},
    )


@pytest.fixture
def mother_user(stepped_up, mother, social_worker):
    """The mother's own family account, as she would activate it."""
    invitation = family_services.family_account_invite(
        actor=social_worker, episode=stepped_up, person=mother, email="jodie@example.net"
    )
    token = invitation.link.rstrip("/").rsplit("/", 1)[-1]
    password = "a-long-family-password-2026"
    account = family_services.family_account_activate(
        token=token, password=password, password_again=password
    )
    return account.user
