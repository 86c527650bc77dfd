"""The information-sharing API: same services and policy as the pages."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from joinedup.audit.models import AccessEvent, Action
from tests import factories

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


DECISION = {
    "choice": "share",
    "what": "Attendance",
    "categories": ["education"],
    "purpose": "assessment",
    "lawful_basis": "public_task",
    "statutory_duty": "ca2004_s11",
    "reasons": "Needed for the assessment",
    "family_told": "told",
}


def test_record_and_list_sharing_decisions(teacher, child, school):
    clinic = factories.organisation("Clinic", sector="health")
    client = api(teacher)
    url = f"/api/v1/people/{child.pk}/sharing-decisions"
    created = post(client, url, DECISION | {"recipient_codes": [clinic.code]})
    assert created.status_code == 201, created.content
    assert created.json()["recipients"] == [clinic.code]
    listed = client.get(url).json()
    assert [d["what"] for d in listed] == ["Attendance"]


def test_sharing_decision_bad_body_names_the_field(teacher, child):
    url = f"/api/v1/people/{child.pk}/sharing-decisions"
    response = post(api(teacher), url, DECISION | {"recipient_codes": ["nope"]})
    assert response.status_code == 422 and response.json()["field"] == "recipient_codes"
    response = post(api(teacher), url, DECISION | {"recipient_other": "GP", "statutory_duty": ""})
    assert response.status_code == 422 and response.json()["field"] == "statutory_duty"


def test_an_unrelated_organisation_is_refused_like_a_missing_record(outsider, child):
    client = api(outsider)
    for url in ("/api/v1/people/{}/sharing-decisions", "/api/v1/people/{}/consent"):
        response = client.get(url.format(child.pk))
        missing = client.get(url.format(999999))
        assert response.status_code == missing.status_code == 404
        assert response.content == missing.content
    assert AccessEvent.objects.filter(actor=outsider, action=Action.REFUSED).count() == 4


def test_consent_records_export_is_audited(teacher, child):
    response = api(teacher).get(f"/api/v1/people/{child.pk}/consent")
    assert response.status_code == 200 and response.json() == []
    assert AccessEvent.objects.filter(
        action=Action.EXPORT, object_type="sharing.consentrecord_list"
    ).exists()


def test_advice_over_the_api(teacher, outsider):
    hub = factories.organisation("Hub", sector="statutory")
    front_door = factories.team(hub, "Front door", front_door=True)
    adviser = factories.practitioner(hub, team=front_door)
    asked = post(
        api(teacher),
        "/api/v1/advice",
        {
            "situation": "A pupil is often hungry",
            "question": "What next?",
            "team_id": front_door.pk,
        },
    )
    assert asked.status_code == 201
    advice_id = asked.json()["id"]
    assert api(outsider).get(f"/api/v1/advice/{advice_id}").status_code == 404
    answered = post(
        api(adviser), f"/api/v1/advice/{advice_id}/answer", {"advice": "Talk to the family"}
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    empty = post(api(teacher), "/api/v1/advice", {"situation": "", "question": "x", "team_id": 1})
    assert empty.status_code == 422
