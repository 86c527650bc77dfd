from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.episodes.models import Action, TeamMember
from joinedup.frontdoor import services
from tests import factories

pytestmark = pytest.mark.django_db


def call(client, method, url, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def episode(teacher, child):
    return services.episode_open_practitioner_led(actor=teacher, persons=[child])


def test_a_whole_episode_through_the_api(client, teacher, episode):
    hv = factories.practitioner(
        factories.organisation("HV", sector="health"), profession="health_visitor"
    )
    client.force_login(teacher)
    base = f"/api/v1/episodes/{episode.pk}"
    member = call(
        client, "post", f"{base}/members", {"role": "Health visitor", "practitioner_id": hv.pk}
    )
    assert member.status_code == 201
    outcome = call(
        client, "post", f"{base}/outcomes", {"text": "Sleeps well", "category_code": "be-healthy"}
    ).json()
    due = str(timezone.localdate() + timedelta(days=10))
    action = call(
        client,
        "post",
        f"{base}/actions",
        {
            "text": "Sleep plan",
            "due_on": due,
            "owner_id": member.json()["id"],
            "outcome_id": outcome["id"],
        },
    )
    assert action.status_code == 201
    stale = action.json()["version"]
    ok = call(
        client,
        "patch",
        f"{base}/actions/{action.json()['id']}",
        {"status": "in_progress", "expected_version": stale},
    )
    assert ok.status_code == 200
    conflict = call(
        client,
        "patch",
        f"{base}/actions/{action.json()['id']}",
        {"status": "done", "expected_version": stale},
    )
    assert conflict.status_code == 409
    lead = TeamMember.objects.get(episode=episode, practitioner=teacher)
    meeting = call(
        client,
        "post",
        f"{base}/meetings",
        {
            "kind": "team",
            "held_on": str(timezone.localdate()),
            "attendance": {str(lead.pk): "attended"},
            "decisions": [["Plan agreed", "All agree"]],
        },
    )
    assert meeting.status_code == 201, meeting.json()
    body = client.get(base).json()
    assert body["decisions"][0]["text"] == "Plan agreed"
    incident = call(
        client,
        "post",
        f"{base}/incidents",
        {"kind": "missing", "occurred_at": timezone.now().isoformat(), "description": "Gone"},
    )
    assert incident.status_code == 201
    ack = call(client, "post", f"{base}/incidents/{incident.json()['id']}/acknowledge")
    assert ack.status_code == 200
    closed = call(
        client, "post", f"{base}/close", {"reason": "outcomes_achieved", "summary": "Done"}
    )
    assert closed.status_code == 200
    assert client.get(base).json()["status"] == "closed"


def test_bad_input_names_the_field(client, teacher, episode):
    client.force_login(teacher)
    base = f"/api/v1/episodes/{episode.pk}"
    past = str(timezone.localdate() - timedelta(days=60))
    lead = TeamMember.objects.get(episode=episode, practitioner=teacher)
    response = call(
        client, "post", f"{base}/actions", {"text": "x", "due_on": past, "owner_id": lead.pk}
    )
    assert response.status_code == 422 and response.json()["field"] == "due_on"
    response = call(client, "post", f"{base}/actions", {"text": "x", "due_on": past})
    assert response.status_code == 422 and response.json()["field"] == "owner_id"
    assert not Action.objects.exists()


def test_another_organisation_is_refused_every_episode_endpoint(client, outsider, episode):
    client.force_login(outsider)
    base = f"/api/v1/episodes/{episode.pk}"
    assert client.get(base).status_code == 404
    for path, body in [
        ("/members", {"role": "x"}),
        ("/outcomes", {"text": "x"}),
        ("/decisions", {"text": "x", "reasons": "y"}),
        ("/close", {"reason": "other", "summary": "x"}),
    ]:
        assert call(client, "post", base + path, body).status_code == 404, path
    assert client.get("/api/v1/episodes").json() == []
    assert not episode.decisions.exists()
