"""A lead professional holds a meeting; a health visitor from another organisation takes an
action and records a disagreement. Everyone sees the same plan."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from joinedup.demo import loader
from joinedup.episodes import services as t
from joinedup.frontdoor import services
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_meeting_action_and_disagreement_across_agencies(page):
    loader.load(families=12, seed=2026)
    lead = Practitioner.objects.get(email="amira.khan@oakfield.example")
    hv = Practitioner.objects.get(email="sarah.collins@hv.example")
    child = policy.persons_visible_to(lead).filter(kind="child").order_by("pk").first()
    episode = services.episode_open_practitioner_led(actor=lead, persons=[child])
    member = t.member_add(actor=lead, episode=episode, practitioner=hv, role="Health visitor")
    outcome = t.outcome_add(actor=lead, episode=episode, text="Sleeps through the night")
    t.action_add(
        actor=lead,
        episode=episode,
        owner=member,
        text="Sleep routine visit",
        due_on=timezone.localdate(),
        outcome=outcome,
    )

    sign_in(page, lead.email)
    page.goto(f"/episodes/{episode.pk}/")
    page.get_by_role("heading", name=re.compile(f"Episode {episode.reference}")).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_role("heading", name="Record a meeting").wait_for()
    page.get_by_label("Team around the family meeting").check()
    today = timezone.localdate()
    page.get_by_label("Day").first.fill(str(today.day))
    page.get_by_label("Month").first.fill(str(today.month))
    page.get_by_label("Year").first.fill(str(today.year))
    page.get_by_label("The family came").check()
    page.get_by_label("What the family said").fill("Bedtimes are still hard.")
    page.get_by_role("group", name=re.compile("Health visitor")).get_by_label("Attended").check()
    page.get_by_label("Decision taken (optional)").fill("Review sleep in four weeks")
    page.get_by_label("Reasons for the decision").fill("Small progress since the visit")
    assert_accessible(page)
    screenshot(page, "meeting-form")
    page.get_by_role("button", name="Save the meeting").click()
    page.get_by_text("Meeting recorded").wait_for()
    screenshot(page, "episode")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, hv.email)
    page.get_by_role("link", name="My work").first.click()
    page.get_by_role("heading", name="My work").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Sleep routine visit").click()
    page.get_by_label("In progress").check()
    page.get_by_label("Progress note").fill("Visited on Tuesday; a bedtime chart agreed.")
    page.get_by_role("button", name="Save the update").click()
    page.get_by_text("Action updated.").wait_for()
    page.get_by_role("link", name="Disagree with this decision").click()
    page.get_by_label("What you disagree with, and why").fill(
        "Four weeks is too long: the baby is losing weight."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Record the disagreement").click()
    page.get_by_text("The whole team has been told").wait_for()
    assert page.get_by_text("Disagreement, level 1").is_visible()
    screenshot(page, "episode-with-disagreement")
    assert_accessible(page)
