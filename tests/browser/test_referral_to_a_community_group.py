"""A lead professional finds a community group for a child, refers with the family's agreement;
the group, which has no account, accepts through the emailed link; the team and the family see
it. Declining, a reused link and an expired link, in Chromium, each page checked with axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from joinedup.directory import services
from joinedup.directory.models import ReferralLink
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_find_a_child import sign_in
from tests.browser.test_request_for_support import sign_out
from tests.directory.conftest import give_referral_consent, make_directory
from tests.factories import PASSWORD
from tests.family.conftest import PASSWORD as FAMILY_PASSWORD
from tests.family.conftest import family_user, make_family

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def last_link() -> str:
    (path,) = re.findall(r"(/referral-link/[^\s]+/)", mail.outbox[-1].body)
    return path


def test_refer_to_a_group_without_an_account_which_accepts_by_link(page):
    directory = make_directory()
    family = make_family()
    give_referral_consent(family.lead, family.child)
    mother = family_user(family, family.mother, "jodie@example.net")

    sign_in(page, family.lead.email, PASSWORD)
    page.goto(f"/episodes/{family.episode.pk}/")
    page.get_by_role("link", name="Find a service to refer to").click()
    page.get_by_role("heading", name="Find a service").wait_for()
    page.get_by_label("Age of the child").fill("10")
    page.get_by_label("Locality or postcode district").fill("DS1")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="1 service found").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Boxing fitness").click()
    page.get_by_role("link", name=re.compile("Refer from episode")).click()
    page.get_by_role("heading", name="Refer to Boxing fitness").wait_for()
    page.get_by_label("Who is the referral for?").select_option(label="Mia Carter")
    page.get_by_label("What are you asking the service to do?").fill(
        "Somewhere to go after school, and a coach Mia can talk to."
    )
    page.get_by_label("Routine").check()
    page.get_by_label("Name").check()
    page.get_by_label("Why the referral is made").check()
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    page.get_by_role("link", name=re.compile("The family must agree")).wait_for()
    assert_accessible(page)
    page.get_by_label("The family knows about this referral and agrees to it").check()
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_role("heading", level=1, name="Boxing fitness").wait_for()
    page.get_by_text("Sent", exact=True).wait_for()
    assert_accessible(page)
    sign_out(page)

    # The club opens the emailed link: no account, only what the family agreed to share.
    link = last_link()
    page.goto(link)
    page.get_by_role("heading", name=re.compile("A referral from")).wait_for()
    assert "Mia Carter" in page.content() and "Date of birth" not in page.content()
    assert_accessible(page)
    page.get_by_label("Accept the referral").check()
    page.get_by_role("button", name="Send your answer").click()
    page.get_by_role("heading", name="Answer recorded").wait_for()
    assert_accessible(page)
    screenshot(page, "referral-accepted-by-link")

    # The same link again: said plainly, nothing shown.
    page.goto(link)
    page.get_by_role("heading", name="This link has already been used").wait_for()
    assert "Mia" not in page.content() and "Boxing" not in page.content()
    assert_accessible(page)

    sign_in(page, family.lead.email, PASSWORD)
    page.goto(f"/episodes/{family.episode.pk}/")
    page.get_by_role("heading", name="Referrals to services").wait_for()
    page.get_by_text("Accepted", exact=True).wait_for()
    sign_out(page)

    sign_in(page, mother.email, FAMILY_PASSWORD)
    page.goto(f"/family/episodes/{family.episode.pk}/")
    page.get_by_text(re.compile("Boxing fitness.*they said yes")).wait_for()
    assert_accessible(page)
    assert directory.club.referrals.get().status == "accepted"


def test_decline_by_link_and_an_expired_link(page):
    directory = make_directory()
    family = make_family()
    give_referral_consent(family.lead, family.child)

    def refer():
        return services.referral_send(
            actor=family.lead,
            service=directory.club,
            episode=family.episode,
            person=family.child,
            asked="A place on Mondays.",
            urgency="soon",
            family_agreed=True,
            shared=["reason"],
        )

    declined = refer()
    page.goto(last_link())
    page.get_by_label("Decline the referral").check()
    page.get_by_role("button", name="Send your answer").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page)
    page.get_by_label(re.compile("Reason")).fill("No places until the spring.")
    page.get_by_role("button", name="Send your answer").click()
    page.get_by_role("heading", name="Answer recorded").wait_for()
    declined.refresh_from_db()
    assert (declined.status, declined.reason) == ("declined", "No places until the spring.")

    expired = refer()
    ReferralLink.objects.filter(referral=expired).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page.goto(last_link())
    page.get_by_role("heading", name="This link has expired").wait_for()
    assert "Mondays" not in page.content()
    assert_accessible(page)
    expired.refresh_from_db()
    assert expired.status == "sent"
