"""The administrator's API clients page, the data lead's webhooks page, the single sign-on start
page, the second factor after a password sign-in, and the API's documentation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from joinedup.integrations import sso
from joinedup.integrations.models import ApiClient, IdentityProvider, WebhookSubscription
from tests import factories

pytestmark = pytest.mark.django_db


def csrf_form(html: str) -> dict[str, str]:
    """The form's own hidden fields, as the browser would send them."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_an_administrator_registers_a_client_and_revokes_it(client, administrator, school):
    client.force_login(administrator)
    page = client.get(reverse("integrations:api-clients"))
    assert page.status_code == 200
    response = client.post(
        reverse("integrations:api-clients"),
        {
            **csrf_form(page.content.decode()),
            "organisation": school.pk,
            "name": "Pupil records",
            "scopes": ["people:read", "involvements:read"],
        },
    )
    html = response.content.decode()
    created = ApiClient.objects.get(organisation=school)
    assert created.scopes == ["people:read", "involvements:read"]
    assert created.application.client_id in html and "not shown again" in html
    client.post(reverse("integrations:api-client-revoke", args=[created.pk]))
    created.refresh_from_db()
    assert created.revoked_at is not None


def test_bad_input_on_the_clients_page_names_the_field_and_writes_nothing(
    client, administrator, school
):
    client.force_login(administrator)
    page = client.get(reverse("integrations:api-clients")).content.decode()
    response = client.post(
        reverse("integrations:api-clients"),
        {**csrf_form(page), "organisation": school.pk, "name": "Nothing allowed"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert 'href="#id_scopes' in html
    assert not ApiClient.objects.exists()


def test_only_administrators_see_the_clients_page(client, teacher, outsider):
    for user in (teacher, outsider):
        client.force_login(user)
        assert client.get(reverse("integrations:api-clients")).status_code == 404


def test_a_data_lead_subscribes_an_endpoint(client, school, settings):
    lead = factories.practitioner(school, roles=("agency_data_lead",))
    client.force_login(lead)
    page = client.get(reverse("integrations:webhooks")).content.decode()
    refused = client.post(
        reverse("integrations:webhooks"),
        {**csrf_form(page), "url": "http://cases.example/hooks", "events": ["episode.opened"]},
    ).content.decode()
    assert "govuk-error-summary" in refused and "The endpoint must use https" in refused
    assert not WebhookSubscription.objects.exists()
    done = client.post(
        reverse("integrations:webhooks"),
        {**csrf_form(page), "url": "https://cases.example/hooks", "events": ["episode.opened"]},
    ).content.decode()
    subscription = WebhookSubscription.objects.get()
    assert subscription.organisation == school and subscription.events == ["episode.opened"]
    assert subscription.secret in done


def test_only_data_leads_see_the_webhooks_page(client, teacher, outsider):
    for user in (teacher, outsider):
        client.force_login(user)
        assert client.get(reverse("integrations:webhooks")).status_code == 404


def form_action(response) -> str:
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    return next(d for d in directives if d.startswith("form-action "))


def test_single_sign_on_starts_at_the_organisations_provider(client, school):
    IdentityProvider.objects.create(
        organisation=school,
        issuer="https://login.oakfield.example",
        authorization_endpoint="https://login.oakfield.example/authorize",
        token_endpoint="https://login.oakfield.example/token",
        userinfo_endpoint="https://login.oakfield.example/userinfo",
        jwks_uri="https://login.oakfield.example/jwks",
        client_id="joinedup",
        client_secret="secret",
        email_domains=["oakfield.example"],
    )
    start = client.get(reverse("integrations:sso"))
    # Browsers check every redirect after a form is sent against form-action: the provider's
    # origin is named on this page, and only on this page.
    assert form_action(start) == "form-action 'self' https://login.oakfield.example"
    assert form_action(client.get(reverse("web:sign-in"))) == "form-action 'self'"
    page = start.content.decode()
    unknown = client.post(
        reverse("integrations:sso"), {**csrf_form(page), "email": "someone@elsewhere.example"}
    ).content.decode()
    assert "govuk-error-summary" in unknown and "does not sign in to joinedup" in unknown
    response = client.post(
        reverse("integrations:sso"), {**csrf_form(page), "email": "Sam@Oakfield.example"}
    )
    assert response.url == reverse("integrations:oidc-start")
    off = client.get(response.url)
    assert off.status_code == 302
    assert off.url.startswith("https://login.oakfield.example/authorize?")
    assert "client_id=joinedup" in off.url and "code_challenge=" in off.url


def test_a_deactivated_practitioner_signed_in_by_their_provider_is_signed_out(school, teacher):
    backend = sso.OrganisationBackend()
    assert backend.get_user(teacher.pk) == teacher
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])
    assert backend.get_user(teacher.pk) is None


def test_officers_signing_in_with_a_password_need_a_second_factor(client, school, teacher):
    officer = factories.practitioner(school, roles=("data_protection_officer",))
    for user, needs_code in ((officer, True), (teacher, False)):
        client.logout()
        client.post(
            reverse("web:sign-in"), {"username": user.email, "password": factories.PASSWORD}
        )
        response = client.get(reverse("web:home"))
        assert (response.status_code == 302 and "two-factor" in response.url) is needs_code


def test_the_api_docs_are_served_from_the_package_and_name_both_ways_in(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/assets/swagger-ui/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    schemes = client.get("/api/v1/openapi.json").json()["components"]["securitySchemes"]
    kinds = {(s["type"], s.get("scheme") or s.get("in")) for s in schemes.values()}
    assert kinds == {("http", "bearer"), ("apiKey", "cookie")}


def test_a_paused_subscription_is_resumed_from_its_page(client, school, outsider):
    from django.utils import timezone

    from tests.formfill import forms_in

    lead = factories.practitioner(school, roles=("agency_data_lead",))
    client.force_login(lead)
    page = client.get(reverse("integrations:webhooks")).content.decode()
    client.post(
        reverse("integrations:webhooks"),
        {**csrf_form(page), "url": "https://cases.example/hooks", "events": ["episode.opened"]},
    )
    subscription = WebhookSubscription.objects.get()
    WebhookSubscription.objects.update(paused_at=timezone.now(), failures_in_a_row=20)
    resume = reverse("integrations:webhook-resume", args=[subscription.pk])
    client.force_login(outsider)
    assert client.post(resume).status_code == 404
    client.force_login(lead)
    page = client.get(reverse("integrations:webhooks")).content.decode()
    [form] = [f for f in forms_in(page) if f.action == resume]
    assert client.post(resume, form.data()).status_code == 302
    subscription.refresh_from_db()
    assert subscription.paused_at is None
