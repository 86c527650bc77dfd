"""A parent asks for everything held about their child: the data-protection officer opens the
subject access document, downloads it, and places a legal hold because a claim is coming."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.demo import loader
from joinedup.people.models import FamilyMember, Person
from joinedup.records.models import LegalHold
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_child_with_family() -> tuple[Person, list[Person]]:
    for membership in FamilyMember.objects.filter(person__kind="child").order_by("pk"):
        others = list(
            Person.objects.filter(family_memberships__family=membership.family_id).exclude(
                pk=membership.person_id
            )
        )
        if len(others) >= 2:
            return membership.person, others
    raise AssertionError("the demo has no child with a family")


def test_the_dpo_opens_a_subject_access_document_downloads_it_and_places_a_hold(page):
    loader.load(families=8, seed=2026)
    child, others = a_child_with_family()
    sign_in(page, "morgan.ellis@earlyhelp.example")
    page.get_by_role("heading", name="My people").wait_for()

    page.goto("/data-protection/subject-access/")
    page.get_by_role("heading", name="Subject access").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Open the subject access document").click()
    page.get_by_role("link", name="Enter the person's reference").wait_for()
    assert_accessible(page)
    page.get_by_label("Person's reference").fill(child.reference)
    page.get_by_role("button", name="Open the subject access document").click()

    heading = f"Everything we hold about {child.given_name} {child.family_name}"
    page.get_by_role("heading", level=1, name=heading).wait_for()
    page.get_by_role("heading", level=2, name="Who has accessed this record").wait_for()
    html = page.content()
    for other in others:
        assert f"{other.given_name} {other.family_name}" not in html
    screenshot(page, "subject-access")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    data = json.loads(Path(download.value.path()).read_text())
    assert data["person"]["reference"] == child.reference
    text = json.dumps(data)
    for other in others:
        assert f"{other.given_name} {other.family_name}" not in text
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download as PDF").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF-")
    formats = set(
        AccessEvent.objects.filter(action="export", persons__person_id=child.pk).values_list(
            "detail__format", flat=True
        )
    )
    assert formats == {"html", "json", "pdf"}

    page.get_by_role("link", name="Place a legal hold on this record").click()
    page.get_by_role("heading", name="Place a legal hold").wait_for()
    assert page.get_by_label("Person's reference").input_value() == child.reference
    page.get_by_role("button", name="Place the legal hold").click()
    page.get_by_role("link", name="Enter why the records must be kept").wait_for()
    assert_accessible(page)
    page.get_by_label("Why must these records be kept?").fill(
        "Solicitor's letter of claim, reference LC-2026-017: keep everything until it is settled."
    )
    page.get_by_role("button", name="Place the legal hold").click()
    page.get_by_text(re.compile(f"Legal hold placed on {child.reference}")).wait_for()
    page.get_by_role("cell", name=child.reference, exact=True).wait_for()
    screenshot(page, "legal-holds")
    assert_accessible(page)
    assert LegalHold.objects.get().person_id == child.pk

    page.goto("/data-protection/retention/")
    page.get_by_role("heading", level=1, name="Records due for erasure").wait_for()
    screenshot(page, "retention")
    assert_accessible(page)
