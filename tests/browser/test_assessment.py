"""A lead professional writes the early-help assessment part by part, each part saved, checks it
and completes it; then adds a missed appointment to the family's chronology and reads it."""

from __future__ import annotations

import re

import pytest

from joinedup.assessments.models import Assessment
from joinedup.demo import loader
from joinedup.frontdoor import services
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def write_factor(page, factor: str, strengths: str, needs: str, scale: str = "") -> None:
    group = page.get_by_role("group", name=factor, exact=True)
    group.get_by_label("Strengths").fill(strengths)
    group.get_by_label("Needs").fill(needs)
    if scale:
        group.get_by_label(re.compile("Scale from 0 to 10")).fill(scale)


def test_a_lead_professional_completes_an_assessment(page):
    loader.load(families=12, seed=2026)
    lead = Practitioner.objects.get(email="amira.khan@oakfield.example")
    child = policy.persons_visible_to(lead).filter(kind="child").order_by("pk").first()
    episode = services.episode_open_practitioner_led(actor=lead, persons=[child])

    sign_in(page, lead.email)
    page.goto(f"/episodes/{episode.pk}/assessments/")
    page.get_by_role("heading", name="Assessments").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Start an assessment").click()
    page.get_by_role("button", name="Start the assessment").click()

    page.get_by_role("heading", name="The child's development").wait_for()
    write_factor(page, "Health", "Healthy and growing well", "Dental check overdue", "8")
    write_factor(page, "Learning and education", "Loves reading", "Often late to school", "5")
    assert_accessible(page)
    screenshot(page, "assessment-domain")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Parents and carers").wait_for()
    write_factor(page, "Basic care and safety", "Warm home", "Food runs out at month end")
    page.get_by_role("button", name="Save and come back later").click()
    page.get_by_text("Parents and carers saved.").wait_for()
    assert_accessible(page)
    screenshot(page, "assessment-draft")
    page.get_by_role("link", name="Family and environment").click()

    page.get_by_role("heading", name="Family and environment").wait_for()
    write_factor(page, "Housing, work and money", "Settled tenancy", "Rent arrears", "4")
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="The family's views").wait_for()
    page.get_by_label("The child's own words").fill("I want Mum to be less tired.")
    carer = page.get_by_role("group", name="Parent or carer 1")
    carer.get_by_label("Who").fill("Mum")
    carer.get_by_label("Their words").fill("Mornings are the hardest.")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Analysis").wait_for()
    page.get_by_label("The practitioners' analysis").fill(
        "A loving family under money pressure; routines and income are the priorities."
    )
    page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("heading", name="Check and complete the assessment").wait_for()
    assert_accessible(page)
    screenshot(page, "assessment-check")
    page.get_by_role("button", name="Complete the assessment").click()
    page.get_by_text("Assessment completed.").wait_for()
    page.get_by_role("link", name="Share with the family").wait_for()
    assert_accessible(page)
    screenshot(page, "assessment-completed")
    assessment = Assessment.objects.get(episode=episode)
    assert assessment.status == "completed" and assessment.completed_by == lead
    assert assessment.factors["health"]["scale"] == 8

    page.goto(f"/people/{child.pk}/chronology/new/")
    page.get_by_label("Was not brought to an appointment").check()
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Details").fill("Not brought to the dentist.")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the chronology").click()
    page.get_by_text("Added to the chronology.").wait_for()
    page.goto(f"/episodes/{episode.pk}/chronology/")
    page.get_by_role("cell", name="Not brought to the dentist.").wait_for()
    page.get_by_role("cell", name=re.compile("Early help assessment completed")).wait_for()
    assert_accessible(page)
    screenshot(page, "chronology")
