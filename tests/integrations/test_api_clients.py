"""Agencies' systems call the API with OAuth 2.0 client credentials: a token acts as the
organisation's data lead, within its scopes, audited as the client and its organisation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken

from joinedup.api.api import api
from joinedup.audit.models import AccessEvent
from joinedup.episodes import services as episode_services
from joinedup.errors import NotFound
from joinedup.frontdoor import services as frontdoor
from joinedup.integrations import clients
from joinedup.integrations.models import ApiClient
from tests.integrations.conftest import bearer, token_for

pytestmark = pytest.mark.django_db

ALL = "records:write people:read involvements:read casework:read webhooks:manage"


def test_a_client_gets_a_token_calls_the_api_and_is_refused_once_revoked(
    client, register, school, child
):
    api_client, secret = register(school, ALL.split())
    got = token_for(client, api_client, secret)
    assert got["status"] == 200 and got["token_type"] == "Bearer"
    assert 0 < got["expires_in"] <= 600
    assert set(got["scope"].split()) == set(ALL.split())

    involvements = client.get("/api/v1/involvements", **bearer(got["access_token"]))
    assert involvements.status_code == 200
    assert [row["person_id"] for row in involvements.json()["results"]] == [child.pk]
    person = client.get(f"/api/v1/people/{child.pk}", **bearer(got["access_token"]))
    assert person.status_code == 200 and person.json()["given_name"] == "Maya"
    # Audited as the client's own account, in its organisation.
    event = AccessEvent.objects.filter(actor=api_client.account).order_by("-seq").first()
    assert event is not None and event.organisation_id == school.pk
    assert api_client.account.get_full_name() == "API client Case system"

    # The client revokes its own token (RFC 7009): 401 at once.
    revoked = client.post(
        "/o/revoke_token/",
        {
            "token": got["access_token"],
            "client_id": api_client.application.client_id,
            "client_secret": secret,
        },
    )
    assert revoked.status_code == 200
    assert client.get("/api/v1/involvements", **bearer(got["access_token"])).status_code == 401

    # An administrator revokes the client: its tokens stop and it gets no more.
    again = token_for(client, api_client, secret)["access_token"]
    assert client.get("/api/v1/involvements", **bearer(again)).status_code == 200
    clients.api_client_revoke(actor=api_client.created_by, client_id=api_client.pk)
    assert client.get("/api/v1/involvements", **bearer(again)).status_code == 401
    assert token_for(client, api_client, secret)["status"] == 401


def test_an_expired_token_is_refused_at_once(client, register, school):
    api_client, secret = register(school, ["involvements:read"])
    token = token_for(client, api_client, secret)["access_token"]
    AccessToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/involvements", **bearer(token))
    assert response.status_code == 401


def test_a_token_with_the_wrong_scope_is_403_naming_the_scope(client, register, school, child):
    api_client, secret = register(school, ["involvements:read"])
    token = token_for(client, api_client, secret)["access_token"]
    response = client.get(f"/api/v1/people/{child.pk}", **bearer(token))
    assert response.status_code == 403
    assert response.json()["scope"] == "people:read"
    assert "people:read" in response.json()["message"]
    # A scope the client was not registered with is not granted.
    assert token_for(client, api_client, secret, scope="people:read")["status"] == 400
    # Routes not open to clients at all are refused, naming no scope.
    refused = client.get("/api/v1/advice", **bearer(token))
    assert refused.status_code == 403 and refused.json()["field"] == "scope"


def test_an_unknown_client_or_bad_secret_or_token_is_401(client, register, school):
    api_client, secret = register(school, ["people:read"])
    assert token_for(client, api_client, "not-the-secret")["status"] == 401
    api_client.application.client_id = "nobody"
    assert token_for(client, api_client, secret)["status"] == 401
    assert client.get("/api/v1/people", **bearer("made-up")).status_code == 401
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_a_token_may_load_its_own_agencys_records(client, register, school):
    api_client, secret = register(school, ["records:write"])
    token = token_for(client, api_client, secret)["access_token"]
    csv = b"record_id,given_name,family_name,date_of_birth\nS-1,Ada,Brook,2015-01-02\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/api/v1/agencies/{school.code}/records",
        {"file": SimpleUploadedFile("pupils.csv", csv, content_type="text/csv")},
        **bearer(token),
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1


def _routes() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    ]


def test_a_token_of_an_unrelated_organisation_is_refused_on_every_route(
    client, register, school, teacher, child, other_org
):
    """Every route of the API, with every scope, as an organisation with nothing to do with the
    child: each answers 401/403/404/405/422, or a list without the child in it."""
    episode = episode_services.episode_open_practitioner_led(actor=teacher, persons=[child])
    request = frontdoor.request_start(actor=teacher, immediate_risk=False)
    ids = {"person_id": child.pk, "episode_id": episode.pk, "request_id": request.pk}
    api_client, secret = register(other_org, ALL.split())
    token = token_for(client, api_client, secret)["access_token"]
    walked = 0
    for method, path in _routes():
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
        url = url.replace("{code}", school.code)
        url = re.sub(r"/agencies/1/", f"/agencies/{school.code}/", url)
        call = getattr(client, method.lower())
        response = (
            call(url, **bearer(token))
            if method == "GET"
            else call(url, {}, content_type="application/json", **bearer(token))
        )
        walked += 1
        body = response.content.decode()
        if response.status_code == 200:
            assert "Maya" not in body and child.reference not in body, (method, url)
        else:
            assert response.status_code in (400, 401, 403, 404, 405, 409, 422), (method, url)
    assert walked > 40
    assert not ApiClient.objects.filter(organisation=school).exists()


def test_only_an_administrator_registers_a_client(teacher, school):
    with pytest.raises(NotFound):
        clients.api_client_register(
            actor=teacher, organisation=school, name="Sneaky", scopes=["people:read"]
        )


def test_registering_names_the_field_at_fault(register, school):
    from joinedup.errors import ApplicationError

    with pytest.raises(ApplicationError) as error:
        register(school, ["people:write"])
    assert error.value.field == "scopes"
    with pytest.raises(ApplicationError) as error:
        register(school, ["people:read"], name=" ")
    assert error.value.field == "name"
    register(school, ["people:read"])
    with pytest.raises(ApplicationError) as error:
        register(school, ["people:read"])
    assert error.value.field == "name"


def test_a_client_manages_its_organisations_webhook_subscriptions(client, register, school):
    api_client, secret = register(school, ["webhooks:manage"])
    token = token_for(client, api_client, secret)["access_token"]
    url = "/api/v1/webhooks/subscriptions"
    refused = client.post(
        url,
        {"url": "http://cases.example/hooks", "events": ["episode.opened"]},
        content_type="application/json",
        **bearer(token),
    )
    assert refused.status_code == 422 and refused.json()["field"] == "url"
    made = client.post(
        url,
        {"url": "https://cases.example/hooks", "events": ["episode.opened"]},
        content_type="application/json",
        **bearer(token),
    )
    assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
    listed = client.get(url, **bearer(token)).json()
    assert [s["url"] for s in listed] == ["https://cases.example/hooks"]
    deliveries = client.get(f"{url}/{listed[0]['id']}/deliveries", **bearer(token))
    assert deliveries.status_code == 200 and deliveries.json() == []
    assert client.delete(f"{url}/{listed[0]['id']}", **bearer(token)).status_code == 204
