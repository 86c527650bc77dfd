"""The daily record through the API: same services, same policy, same error shape."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from joinedup.recording.models import CaseNote, Document, MeetingInvitation
from tests.recording.test_documents import PDF

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
NOT_FOUND = {"message": "Not found", "field": None}


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_notes_through_the_api(client, fam, outsider):
    client.force_login(fam.lead)
    body = {
        "kind": "home_visit",
        "occurred_on": TODAY().isoformat(),
        "what_happened": "Home visit; Mia seen alone.",
        "child_seen": True,
        "child_seen_alone": True,
        "visibility": "team",
    }
    created = post(client, f"/api/v1/episodes/{fam.episode.pk}/notes", body)
    assert created.status_code == 201, created.content
    note_id = created.json()["id"]
    edited = client.put(
        f"/api/v1/notes/{note_id}",
        {**body, "what_happened": "Home visit; Mia seen alone in her room.", "expected_version": 1},
        content_type="application/json",
    )
    assert edited.json()["version"] == 2
    bad = post(
        client,
        f"/api/v1/people/{fam.child.pk}/notes",
        {**body, "occurred_on": (TODAY() + timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "occurred_on"
    client.force_login(fam.adviser)
    record = client.get(f"/api/v1/episodes/{fam.episode.pk}/record").json()
    assert [n["id"] for n in record["notes"]] == [note_id]
    client.force_login(outsider)
    assert client.get(f"/api/v1/episodes/{fam.episode.pk}/record").json() == NOT_FOUND
    refused = post(client, f"/api/v1/people/{fam.child.pk}/notes", body)
    assert refused.status_code == 404 and refused.json() == NOT_FOUND
    assert (
        client.put(
            f"/api/v1/notes/{note_id}",
            {**body, "expected_version": 2},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert CaseNote.objects.count() == 1


def test_documents_through_the_api(client, fam, outsider):
    client.force_login(fam.lead)
    created = client.post(
        f"/api/v1/episodes/{fam.episode.pk}/documents",
        {
            "title": "Health report",
            "visibility": "team",
            "action_id": fam.lead_action.pk,
            "file": SimpleUploadedFile("report.pdf", PDF),
        },
    )
    assert created.status_code == 201, created.content
    document = created.json()
    assert document["content_type"] == "application/pdf" and document["action_id"]
    download = client.get(document["download"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    renamed = client.post(
        f"/api/v1/people/{fam.child.pk}/documents",
        {"title": "x", "file": SimpleUploadedFile("x.pdf", b"<html></html>")},
    )
    assert renamed.status_code == 422 and renamed.json()["field"] == "file"
    client.force_login(outsider)
    assert client.get(document["download"]).json() == NOT_FOUND
    refused = client.post(
        f"/api/v1/people/{fam.child.pk}/documents",
        {"title": "x", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert refused.status_code == 404
    assert Document.objects.count() == 1


def test_invitations_through_the_api(client, fam, outsider):
    client.force_login(fam.lead)
    starts = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    body = {
        "kind": "review",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "link": "https://meet.example.org/abc",
        "practitioner_ids": [fam.lead.pk, fam.adviser.pk],
        "person_ids": [fam.mother.pk],
    }
    created = post(client, f"/api/v1/episodes/{fam.episode.pk}/invitations", body)
    assert created.status_code == 201, created.content
    invitation = created.json()
    assert len(invitation["invitees"]) == 3
    past = {**body, "starts_at": (timezone.now() - timedelta(days=1)).isoformat()}
    refused = post(client, f"/api/v1/episodes/{fam.episode.pk}/invitations", past)
    assert refused.status_code == 422 and refused.json()["field"] == "starts_at"
    changed = post(
        client,
        f"/api/v1/invitations/{invitation['id']}/change",
        {
            "expected_version": 1,
            "starts_at": (starts + timedelta(days=1)).isoformat(),
            "ends_at": (starts + timedelta(days=1, hours=1)).isoformat(),
            "place": "Family hub",
        },
    )
    assert changed.json()["sequence"] == 1
    stale = post(client, f"/api/v1/invitations/{invitation['id']}/cancel", {"expected_version": 1})
    assert stale.status_code == 409
    cancelled = post(
        client, f"/api/v1/invitations/{invitation['id']}/cancel", {"expected_version": 2}
    )
    assert cancelled.json()["status"] == "cancelled"
    client.force_login(outsider)
    assert client.get(f"/api/v1/invitations/{invitation['id']}").json() == NOT_FOUND
    assert post(client, f"/api/v1/episodes/{fam.episode.pk}/invitations", body).status_code == 404
    assert MeetingInvitation.objects.count() == 1


def test_attendance_through_the_api(client, fam):
    from tests.recording.test_invitations import schedule

    invitation = schedule(fam)
    MeetingInvitation.objects.filter(pk=invitation.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(fam.lead)
    attendance = {str(i.pk): "attended" for i in invitation.invitees.all()}
    done = post(
        client,
        f"/api/v1/invitations/{invitation.pk}/attendance",
        {"expected_version": 1, "attendance": attendance},
    )
    assert done.status_code == 200, done.content
    assert {i["attendance"] for i in done.json()["invitees"]} == {"attended"}
