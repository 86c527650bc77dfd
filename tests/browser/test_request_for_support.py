"""A school asks for help for a child, the front door decides early help, the school hears back."""

from __future__ import annotations

import re

import pytest

from joinedup.demo import loader
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy
from tests.browser.conftest import assert_accessible, choose_person, screenshot
from tests.browser.test_find_a_child import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page) -> None:
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.get_by_role("heading", name="Sign in to joinedup").wait_for()


def test_school_asks_front_door_decides_school_sees_the_decision(page):
    loader.load(families=12, seed=2026)
    teacher = Practitioner.objects.get(email="amira.khan@oakfield.example")
    child = policy.persons_visible_to(teacher).filter(kind="child").order_by("pk").first()
    name = f"{child.given_name} {child.family_name}"

    sign_in(page, teacher.email)
    page.get_by_role("link", name="Requests").click()
    page.get_by_role("button", name="Ask for support").click()
    page.get_by_role("heading", name="Ask for support").wait_for()
    page.get_by_role("button", name="Continue").click()  # unanswered: the error summary
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Who is the request about?").wait_for()
    page.get_by_label("Name or reference").fill(child.family_name)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name=f"Add {name}").click()
    page.get_by_role("button", name=f"Remove {name}").wait_for()
    screenshot(page, "request-people")
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="About the worry").wait_for()
    page.get_by_label("What are you worried about?").fill(
        "Arrives hungry most days and has fallen asleep in class twice this week."
    )
    page.get_by_label("Be healthy").check()
    page.get_by_label("What does the family want?").fill("Mum wants help with mornings.")
    page.get_by_label("Yes, the family knows and agrees").check()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your request before sending it").wait_for()
    screenshot(page, "request-check")
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    page.get_by_role("heading", name="Request sent").wait_for()
    reference = page.locator(".govuk-panel__body strong").inner_text()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "priya.shah@earlyhelp.example")
    page.get_by_role("link", name="Front door").click()
    page.get_by_role("heading", name="Front door").wait_for()
    screenshot(page, "front-door-queue")
    assert_accessible(page)
    page.get_by_role("link", name=reference).click()
    page.get_by_role("heading", name=f"Request {reference}").wait_for()
    page.get_by_role("table", name=re.compile(f"Who is working with {child.given_name}")).wait_for()
    page.get_by_role("radio", name="Early help", exact=True).check()
    page.get_by_label("Reasons").fill("Needs across health and school; the family agrees.")
    lead = Practitioner.objects.get(email="grace.okafor@earlyhelp.example")
    choose_person(page, "Lead professional (for early help)", lead.get_full_name())
    screenshot(page, "triage")
    assert_accessible(page)
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Decision recorded.").wait_for()
    sign_out(page)

    sign_in(page, teacher.email)
    page.get_by_role("link", name=re.compile("Notifications")).click()
    page.get_by_role("link", name=f"Decision on your request {reference}").click()
    page.get_by_role("heading", name="Decision: Early help").wait_for()
    screenshot(page, "asker-sees-decision")
    assert_accessible(page)

    page.goto("/front-door/")
    assert page.get_by_role("heading", name="Page not found").count() == 1
