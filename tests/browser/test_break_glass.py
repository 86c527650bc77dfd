"""In an emergency a housing officer opens a child's record with a reason; the data-protection
officer is told and reviews it in the queue."""

from __future__ import annotations

import re

import pytest

from joinedup.demo import loader
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy
from joinedup.sharing.models import BreakGlass
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_break_glass_then_the_dpo_reviews_it(page):
    loader.load(families=12, seed=2026)
    housing = Practitioner.objects.get(email="gary.holmes@harbourhomes.example")
    dpo = Practitioner.objects.get(email="morgan.ellis@earlyhelp.example")
    child = (
        policy.persons_visible_to(Practitioner.objects.get(email="amira.khan@oakfield.example"))
        .exclude(pk__in=policy.persons_visible_to(housing))
        .order_by("pk")
        .first()
    )
    assert child is not None
    name = f"{child.given_name} {child.family_name}"

    sign_in(page, housing.email)
    page.get_by_role("heading", name="My people").wait_for()
    assert page.goto(f"/people/{child.pk}/").status == 404
    assert child.given_name not in page.content()

    page.goto("/emergency-access/")
    page.get_by_role("heading", name="Emergency access to a record").wait_for()
    assert_accessible(page)
    page.get_by_label("Person's reference").fill(child.reference)
    page.get_by_role("button", name="Open the record").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    page.get_by_role("link", name="Enter why you need to open this record now").wait_for()
    screenshot(page, "break-glass-error")
    assert_accessible(page)

    page.get_by_label("Why do you need to open this record now?").fill(
        "Police called: the child is missing and may be at one of our properties."
    )
    page.get_by_role("button", name="Open the record").click()
    page.get_by_role("heading", level=1, name=name).wait_for()
    page.get_by_text(re.compile("Emergency access is open until")).wait_for()
    page.get_by_text(re.compile("Break-glass: vital interests")).wait_for()
    screenshot(page, "break-glass-record")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, dpo.email)
    page.get_by_role("link", name="Data protection").click()
    page.get_by_role("heading", level=1, name="Data protection").wait_for()
    waiting = BreakGlass.objects.filter(outcome="pending").count()  # the demo's own, and this one
    page.get_by_text(f"{waiting} waiting for review").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Emergency access reviews").first.click()
    grant = BreakGlass.objects.get(practitioner=housing)
    page.get_by_role("cell", name=child.reference).first.wait_for()
    screenshot(page, "break-glass-queue")
    assert_accessible(page)
    page.get_by_role("link", name=f"Review emergency access #{grant.pk}").click()
    page.get_by_role("heading", name="Review emergency access").wait_for()
    page.get_by_role("button", name="Record the review").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_label("Not justified").check()
    page.get_by_role("button", name="Record the review").click()
    page.get_by_role("link", name="Enter notes saying why it was not justified").wait_for()
    page.get_by_label("Justified", exact=True).check()
    page.get_by_label("Notes").fill("Confirmed with police: the child was missing.")
    screenshot(page, "break-glass-review")
    page.get_by_role("button", name="Record the review").click()
    page.get_by_text(f"Review of emergency access #{grant.pk} recorded.").wait_for()
    assert BreakGlass.objects.get(pk=grant.pk).outcome == "justified"
    assert_accessible(page)

    page.goto(f"/data-protection/who-has-seen/?reference={child.reference}")
    page.get_by_role("img", name=re.compile("Accesses to")).wait_for()
    page.get_by_role("cell", name=housing.organisation.name).first.wait_for()
    screenshot(page, "who-has-seen")
    assert_accessible(page)
    page.goto("/data-protection/audit/")
    assert_accessible(page)
    page.goto("/data-protection/unusual/")
    assert_accessible(page)
    page.goto("/data-protection/chain/")
    page.get_by_role("button", name="Check the whole chain now").click()
    page.get_by_text("The chain is whole").wait_for()
    assert_accessible(page)
