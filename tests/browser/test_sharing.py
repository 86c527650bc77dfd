"""A teacher records a sharing decision and asks the front door for advice without naming the
family; the refuge address stays withheld from the school and open to the charity."""

from __future__ import annotations

import pytest

from joinedup.demo import loader
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sharing_decision_advice_and_a_withheld_address(page):
    loader.load(families=30, seed=2026)
    teacher = Practitioner.objects.get(email="amira.khan@oakfield.example")
    child = policy.persons_visible_to(teacher).filter(kind="child").order_by("pk").first()
    assert child is not None

    sign_in(page, teacher.email)
    page.get_by_role("heading", name="My people").wait_for()
    page.goto(f"/people/{child.pk}/sharing/new/")
    page.get_by_role("heading", name="Record a sharing decision").wait_for()
    page.get_by_label("Share", exact=True).check()
    page.get_by_label("What information is this decision about?").fill("Attendance this term")
    page.get_by_label("Education").check()
    page.get_by_label("Demo Shire Health Visiting Service").check()
    page.get_by_role("radio", name="Assessment").check()
    page.get_by_label("Lawful basis (if sharing)").select_option("public_task")
    page.get_by_label("Your reasons").fill("Needed for the early help assessment")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_role("link", name="Name the statutory duty this public task rests on").wait_for()
    screenshot(page, "sharing-decision-error")
    assert_accessible(page)
    page.get_by_label("Statutory duty (for public task)").select_option("ca2004_s11")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_role("heading", name="Sharing information").wait_for()
    page.get_by_text("Attendance this term").wait_for()
    screenshot(page, "sharing-decisions")
    assert_accessible(page)

    page.goto("/advice/new/")
    page.get_by_role("heading", name="Ask for advice").wait_for()
    page.get_by_label("Ask a team").select_option(index=1)
    page.get_by_label("Describe the situation").fill("A pupil often arrives hungry.")
    page.get_by_label("What would you like advice on?").fill("Should I raise a request?")
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Request for advice").wait_for()
    screenshot(page, "advice")
    assert_accessible(page)

    refuge = Person.objects.filter(address_confidential=True).order_by("pk").first()
    assert refuge is not None
    sign_out(page)
    charity = Practitioner.objects.get(email="maria.silva@safeharbour.example")
    sign_in(page, charity.email)
    page.get_by_role("heading", name="My people").wait_for()
    page.goto(f"/people/{refuge.pk}/")
    page.get_by_text("Haven Court").wait_for()
    screenshot(page, "refuge-address-charity")
    assert_accessible(page)
