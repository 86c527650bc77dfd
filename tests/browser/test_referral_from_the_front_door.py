"""The front door signposts a school's request for support to a service; the teacher finds the
service from the request, refers with the family's agreement, and sees the referral's status on
the request and on My work. An administrator follows another publisher's feed. In Chromium, each
page checked with axe-core."""

from __future__ import annotations

import re

import pytest

from joinedup.directory.models import Feed, Referral
from joinedup.frontdoor import services as frontdoor
from tests import factories
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.conftest import raise_request
from tests.directory.conftest import give_referral_consent, make_directory
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_refer_from_a_request_the_front_door_signposted(page):
    make_directory()
    school = factories.organisation("Oakfield Primary School")
    teacher = factories.practitioner(school)
    child = factories.person("Maya", "Jones")
    factories.involvement(school, child)
    council = factories.organisation("Demo Council Early Help", sector="statutory")
    hub = factories.team(council, "Early Help Hub", front_door=True)
    front_door = factories.practitioner(council, team=hub, roles=("front_door",))
    request = raise_request(teacher, child)
    frontdoor.request_decide(
        actor=front_door, request=request, outcome="advice", reasons="A local club can help."
    )
    give_referral_consent(teacher, child)

    sign_in(page, teacher.email, PASSWORD)
    page.goto(f"/requests/{request.pk}/")
    page.get_by_role("link", name="Find a service to refer to").click()
    page.get_by_role("heading", name="Find a service").wait_for()
    page.get_by_text(f"Referral from request {request.reference}").wait_for()
    page.get_by_label("Age of the child").fill("11")  # the club is for 10 to 18
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=re.compile(r"\d+ services? found")).wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Boxing fitness").click()
    page.get_by_role("link", name=f"Refer from request {request.reference}").click()
    page.get_by_role("heading", name="Refer to Boxing fitness").wait_for()
    assert_accessible(page)
    page.get_by_label("Who is the referral for?").select_option(label="Maya Jones")
    page.get_by_label("What are you asking the service to do?").fill(
        "Somewhere to go after school, and a coach Maya can talk to."
    )
    page.get_by_label("Within a week").check()
    page.get_by_label("Name").check()
    page.get_by_label("Why the referral is made").check()
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    page.get_by_role("link", name=re.compile("The family must agree")).wait_for()
    assert_accessible(page)
    assert not Referral.objects.exists()
    page.get_by_label("The family knows about this referral and agrees to it").check()
    page.get_by_role("button", name="Send the referral").click()

    page.get_by_role("heading", name=f"Request {request.reference}").wait_for()
    page.get_by_role("heading", name="Referrals to services").wait_for()
    page.get_by_role("cell", name="Sent").wait_for()
    assert_accessible(page)
    screenshot(page, "referral-from-a-signposted-request")
    referral = Referral.objects.get()
    assert (referral.request_id, referral.urgency) == (request.pk, "soon")
    page.goto("/my-work/")
    page.get_by_role("link", name=re.compile(f"{referral.reference}: Boxing fitness")).wait_for()


def test_an_administrator_follows_a_feed(page):
    administrator = factories.practitioner(
        factories.organisation("Partnership Office", sector="statutory"), roles=("administrator",)
    )
    sign_in(page, administrator.email, PASSWORD)
    page.goto("/service-feeds/")
    page.get_by_role("heading", name="Other publishers' feeds").wait_for()
    page.get_by_role("button", name="Follow the feed").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_label("The feed's web address").fill("https://services.example.org/oruk")
    page.get_by_label("Publisher").fill("Demo Borough Council")
    page.get_by_label("Every day").check()
    page.get_by_role("button", name="Follow the feed").click()
    page.get_by_role("heading", name="Demo Borough Council").wait_for()
    assert_accessible(page)
    assert Feed.objects.get().every_hours == 24
