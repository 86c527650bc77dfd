"""In a real browser, on the demo partnership: a lead professional finds a pattern alert on My
work, reads the family's chronology and acknowledges it; another lead writes down the feedback a
family gave at closure. Every page is checked with axe-core."""

from __future__ import annotations

import re

import pytest

from joinedup.assessments.models import Assessment, AssessmentStatus
from joinedup.chronology.models import PatternAlert
from joinedup.demo import loader
from joinedup.episodes.models import ClosureFeedback, Episode
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_acknowledges_a_pattern_alert_from_my_work(page):
    loader.load(families=25, seed=2026)
    alert = PatternAlert.objects.get(acknowledged_at__isnull=True)
    episode = Episode.objects.get(pk=alert.episode_id)
    lead = episode.lead_professional

    sign_in(page, lead.email)
    page.get_by_role("link", name="My work").first.click()
    page.get_by_role("heading", name="Pattern alerts to look at").wait_for()
    assert page.get_by_text(alert.title).first.is_visible()
    assert_accessible(page)
    screenshot(page, "casework-my-work-alert")
    page.get_by_role("link", name=re.compile(f"Chronology for episode {episode.reference}")).click()

    page.get_by_role("heading", name=re.compile("^Chronology")).wait_for()
    assert page.get_by_role("cell", name="Was not brought to an appointment").first.is_visible()
    assert page.get_by_role("cell", name="Involvement started").first.is_visible()
    assert_accessible(page)
    screenshot(page, "casework-chronology")
    page.get_by_role("button", name=re.compile("Acknowledge")).click()
    page.get_by_text("Pattern alert acknowledged.").wait_for()
    alert.refresh_from_db()
    assert alert.acknowledged_by == lead

    page.get_by_role("link", name="My work").first.click()
    page.get_by_role("heading", name="My work", exact=True).wait_for()
    assert page.get_by_text("Pattern alerts to look at").count() == 0
    sign_out(page)


def test_a_team_member_writes_down_the_familys_feedback_at_closure(page):
    loader.load(families=25, seed=2026)
    episode = Episode.objects.get(closure__reason="family_withdrew")
    assert not episode.closure_feedback.exists()
    lead = episode.lead_professional
    giver = episode.persons.order_by("pk").first()

    sign_in(page, lead.email)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("heading", name="The family's feedback").wait_for()
    page.get_by_role("link", name="Record feedback the family gave in person or by phone").click()
    page.get_by_role("heading", name="Record the family's feedback").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Save the feedback").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    screenshot(page, "casework-feedback-errors")

    page.get_by_label(giver.full_name).check()
    page.get_by_label("By phone").check()
    page.get_by_label(re.compile("^4 – ")).check()
    page.get_by_label("What helped").fill("Someone who rang back when she said she would.")
    page.get_by_label("What could be better").fill("Less paperwork at the start.")
    screenshot(page, "casework-feedback-form")
    page.get_by_role("button", name="Save the feedback").click()
    page.get_by_text("The family's feedback has been recorded.").wait_for()
    assert page.get_by_text("Less paperwork at the start.").is_visible()
    assert_accessible(page)
    screenshot(page, "casework-closed-episode-feedback")
    assert ClosureFeedback.objects.get(episode=episode).rating == 4


def test_a_demo_assessment_reads_well(page):
    loader.load(families=25, seed=2026)
    assessment = Assessment.objects.filter(status=AssessmentStatus.SHARED).order_by("pk").first()
    assert assessment is not None
    sign_in(page, assessment.episode.lead_professional.email)
    page.goto(f"/episodes/{assessment.episode_id}/assessments/{assessment.pk}/")
    page.get_by_role("heading", name=re.compile("Early help assessment")).first.wait_for()
    assert page.get_by_text(assessment.child_words).is_visible()
    assert_accessible(page)
    screenshot(page, "casework-demo-assessment")
