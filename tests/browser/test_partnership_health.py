"""A partnership manager reads the network map and the balance of voice, and records that a
prompt was discussed; a practitioner answers the open survey. Each page passes axe-core."""

from __future__ import annotations

import re

import pytest

from joinedup.demo import loader
from joinedup.insight.models import RoundStatus, SurveyAnswered, SurveyRound
from joinedup.partnership.models import Practitioner
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partnership_manager_reads_the_map_and_the_balance_and_discusses_a_prompt(page):
    loader.load(families=25, seed=2026)
    sign_in(page, "ravi.patel@earlyhelp.example")
    page.get_by_role("link", name="Partnership health").first.click()
    page.get_by_role("heading", name="Partnership health", exact=True).wait_for()
    assert_accessible(page)
    screenshot(page, "partnership-health")

    page.get_by_role("link", name="Network map").first.click()
    page.get_by_role("heading", name="Network map").wait_for()
    assert page.get_by_role("img", name=re.compile("Network map of organisations")).is_visible()
    assert_accessible(page)
    screenshot(page, "partnership-health-network")
    page.get_by_text("The ties drawn on the map, as a table").click()
    assert page.get_by_role("table", name=re.compile("Ties drawn on the map")).is_visible()
    page.get_by_label("Period").select_option("90")
    page.get_by_label("Locality").select_option("County-wide")
    page.get_by_role("button", name="Show the map").click()
    page.get_by_text("Organisations based in County-wide").wait_for()
    assert page.get_by_role("img", name=re.compile("in County-wide, last 90 days")).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Balance of voice").first.click()
    page.get_by_label("By").select_option("sector")
    page.get_by_role("button", name="Show", exact=True).click()
    page.get_by_role("heading", name="Who leads, against who takes part").wait_for()
    assert page.get_by_text(
        "Voluntary holds far fewer lead-professional roles than its share of team memberships."
    ).is_visible()
    assert page.get_by_role("img", name=re.compile("Share of team memberships")).is_visible()
    assert_accessible(page)
    screenshot(page, "partnership-health-voice")

    page.get_by_role("link", name="Prompts for conversations").first.click()
    page.get_by_role("heading", name="Prompts for conversations").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Mark as discussed")).first.click()
    page.get_by_label("What was agreed").fill("Ask Safe Harbour to co-lead the next two teams.")
    assert_accessible(page)
    page.get_by_role("button", name="Mark as discussed").click()
    page.get_by_text("Marked as discussed, with the action agreed.").wait_for()
    assert page.get_by_text("Ask Safe Harbour to co-lead the next two teams.").is_visible()
    assert_accessible(page)
    screenshot(page, "partnership-health-prompts")


def test_a_practitioner_answers_the_open_survey(page):
    loader.load(families=25, seed=2026)
    survey_round = SurveyRound.objects.get(status=RoundStatus.OPEN, instrument__kind="themed")
    answered = SurveyAnswered.objects.filter(round=survey_round).values("practitioner")
    person = (
        Practitioner.objects.filter(organisation__isnull=False)
        .exclude(pk__in=answered)
        .exclude(roles__code__in=["partnership_manager", "administrator"])
        .order_by("email")
        .first()
    )
    sign_in(page, person.email)
    page.get_by_role("link", name="Surveys").first.click()
    page.get_by_role("heading", name="Partnership surveys").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Answer the survey")).click()
    page.get_by_role("heading", name="How well do we work together?").wait_for()
    groups = page.get_by_role("group")
    for i in range(groups.count()):
        groups.nth(i).get_by_label("Agree", exact=True).check()
    assert_accessible(page)
    screenshot(page, "partnership-survey-answer")
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank you: your answers are saved, anonymously.").wait_for()
    assert page.get_by_text("Answered").is_visible()
    assert_accessible(page)
    sign_out(page)
    assert SurveyAnswered.objects.filter(round=survey_round, practitioner=person).exists()
