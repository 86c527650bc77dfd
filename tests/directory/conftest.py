"""A small directory and a family to refer, made through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from django.utils import timezone

from joinedup.directory.models import (
    Contact,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceOrganisation,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.episodes import services as episodes_services
from joinedup.outcomes.defaults import ensure_default_frameworks
from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.sharing import services as sharing
from tests import factories


@dataclass
class Directory:
    taxonomy: Taxonomy
    parenting: TaxonomyTerm
    food: TaxonomyTerm
    health_org: Organisation
    health_worker: Practitioner
    health: ServiceOrganisation
    group: ServiceOrganisation
    clinic: Service  # a partner's service, takes referrals
    club: Service  # a community group without an account, takes referrals by email
    pantry: Service  # does not take referrals
    duty_desk: Service  # internal
    refuge: Service  # at a confidential location
    refuge_location: Location
    staff_contact: Contact


def _service(org, name, *, term=None, place=None, **extra):
    service = Service.objects.create(organisation=org, name=name, description=f"{name}.", **extra)
    if term is not None:
        service.taxonomy_terms.add(term)
    if place is not None:
        ServiceAtLocation.objects.create(service=service, location=place)
    return service


def make_directory() -> Directory:
    ensure_default_frameworks()  # a browser test's flushed database has none
    taxonomy = Taxonomy.objects.create(name="Local Government Service List")
    parenting = TaxonomyTerm.objects.create(taxonomy=taxonomy, name="Parenting support")
    food = TaxonomyTerm.objects.create(taxonomy=taxonomy, name="Food and essentials")
    parenting.outcome_categories.add(OutcomeCategory.objects.get(code="stay-safe"))
    food.outcome_categories.add(OutcomeCategory.objects.get(code="economic-wellbeing"))
    health_org = factories.organisation("Demo Health Visiting", sector="health")
    health_worker = factories.practitioner(health_org, profession="health_visitor")
    health = ServiceOrganisation.objects.create(
        name="Demo Health Visiting", sector="health", partner=health_org, email="hv@example.org"
    )
    group = ServiceOrganisation.objects.create(
        name="Northside Boxing Club", sector="community", email="coach@boxing.example"
    )
    gym = Location.objects.create(
        organisation=group,
        name="Northside Gym",
        address="4 Mill Lane",
        postcode="DS1 9YZ",
        locality="North",
    )
    clinic_place = Location.objects.create(
        organisation=health, name="Millbrook Clinic", postcode="DS2 1GH", locality="Central"
    )
    refuge_location = Location.objects.create(
        organisation=health,
        name="Safe House",
        address="SECRET-REFUGE-ADDRESS",
        postcode="DS5 9ZZ",
        confidential=True,
    )
    clinic = _service(
        health,
        "Sleep clinic",
        term=parenting,
        place=clinic_place,
        takes_referrals=True,
        minimum_age=0,
        maximum_age=5,
        telephone="01632 960020",
    )
    club = _service(
        group,
        "Boxing fitness",
        term=parenting,
        place=gym,
        takes_referrals=True,
        referral_email="coach@boxing.example",
        minimum_age=10,
        maximum_age=18,
        is_free=False,
        fees_description="£1 a session",
    )
    Schedule.objects.create(
        service=club,
        byday="MO,TH",
        opens_at=time(17, 0),
        closes_at=time(18, 30),
        description="Mondays and Thursdays",
    )
    ServiceArea.objects.create(service=club, name="Northfield", postcode_districts="DS1,DS3")
    pantry = _service(group, "Community pantry", term=food, place=gym)
    duty_desk = _service(health, "Duty desk", term=parenting, internal=True)
    refuge = _service(health, "Refuge support", place=refuge_location, takes_referrals=True)
    Contact.objects.create(service=club, name="Club enquiries", email="coach@boxing.example")
    staff_contact = Contact.objects.create(
        service=clinic, name="Nurse Private", telephone="07700 900123", staff=True
    )
    return Directory(
        taxonomy,
        parenting,
        food,
        health_org,
        health_worker,
        health,
        group,
        clinic,
        club,
        pantry,
        duty_desk,
        refuge,
        refuge_location,
        staff_contact,
    )


@pytest.fixture
def directory(db) -> Directory:
    return make_directory()


@pytest.fixture
def episode(teacher, child):
    return episodes_services.episode_open_practitioner_led(actor=teacher, persons=[child])


def give_referral_consent(actor, person, sectors=("community", "health")):
    return sharing.consent_give(
        actor=actor,
        person=person,
        given_by="parental_responsibility",
        given_by_name="Maya's mother",
        given_by_relationship="Mother",
        organisations=[],
        sectors=list(sectors),
        purposes=["referral"],
        method="written",
        given_on=timezone.localdate() - timedelta(days=1),
    )


@pytest.fixture
def consented(teacher, child):
    return give_referral_consent(teacher, child)
