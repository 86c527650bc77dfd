"""In a real browser: a lead professional records a home visit, uploads a report for the review,
records a new partner moving into the child's household (the alert fires) and invites the team
and the family to the review. Every page is checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.chronology.models import PatternAlert
from joinedup.recording.models import CaseNote, Document, MeetingInvitation
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.factories import PASSWORD
from tests.family.conftest import make_family
from tests.recording.test_documents import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_lead_records_a_home_visit_and_uploads_a_report(page, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    family = make_family()
    lead, child = family.lead, family.child
    today = timezone.localdate()
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name="Case notes, visits and documents").click()
    page.get_by_role("heading", name="Case notes and documents").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Record a visit or contact").click()
    page.get_by_label("Home visit").check()
    fill_date(page, "Date of the contact", today)
    page.get_by_label("Who was seen or spoken to").fill("Mia and her mother")
    page.get_by_role("group", name="Was the child seen?").get_by_label("Yes").check()
    page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
    page.get_by_label("What happened").fill("Mia showed me her room; she is sleeping better.")
    page.get_by_label("Shared with the team around the family").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save the note").click()
    page.get_by_text("Home visit recorded.").wait_for()
    assert_accessible(page)
    assert CaseNote.objects.get().child_seen_alone is True

    report = tmp_path / "school-report.pdf"
    report.write_bytes(PDF)
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("Title").fill("School report for the review")
    page.get_by_label("File", exact=True).set_input_files(str(report))
    page.get_by_label("Shared with the team around the family").check()
    assert_accessible(page)
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("School report for the review uploaded.").wait_for()
    assert_accessible(page)
    screenshot(page, "recording-person-record")
    assert Document.objects.get().content_type == "application/pdf"

    # A renamed web page is refused, naming the file.
    fake = tmp_path / "fake.pdf"
    fake.write_text("<html><script>alert(1)</script></html>")
    page.get_by_role("link", name="Upload a document").click()
    page.get_by_label("Title").fill("Not a report")
    page.get_by_label("File", exact=True).set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    assert Document.objects.count() == 1


def test_a_new_partner_moves_in_and_the_review_is_arranged(page):
    family = make_family()
    lead, child = family.lead, family.child
    today = timezone.localdate()
    sign_in(page, lead.email, PASSWORD)
    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name=re.compile("Add someone to Mia's family")).click()
    page.get_by_label("First name").fill("Lee")
    page.get_by_label("Last name").fill("Moss")
    page.get_by_label("Adult", exact=True).check()
    page.get_by_label("Partner of a parent").check()
    fill_date(page, "Living with Mia since", today - timedelta(days=2))
    assert_accessible(page)
    page.get_by_role("button", name="Add to the family").click()
    page.get_by_text("Lee Moss added to the family.").wait_for()
    assert_accessible(page)
    assert PatternAlert.objects.filter(person=child, rule="new_adult_in_household").exists()

    page.goto(f"/episodes/{family.episode.pk}/record/")
    page.get_by_role("link", name="Arrange a meeting").click()
    page.get_by_label("Review").check()
    fill_date(page, "Date of the meeting", today + timedelta(days=9))
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Place").fill("Demoford Family Hub")
    page.get_by_label(re.compile(family.adviser.get_full_name())).check()
    page.get_by_label(family.mother.full_name).check()
    assert_accessible(page)
    page.get_by_role("button", name="Send the invitations").click()
    page.get_by_text("The meeting is arranged and the invitations are sent.").wait_for()
    assert_accessible(page)
    screenshot(page, "recording-invitation")
    assert MeetingInvitation.objects.get().invitees.count() == 2
