from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.frontdoor.models import RequestForSupport
from tests.conftest import raise_request

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def body_for(child_id, **extra):
    return {
        "immediate_risk": False,
        "person_ids": [child_id],
        "concern": "Hungry at school.",
        "needs": ["be-healthy"],
        "family_agreement": "yes",
        **extra,
    }


def test_raise_a_request_through_the_api(client, teacher, child):
    client.force_login(teacher)
    response = post(client, "/api/v1/requests", body_for(child.pk))
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "received" and data["persons"][0]["id"] == child.pk
    assert client.get(f"/api/v1/requests/{data['id']}").json()["reference"] == data["reference"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"person_ids": []}, "person_ids"),
        ({"person_ids": [999999]}, "person_ids"),
        ({"family_agreement": "not_asked"}, "not_asked_reason"),
        ({"family_agreement": "maybe"}, "family_agreement"),
        ({"needs": ["nonsense"]}, "needs"),
    ],
)
def test_bad_requests_get_422_naming_the_field_and_write_nothing(
    client, teacher, child, change, field
):
    client.force_login(teacher)
    response = post(client, "/api/v1/requests", body_for(child.pk, **change))
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert not RequestForSupport.objects.exists()


def test_a_new_child_with_a_future_birthday_is_refused(client, teacher):
    client.force_login(teacher)
    future = str(timezone.localdate() + timedelta(days=2))
    response = post(
        client,
        "/api/v1/requests",
        body_for(
            0,
            person_ids=[],
            new_persons=[
                {
                    "given_name": "Baby",
                    "family_name": "Doe",
                    "kind": "child",
                    "date_of_birth": future,
                }
            ],
        ),
    )
    assert response.status_code == 422 and response.json()["field"] == "date_of_birth"
    assert not RequestForSupport.objects.exists()


def test_front_door_decides_through_the_api_once(client, teacher, child, front_door, family_worker):
    request = raise_request(teacher, child)
    client.force_login(front_door)
    queue = client.get("/api/v1/front-door/queue").json()
    assert queue[0]["request"]["id"] == request.pk
    decided = post(
        client,
        f"/api/v1/requests/{request.pk}/decision",
        {
            "outcome": "early_help",
            "reasons": "Needs.",
            "lead_professional_id": family_worker.pk,
            "expected_version": queue[0]["request"]["version"],
        },
    )
    assert decided.status_code == 200 and decided.json()["decision"]["outcome"] == "early_help"
    again = post(
        client,
        f"/api/v1/requests/{request.pk}/decision",
        {"outcome": "nfa", "reasons": "No.", "expected_version": queue[0]["request"]["version"]},
    )
    assert again.status_code == 409
    figures = client.get("/api/v1/front-door/timeliness").json()
    assert {f["rating"] for f in figures} == {"red", "amber", "green", "blue"}


def test_another_organisation_is_refused_every_request_endpoint(client, teacher, child, outsider):
    request = raise_request(teacher, child)
    client.force_login(outsider)
    forbidden = client.get(f"/api/v1/requests/{request.pk}")
    missing = client.get(f"/api/v1/requests/{request.pk + 50}")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert (
        post(
            client,
            f"/api/v1/requests/{request.pk}/decision",
            {"outcome": "nfa", "reasons": "x", "expected_version": request.version},
        ).status_code
        == 404
    )
    assert (
        post(
            client,
            f"/api/v1/requests/{request.pk}/rating",
            {"rating": "red", "reason": "x", "expected_version": request.version},
        ).status_code
        == 404
    )
    assert client.get("/api/v1/front-door/queue").status_code == 404
    assert client.get("/api/v1/requests").json() == []
