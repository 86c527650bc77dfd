"""A practitioner signs in with their organisation's own account: a real OpenID Connect provider
(django-oauth-toolkit's, in a process of its own on 127.0.0.1) signs them in, asks their consent,
and sends them back to joinedup signed in as themselves. Someone the provider knows but joinedup
does not is refused with a page that says why, and the refusal is audited."""

from __future__ import annotations

import pytest

from joinedup.audit.models import AccessEvent
from joinedup.integrations.models import IdentityProvider
from joinedup.partnership.models import Organisation, Practitioner
from tests import factories
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_request_for_support import sign_out
from tests.integrations.oidc_provider.running import running

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "provider-password-1"
USERS = {
    # username at the provider -> the person the provider knows
    "sam.patel": {
        "email": "sam.patel@oakfield.example",
        "given_name": "Sam",
        "family_name": "Patel",
    },
    "jo.stranger": {"email": "jo.stranger@oakfield.example", "given_name": "Jo"},
    "lee.moved": {"email": "lee.moved@oakfield.example", "given_name": "Lee"},
}


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    users = {name: {**person, "password": PASSWORD} for name, person in USERS.items()}
    with running(
        tmp_path_factory.mktemp("identity-provider"),
        redirect_uri=f"{live_server.url}/sign-in/organisation/callback/",
        users=users,
    ) as started:
        yield started


@pytest.fixture
def school(provider):
    school = factories.organisation("Oakfield Primary School")
    endpoints = provider.discovery
    IdentityProvider.objects.create(
        organisation=school,
        issuer=provider.issuer,
        authorization_endpoint=endpoints["authorization_endpoint"],
        token_endpoint=endpoints["token_endpoint"],
        userinfo_endpoint=endpoints["userinfo_endpoint"],
        jwks_uri=endpoints["jwks_uri"],
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        email_domains=["oakfield.example"],
    )
    return school


def _practitioner(organisation: Organisation, email: str, first: str, last: str) -> Practitioner:
    return Practitioner.objects.create_user(
        email=email, organisation=organisation, first_name=first, last_name=last
    )


def sign_in_at_the_organisation(page, email: str, username: str) -> None:
    """From joinedup's sign-in page to the provider's, and back."""
    page.goto("/")
    page.get_by_role("heading", name="Sign in to joinedup").wait_for()
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    page.get_by_role("heading", name="Sign in with your organisation's account").wait_for()
    assert_accessible(page)
    page.get_by_label("Work email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    # The organisation's own sign-in page: joinedup never sees this password.
    page.get_by_role("heading", name="Sign in to your organisation").wait_for()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # The provider asks once whether joinedup may have the email address.
    page.get_by_role("button", name="Authorize").click()


def test_a_practitioner_signs_in_with_their_organisations_account_and_out_again(
    page, live_server, school
):
    sam = _practitioner(school, "sam.patel@oakfield.example", "Sam", "Patel")

    sign_in_at_the_organisation(page, "Sam.Patel@oakfield.example", "sam.patel")
    page.get_by_role("heading", name="My people").wait_for()
    page.get_by_role("button", name="Sign out Sam Patel").wait_for()
    assert page.url.startswith(live_server.url)
    screenshot(page, "single-sign-on-signed-in")
    assert_accessible(page)

    sign_out(page)
    assert_accessible(page)
    # The joinedup session has ended: its pages ask for a sign-in again.
    page.goto("/")
    page.get_by_role("heading", name="Sign in to joinedup").wait_for()
    assert not AccessEvent.objects.filter(
        action="refused", object_type="sign_in.single_sign_on"
    ).exists()
    sam.refresh_from_db()
    assert sam.last_login is not None


def test_someone_joinedup_does_not_know_is_refused_and_the_refusal_audited(
    chromium, live_server, school
):
    unrelated = factories.organisation("Unrelated Housing Association", sector="housing")
    # The provider vouches for this address, but its practitioner works for another organisation.
    _practitioner(unrelated, "lee.moved@oakfield.example", "Lee", "Moved")
    for username, email in (
        ("jo.stranger", "jo.stranger@oakfield.example"),
        ("lee.moved", "lee.moved@oakfield.example"),
    ):
        context = chromium.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            sign_in_at_the_organisation(page, email, username)
            page.get_by_role(
                "heading", name="You cannot sign in to joinedup with this account"
            ).wait_for()
            page.get_by_text(email).wait_for()
            screenshot(page, f"single-sign-on-refused-{username}")
            assert_accessible(page)
            page.goto("/")
            page.get_by_role("heading", name="Sign in to joinedup").wait_for()
        finally:
            context.close()
        refusal = AccessEvent.objects.get(
            action="refused", object_type="sign_in.single_sign_on", detail__email=email
        )
        assert refusal.actor_id is None
        assert refusal.object_id == str(school.pk)
        assert refusal.detail["reason"] == "no practitioner"
        assert refusal.detail["issuer"] == school.identity_provider.issuer
