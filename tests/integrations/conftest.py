from __future__ import annotations

import base64

import pytest

from joinedup.integrations import clients
from tests import factories


@pytest.fixture
def administrator(db):
    return factories.practitioner(
        factories.organisation("Partnership Office", sector="statutory"), roles=("administrator",)
    )


@pytest.fixture
def register(administrator):
    def make(organisation, scopes, name="Case system"):
        client, secret = clients.api_client_register(
            actor=administrator, organisation=organisation, name=name, scopes=scopes
        )
        return client, secret

    return make


def token_for(client, api_client, secret, scope: str | None = None) -> dict:
    basic = base64.b64encode(f"{api_client.application.client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = client.post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")
    return {"status": response.status_code, **response.json()}


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
