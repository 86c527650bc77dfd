"""Password reset by email, and sign-in lockout by account and address (item 17)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from tests import factories

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-password-2026"


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def sign_in(client, email, password=factories.PASSWORD, address="10.0.0.1"):
    return client.post(
        reverse("web:sign-in"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_a_practitioner_resets_their_password_through_the_emailed_link(client, teacher):
    sign_in_page = client.get(reverse("web:sign-in")).content.decode()
    assert reverse("web:password-reset") in sign_in_page
    form = client.get(reverse("web:password-reset")).content.decode()
    assert "Reset your password" in form
    response = client.post(
        reverse("web:password-reset"), {**hidden_fields(form), "email": teacher.email.upper()}
    )
    assert response.url == reverse("web:password-reset-sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [teacher.email]
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)

    page = client.get(link, follow=True)  # Django swaps the token for a session marker
    assert "Choose a new password" in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {
            **hidden_fields(page.content.decode()),
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.url == reverse("web:password-reset-complete")
    assert "Password changed" in client.get(response.url).content.decode()
    assert sign_in(client, teacher.email, NEW_PASSWORD).status_code == 302
    assert AccessEvent.objects.filter(actor=teacher, purpose="password reset by email").exists()
    # The link works once.
    client.logout()
    assert "This link does not work" in client.get(link, follow=True).content.decode()


def test_bad_input_gets_the_error_summary(client, teacher):
    response = client.post(reverse("web:password-reset"), {"email": "not an address"})
    html = response.content.decode()
    assert "There is a problem" in html and 'href="#id_email"' in html
    assert not mail.outbox


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, teacher):
    response = client.post(reverse("web:password-reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("web:password-reset-sent")
    assert not mail.outbox


def test_a_weak_new_password_is_refused_naming_the_field(client, teacher):
    client.post(reverse("web:password-reset"), {"email": teacher.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert "There is a problem" in response.content.decode()
    assert sign_in(client, teacher.email).status_code == 302  # the old password still works


def test_failures_from_elsewhere_cannot_lock_a_colleague_out(client, teacher, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, teacher.email, "wrong password", address="203.0.113.9")
    assert sign_in(client, teacher.email, address="203.0.113.9").status_code == 429
    assert sign_in(client, teacher.email, address="10.0.0.1").status_code == 302


@override_settings(JOINEDUP_ADDRESS_FAILURE_LIMIT=6)
def test_one_password_cannot_be_tried_across_many_accounts(client, school):
    accounts = [factories.practitioner(school) for _ in range(7)]
    for account in accounts[:6]:  # one guess each: no account reaches its own limit
        assert sign_in(client, account.email, "Summer2026!", address="198.51.100.7").status_code
    assert sign_in(client, accounts[6].email, address="198.51.100.7").status_code == 429
    assert sign_in(client, accounts[6].email, address="10.0.0.1").status_code == 302
