"""A practitioner signs in, finds a child and sees only what the policy allows."""

from __future__ import annotations

import re

import pytest

from joinedup.demo import loader
from joinedup.demo.partnership import DEMO_PASSWORD
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy
from tests.browser.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/two-factor/" in page.url:  # officers and administrators: the authenticator app's code
        page.get_by_label("Security code").fill(current_code(email))
        page.get_by_role("button", name="Continue").click()


def current_code(email: str) -> str:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__email=email).order_by("-pk").first()
    assert device is not None
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{code:0{device.digits}d}"


def test_a_school_practitioner_finds_a_child_and_opens_their_record(page):
    loader.load(families=25, seed=2026)
    teacher = Practitioner.objects.get(email="amira.khan@oakfield.example")
    child = (
        policy.persons_visible_to(teacher)
        .filter(kind="child", involvements__organisation=teacher.organisation)
        .order_by("pk")
        .first()
    )

    sign_in(page, teacher.email, "not the password")
    page.get_by_role("heading", name="There is a problem").wait_for()
    screenshot(page, "sign-in-error")
    assert_accessible(page)

    sign_in(page, teacher.email)
    page.get_by_role("heading", name="My people").wait_for()
    screenshot(page, "my-people")
    assert_accessible(page)

    page.get_by_label("Name or reference").fill(child.family_name)
    page.get_by_label("Day").fill(str(child.date_of_birth.day))
    page.get_by_label("Month").fill(str(child.date_of_birth.month))
    page.get_by_label("Year").fill(str(child.date_of_birth.year))
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=re.compile(r"found")).wait_for()
    screenshot(page, "search-results")
    assert_accessible(page)

    page.get_by_role("link", name=f"{child.given_name} {child.family_name}").click()
    page.get_by_role("heading", level=1, name=f"{child.given_name} {child.family_name}").wait_for()
    page.get_by_role("heading", name=f"Who is working with {child.given_name}").wait_for()
    page.get_by_role("cell", name="Oakfield Primary School").first.wait_for()
    screenshot(page, "person")
    assert_accessible(page)

    page.goto("/directory/")
    assert_accessible(page)
    screenshot(page, "directory")


def test_another_organisation_cannot_open_the_childs_record(page):
    loader.load(families=25, seed=2026)
    teacher = Practitioner.objects.get(email="amira.khan@oakfield.example")
    housing = Practitioner.objects.get(email="gary.holmes@harbourhomes.example")
    child = (
        policy.persons_visible_to(teacher)
        .exclude(pk__in=policy.persons_visible_to(housing))
        .first()
    )
    assert isinstance(child, Person)
    sign_in(page, housing.email)
    page.get_by_role("heading", name="My people").wait_for()
    response = page.goto(f"/people/{child.pk}/")
    assert response is not None and response.status == 404
    page.get_by_role("heading", name="Page not found").wait_for()
    assert child.given_name not in page.content()
    screenshot(page, "refused")
    assert_accessible(page)
