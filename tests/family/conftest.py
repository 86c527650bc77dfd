"""A separated family: the mother and the children live at a refuge (a confidential address), the
father has parental responsibility and his own address. Made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from joinedup.episodes import services as t
from joinedup.episodes.models import Action, Episode, TeamMember
from joinedup.family import services
from joinedup.frontdoor import services as casework
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people import services as people
from joinedup.people.models import Person
from joinedup.sharing import services as sharing
from tests import factories

REFUGE_ADDRESS = "Flat 4, 27 Lantern Row, Harbourside"
REFUGE_POSTCODE = "DS4 7QX"
FATHER_ADDRESS = "9 Kestrel Close, Northgate"
FATHER_POSTCODE = "DS2 5LT"
PASSWORD = "a-long-family-password-2026"


@dataclass
class Family:
    council: Organisation
    charity: Organisation
    lead: Practitioner
    adviser: Practitioner
    mother: Person
    father: Person
    child: Person
    teen: Person
    episode: Episode
    mother_member: TeamMember
    mother_action: Action
    lead_action: Action


def years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=30)


def make_family(
    *,
    refuge_address: str = REFUGE_ADDRESS,
    refuge_postcode: str = REFUGE_POSTCODE,
    surname: str = "Carter",
) -> Family:
    council = factories.organisation(sector="statutory")
    charity = factories.organisation(sector="voluntary", telephone="01632 960444")
    lead = factories.practitioner(council, profession="early_help_worker", telephone="01632 960111")
    adviser = factories.practitioner(charity, profession="idva")

    def person(given: str, kind: str, born: date, address: str, postcode: str) -> Person:
        return people.person_create(
            actor=None,
            given_name=given,
            family_name=surname,
            kind=kind,
            date_of_birth=born,
            address=address,
            postcode=postcode,
        )

    mother = person("Jodie", "adult", years_ago(34), refuge_address, refuge_postcode)
    father = person("Dean", "adult", years_ago(37), FATHER_ADDRESS, FATHER_POSTCODE)
    child = person("Mia", "child", years_ago(9), refuge_address, refuge_postcode)
    teen = person("Tyler", "child", years_ago(14), refuge_address, refuge_postcode)
    for kid in (child, teen):
        for parent in (mother, father):
            people.relationship_add(
                actor=None, person=parent, relative=kid, kind="parent", parental_responsibility=True
            )
    for who in (mother, child, teen):
        factories.involvement(council, who, service="Early help family support")
        factories.involvement(
            charity, who, service="Refuge and recovery", sensitive_category="domestic_abuse"
        )
    for who in (mother, child, teen):
        sharing.address_confidential_set(
            actor=adviser, person=who, confidential=True, reason="Refuge address"
        )
    episode = casework.episode_open_practitioner_led(actor=lead, persons=[child, teen, mother])
    t.member_add(actor=lead, episode=episode, practitioner=adviser, role="Refuge support")
    mother_member = t.member_add(actor=lead, episode=episode, person=mother, role="Mum")
    outcome = t.outcome_add(actor=lead, episode=episode, text="Everyone feels safe at home")
    lead_member = TeamMember.objects.get(episode=episode, practitioner=lead)
    mother_action = t.action_add(
        actor=lead,
        episode=episode,
        owner=mother_member,
        text="Register the children with the new GP",
        due_on=timezone.localdate() + timedelta(days=14),
        outcome=outcome,
    )
    lead_action = t.action_add(
        actor=lead,
        episode=episode,
        owner=lead_member,
        text="Find a school place for Tyler",
        due_on=timezone.localdate() + timedelta(days=7),
        outcome=outcome,
    )
    t.meeting_record(
        actor=lead,
        episode=episode,
        kind="team",
        held_on=timezone.localdate() - timedelta(days=3),
        attendance={mother_member.pk: "attended"},
        family_attended=True,
        family_said="We want to stay somewhere safe.",
        family_said_by=mother,
        notes="PRACTITIONER-ONLY NOTE: risk assessment discussed.",
        decisions=[("Meet again in four weeks", "The plan has just started")],
        decisions_shared=True,
    )
    t.decision_record(
        actor=lead,
        episode=episode,
        text="INTERNAL DECISION: police check via MASH",
        reasons="Concerns about contact arrangements",
    )
    return Family(
        council,
        charity,
        lead,
        adviser,
        mother,
        father,
        child,
        teen,
        episode,
        mother_member,
        mother_action,
        lead_action,
    )


def family_user(family: Family, person: Person, email: str) -> Practitioner:
    """Invite and activate a family account, as the family member would."""
    invitation = services.family_account_invite(
        actor=family.lead, episode=family.episode, person=person, email=email
    )
    token = invitation.link.rstrip("/").rsplit("/", 1)[-1]
    account = services.family_account_activate(
        token=token, password=PASSWORD, password_again=PASSWORD
    )
    return account.user


@pytest.fixture
def family(db) -> Family:
    return make_family()


@pytest.fixture
def mother_user(family):
    return family_user(family, family.mother, "jodie@example.net")


@pytest.fixture
def father_user(family):
    return family_user(family, family.father, "dean@example.net")
