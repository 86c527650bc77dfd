"""The emailed link for organisations without an account: single use per action, expiring,
showing only what the family agreed to share; every use audited; a spent or expired link says
so plainly and reveals nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.directory import services
from joinedup.directory.models import ReferralLink
from tests.directory.test_referrals import hidden, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def emailed(teacher, child, episode, directory, consented, django_capture_on_commit_callbacks):
    """A referral to the boxing club, and the link in the email it was sent."""
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(
            teacher, episode, child, directory.club, shared=["reason"], asked="MONDAY-SESSION"
        )
    (url,) = re.findall(r"(/referral-link/[^\s]+/)", mail.outbox[-1].body)
    return referral, url


def test_the_link_shows_only_what_the_family_agreed_to_share(client, emailed, child):
    referral, url = emailed
    page = client.get(url).content.decode()
    assert "MONDAY-SESSION" in page and referral.reference in page
    assert child.full_name not in page and child.given_name not in page  # name not agreed
    assert "Date of birth" not in page
    assert AccessEvent.objects.filter(
        action="view", object_type="directory.referral", purpose="referral link"
    ).exists()


def test_accept_then_started_then_completed_each_by_a_new_link(
    client, emailed, django_capture_on_commit_callbacks
):
    referral, url = emailed
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, hidden(client.get(url).content.decode()) | {"status": "accepted"})
    assert "Answer recorded" in done.content.decode()
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.first_contact_at is not None
    (next_url,) = re.findall(r"(/referral-link/[^\s]+/)", mail.outbox[-1].body)
    assert next_url != url
    with django_capture_on_commit_callbacks(execute=True):
        client.post(next_url, {"status": "started"})
    (last_url,) = re.findall(r"(/referral-link/[^\s]+/)", mail.outbox[-1].body)
    bad = client.post(last_url, {"status": "completed"})
    assert "#id_what_changed" in bad.content.decode()  # the form names the field; link unspent
    client.post(last_url, {"status": "completed", "what_changed": "Comes every week."})
    referral.refresh_from_db()
    assert (referral.status, referral.what_changed) == ("completed", "Comes every week.")
    assert referral.events.filter(by_link=True).count() == 3
    assert teacher_told(referral)


def teacher_told(referral) -> bool:
    return referral.referred_by.notifications.filter(subject__contains="completed").exists()


def test_decline_needs_a_reason(client, emailed):
    referral, url = emailed
    refused = client.post(url, {"status": "declined"})
    assert refused.status_code == 200 and "#id_reason" in refused.content.decode()
    client.post(url, {"status": "declined", "reason": "No places until spring."})
    referral.refresh_from_db()
    assert (referral.status, referral.reason) == ("declined", "No places until spring.")


def test_a_used_link_says_so_and_reveals_nothing(client, emailed):
    referral, url = emailed
    client.post(url, {"status": "accepted"})
    for response in (client.get(url), client.post(url, {"status": "declined", "reason": "x"})):
        page = response.content.decode()
        assert response.status_code == 410 and "This link has already been used" in page
        assert "MONDAY-SESSION" not in page and referral.reference not in page
    referral.refresh_from_db()
    assert referral.status == "accepted"
    # Both attempts, the look and the second answer, are in the audit trail.
    refused = AccessEvent.objects.filter(action="refused", object_type="directory.referrallink")
    assert [e.detail["reason"] for e in refused] == ["used", "used"]


def test_an_expired_link_says_so_and_reveals_nothing(client, emailed):
    referral, url = emailed
    ReferralLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 410 and "This link has expired" in page
    assert "MONDAY-SESSION" not in page and referral.service.name not in page
    assert client.post(url, {"status": "accepted"}).status_code == 410
    referral.refresh_from_db()
    assert referral.status == "sent"
    refused = AccessEvent.objects.filter(action="refused", object_type="directory.referrallink")
    assert refused.count() == 2


def test_links_expire_after_fourteen_days_and_store_only_a_hash(emailed):
    _, url = emailed
    link = ReferralLink.objects.get()
    assert link.expires_at - link.created_at == timedelta(days=services.LINK_DAYS) == timedelta(14)
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert token not in link.token_hash and link.token_hash == services.hash_token(token)


@pytest.mark.parametrize("token", ["nonsense", "x" * 300])
def test_an_unknown_link_reveals_nothing(client, directory, token):
    response = client.get(f"/referral-link/{token}/")
    assert response.status_code == 410 and "This link does not work" in response.content.decode()


def test_a_link_with_a_nul_is_refused_before_it_is_looked_up(client, directory):
    # The request check answers any NUL in a path with 400, before any view (and any lookup).
    assert client.get("/referral-link/%00/").status_code == 400
