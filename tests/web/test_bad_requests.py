"""Malformed requests get 400/413/422 with the error shape: never a 500 (issue 11, items 11, 15)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from joinedup.audit.models import AccessEvent
from joinedup.sharing.models import AdviceRequest

pytestmark = pytest.mark.django_db


def test_a_nul_byte_in_a_json_string_is_refused_naming_the_field(client, teacher):
    client.force_login(teacher)
    response = client.post(
        "/api/v1/advice",
        {"situation": "A child\x00 at school", "question": "What next?"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": "Text cannot contain a NUL character.",
        "field": "situation",
    }
    assert not AdviceRequest.objects.exists()


def test_a_nul_byte_in_a_query_parameter_is_refused(client, teacher, child):
    client.force_login(teacher)
    response = client.get("/api/v1/people", {"name": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["field"] == "name"
    page = client.get("/", {"q": "a\x00b"})
    assert page.status_code == 400
    assert "NUL character" in page.content.decode()


def test_a_nul_byte_in_a_form_field_is_refused(client, teacher):
    client.force_login(teacher)
    response = client.post("/api/v1/advice", {"situation": "x\x00"})
    assert response.status_code == 400
    assert response.json()["field"] == "situation"


@pytest.mark.parametrize(
    "path", ["/api/v1/advice", "/api/v1/requests", "/api/v1/identity/merges", "/sign-in/"]
)
def test_multipart_without_a_boundary_is_a_400_with_the_error_shape(client, teacher, path):
    client.force_login(teacher)
    response = client.generic("POST", path, b"anything", content_type="multipart/form-data")
    assert response.status_code == 400
    if path.startswith("/api/"):
        body = response.json()
        assert set(body) == {"message", "field"}
        assert "form data cannot be read" in body["message"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_json_body_over_the_limit_is_a_413_with_the_error_shape(client, teacher):
    client.force_login(teacher)
    response = client.post(
        "/api/v1/advice",
        {"situation": "x" * 2000, "question": "What next?"},
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["message"].startswith("The request is too large")
    assert response.json()["field"] is None


def test_deeply_nested_json_is_a_400(client, teacher):
    client.force_login(teacher)
    body = "[" * 100_000 + "]" * 100_000
    response = client.generic("POST", "/api/v1/advice", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["message"]


def test_a_refused_id_longer_than_the_audit_column_is_audited_shortened(client, teacher):
    client.force_login(teacher)
    code = "x" * 500
    response = client.post(
        f"/api/v1/agencies/{code}/records",
        {"file": SimpleUploadedFile("a.csv", b"record_id\n1\n")},
    )
    assert response.status_code == 404
    event = AccessEvent.objects.filter(object_type="identity.records_load").latest("seq")
    assert len(event.object_id) == 60 and event.object_id.startswith("xxxx")


def test_an_over_long_value_the_database_refuses_is_a_422_naming_the_field(client, teacher):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not enforce column lengths")
    client.force_login(teacher)
    response = client.post(
        "/api/v1/advice",
        json.dumps({"situation": "s", "question": "q", "colleague_email": "a" * 300}),
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert response.status_code != 500
