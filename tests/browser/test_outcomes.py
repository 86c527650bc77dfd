"""A mother and her son say how things are on their own pages (numbers, and the picture scale);
the lead professional sees both views beside the team's; the partnership manager reads the
dashboard and the families meeting the outcome rule."""

from __future__ import annotations

import re

import pytest

from joinedup.demo import loader
from joinedup.outcomes.dashboard import rebuild
from joinedup.outcomes.models import Measurement
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_family import sign_in_to_family_pages
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_family_records_their_view_and_the_team_sees_it_beside_theirs(page):
    loader.load(families=12, seed=2026)

    sign_in_to_family_pages(page, "jodie.carter@family.example")
    page.get_by_role("link", name="See your plan").click()
    page.get_by_role("link", name="How things are").first.click()
    page.get_by_role("heading", name="How things are").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Say how things are now\W+Mia and Tyler")).click()
    page.get_by_role("heading", name="How are things now?").wait_for()
    page.get_by_role("button", name="Send to my team").click()  # nothing chosen
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Anything you want to say about it (optional)").fill(
        "Better at the refuge, but Mia still has nightmares"
    )
    page.get_by_role("button", name="Send to my team").click()
    page.get_by_text("Your team can now see how things are for you").wait_for()
    assert page.get_by_text("Better at the refuge").count() == 1  # in the table of scores
    assert_accessible(page)
    screenshot(page, "outcomes-family")
    sign_out(page)

    # Tyler (14) answers with the picture scale.
    sign_in_to_family_pages(page, "tyler.carter@family.example")
    page.get_by_role("link", name="See your plan").click()
    page.get_by_role("link", name="How things are").first.click()
    page.get_by_role("link", name=re.compile(r"Say how things are now\W+Tyler is back")).click()
    page.get_by_role("link", name="Choose a face instead of a number").click()
    page.get_by_label("Good", exact=True).check()
    assert_accessible(page)
    screenshot(page, "outcomes-picture-scale")
    page.get_by_role("button", name="Send to my team").click()
    page.get_by_text("Your team can now see how things are for you").wait_for()
    sign_out(page)
    mine = list(Measurement.objects.values_list("person__given_name", "score", "picture_scale"))
    assert sorted(mine) == [("Jodie", 4, False), ("Tyler", 7, True)]

    # The lead professional sees both family members' views beside the team's.
    sign_in(page, "grace.okafor@earlyhelp.example")
    page.goto(f"/episodes/{Measurement.objects.first().episode_id}/")
    page.get_by_role("link", name="Outcomes over time").click()
    page.get_by_role("heading", name="Outcomes over time").wait_for()
    assert page.get_by_text("Jodie Carter").first.is_visible()
    assert page.get_by_role("img", name=re.compile("Mia and Tyler feel safe")).is_visible()
    assert_accessible(page)
    screenshot(page, "outcomes-episode")
    sign_out(page)


def test_the_partnership_manager_reads_the_dashboard(page):
    loader.load(families=12, seed=2026)
    rebuild()
    sign_in(page, "ravi.patel@earlyhelp.example")
    page.get_by_role("link", name="Outcomes").first.click()
    page.get_by_role("heading", name="Partnership dashboard").wait_for()
    page.get_by_label("Period").select_option("24")
    page.get_by_role("button", name="Show the figures").click()
    page.get_by_role("heading", name="Requests for support received, by source").wait_for()
    assert_accessible(page)
    screenshot(page, "outcomes-dashboard")
    page.get_by_role("link", name="Successful family outcomes").click()
    page.get_by_role("heading", name="Successful family outcomes").wait_for()
    assert_accessible(page)
