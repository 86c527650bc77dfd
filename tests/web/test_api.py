from __future__ import annotations

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_api_needs_a_signed_in_user(client, child):
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert response.json() == {"message": "Sign in to use the API", "field": None}


def test_list_my_people(client, teacher, child, other_org):
    factories.involvement(other_org, factories.person("Zed", "Other"))
    client.force_login(teacher)
    body = client.get("/api/v1/people", {"name": "maya"}).json()
    assert body["count"] == 1 and body["items"][0]["id"] == child.pk


def test_get_a_person(client, teacher, child, school):
    client.force_login(teacher)
    body = client.get(f"/api/v1/people/{child.pk}").json()
    assert body["given_name"] == "Maya"
    assert [i["organisation"] for i in body["involvements"]] == [school.name]


def test_another_organisation_gets_the_same_404_as_for_a_missing_person(client, outsider, child):
    client.force_login(outsider)
    forbidden = client.get(f"/api/v1/people/{child.pk}")
    missing = client.get(f"/api/v1/people/{child.pk + 999}")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json() == {"message": "Not found", "field": None}
    assert client.get("/api/v1/people").json()["count"] == 0


def test_directory_api(client, teacher, school):
    client.force_login(teacher)
    codes = [o["code"] for o in client.get("/api/v1/organisations").json()]
    assert school.code in codes


def test_openapi_schema_is_published(client, teacher):
    client.force_login(teacher)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/people/{person_id}" in schema["paths"]
