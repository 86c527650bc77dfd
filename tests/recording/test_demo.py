"""The demo's daily record: the story a lead professional and an administrator walk through."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.demo import loader
from joinedup.partnership import services as partnership
from joinedup.partnership.models import Practitioner
from joinedup.partnership.staff import read_staff_file
from joinedup.people.models import HouseholdMembership, Person
from joinedup.recording.models import CaseNote, Document, MeetingInvitation

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "staff-riverside.csv"


def test_the_demo_records_a_visit_a_household_change_a_report_and_a_review():
    loader.load(families=25, seed=2026)
    jodie = Person.objects.get(reference="FAM-CARTER-1")
    homes = HouseholdMembership.objects.filter(person=jodie).order_by("moved_in_on")
    assert homes.count() == 2 and homes[0].moved_out_on is not None  # moved to the refuge
    assert CaseNote.objects.filter(kind="home_visit", episode__persons=jodie).exists()
    review = MeetingInvitation.objects.get(episode__persons=jodie, kind="review")
    assert review.invitees.filter(person=jodie).exists()
    assert Document.objects.get(invitation=review).content_type == "application/pdf"
    told = CaseNote.objects.get(kind="school_contact", what_happened__contains="new partner")
    assert HouseholdMembership.objects.filter(person=told.person).exists()
    notes = CaseNote.objects.count()
    loader.load(families=25, seed=2026)
    assert CaseNote.objects.count() == notes  # loading again adds nothing

    admin = Practitioner.objects.get(email__startswith="alex.reid@")
    report = partnership.staff_load(
        actor=admin, rows=read_staff_file(EXAMPLE.name, EXAMPLE.read_bytes())
    )
    assert report.ok and len(report.created) == 4
    hannah = Practitioner.objects.get(email="hannah.price@riverside.example")
    assert hannah.line_manager.email == "femi.adeyemi@riverside.example"
