"""A mother signs in to her family's own pages, reads the plan, leaves a comment and says her
action is done. The father, who lives apart, signs in and never sees the refuge address."""

from __future__ import annotations

import re

import pytest

from joinedup.demo import loader
from joinedup.demo.family import REFUGE_ADDRESS, REFUGE_POSTCODE
from joinedup.demo.partnership import DEMO_PASSWORD
from joinedup.family.models import ActionProgress, FamilyComment
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_to_family_pages(page, email: str) -> None:
    page.goto("/family/")  # the link in the invitation email and on the family's bookmark
    page.get_by_role("heading", name="Sign in to joinedup").wait_for()
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=re.compile("^Hello, ")).wait_for()


def test_a_parent_reads_the_plan_and_has_her_say(page):
    loader.load(families=12, seed=2026)

    sign_in_to_family_pages(page, "jodie.carter@family.example")
    assert_accessible(page)
    screenshot(page, "family-home")
    page.get_by_role("link", name="See your plan").click()
    page.get_by_role("heading", name="Your plan").wait_for()
    assert page.get_by_text("Mia and Tyler feel safe and settled").is_visible()
    assert page.get_by_text("Not started yet").first.is_visible()
    assert_accessible(page)
    screenshot(page, "family-plan")

    page.get_by_role("link", name="Your team").first.click()
    page.get_by_role("heading", name="Your team").wait_for()
    assert page.get_by_text("Lead professional").first.is_visible()
    assert_accessible(page)
    screenshot(page, "family-team")

    page.get_by_role("link", name="Meetings").first.click()
    page.get_by_role("heading", name="Meetings", exact=True).wait_for()
    assert page.get_by_text("Tyler misses his friends").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Have your say").first.click()
    page.get_by_role("heading", name="Have your say").wait_for()
    page.get_by_role("button", name="Send to your team").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_label("What do you want to say about your plan?").fill(
        "Could the football club be on Saturdays? Tyler has school clubs in the week."
    )
    page.get_by_role("button", name="Send to your team").click()
    page.get_by_text("Your team can now read your comment").wait_for()
    assert page.get_by_text("Could the football club be on Saturdays?").is_visible()
    assert_accessible(page)
    screenshot(page, "family-have-your-say")
    comment = FamilyComment.objects.get()
    assert comment.person.given_name == "Jodie"

    page.get_by_role("link", name=re.compile("Register the children with a GP")).click()
    page.get_by_label("It is done").check()
    page.get_by_label("Tell your team more").fill("All three of us are registered now.")
    assert_accessible(page)
    page.get_by_role("button", name="Tell your team").click()
    page.get_by_text("We have told your lead professional").wait_for()
    assert ActionProgress.objects.get().done

    page.get_by_role("link", name="Your consent").first.click()
    page.get_by_role("heading", name="Your consent", exact=True).wait_for()
    assert_accessible(page)
    screenshot(page, "family-consent")
    sign_out(page)

    sign_in_to_family_pages(page, "dean.carter@family.example")
    page.get_by_role("link", name="See your plan").click()
    page.get_by_role("heading", name="Your plan").wait_for()
    for url in ("/family/", page.url, page.url + "team/", page.url + "meetings/"):
        page.goto(url)
        html = page.content()
        assert REFUGE_ADDRESS not in html and REFUGE_POSTCODE not in html
    screenshot(page, "family-father-meetings")


def test_the_family_pages_work_on_a_phone(chromium, live_server):
    loader.load(families=12, seed=2026)
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in_to_family_pages(page, "tyler.carter@family.example")
        page.get_by_role("link", name="See your plan").click()
        page.get_by_role("heading", name="Your plan").wait_for()
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert_accessible(page)
        screenshot(page, "family-plan-phone")
    finally:
        context.close()
