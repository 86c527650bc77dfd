"""Every page of the daily record, submitted with valid data (hidden fields from the HTML),
its error summary, and the refusal of an unrelated organisation and of a family account."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.recording import services
from joinedup.recording.models import CaseNote, Document, Invitee, MeetingInvitation
from tests.recording.conftest import hidden_fields
from tests.recording.test_documents import PDF
from tests.recording.test_invitations import schedule

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _date(prefix, day):
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def _one_h1(html):
    assert len(re.findall(r"<h1[ >]", html)) == 1


NOTE = {
    "kind": "home_visit",
    "who_was_seen": "Mia and Jodie",
    "child_seen": "yes",
    "child_seen_alone": "yes",
    "what_happened": "Mia showed me her room; she is sleeping better.",
    "what_next": "Review at the next meeting.",
    "visibility": "team",
}


@pytest.mark.parametrize("on", ["person", "episode"])
def test_record_a_home_visit(client, fam, on):
    client.force_login(fam.lead)
    if on == "person":
        url = reverse("recording:person-note-add", args=[fam.child.pk])
    else:
        url = reverse("recording:episode-note-add", args=[fam.episode.pk])
    page = client.get(url)
    _one_h1(page.content.decode())
    data = {**hidden_fields(page.content.decode()), **NOTE, **_date("occurred_on", TODAY())}
    response = client.post(url, data)
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.child_seen is True and note.child_seen_alone is True and note.visibility == "team"
    assert AccessEvent.objects.filter(object_type="recording.casenote", action="create").exists()
    record = client.get(response["Location"]).content.decode()
    assert "sleeping better" in record


def test_note_errors_in_the_summary(client, fam):
    client.force_login(fam.lead)
    url = reverse("recording:person-note-add", args=[fam.child.pk])
    data = {**NOTE, "child_seen": "no", **_date("occurred_on", TODAY())}
    html = client.post(url, data).content.decode()
    assert "govuk-error-summary" in html and "#id_child_seen" in html
    assert not CaseNote.objects.exists()


def test_correct_a_note(client, fam):
    note = services.case_note_record(
        actor=fam.lead,
        person=fam.child,
        kind="phone_call",
        occurred_on=TODAY(),
        what_happened="Spoke to Jodie.",
    )
    client.force_login(fam.lead)
    url = reverse("recording:note-edit", args=[note.pk])
    page = client.get(url).content.decode()
    hidden = hidden_fields(page)
    assert hidden["expected_version"] == "1"
    data = {
        **hidden,
        **NOTE,
        "kind": "phone_call",
        "child_seen": "na",
        "child_seen_alone": "na",
        "what_happened": "Spoke to Jodie on the phone.",
        **_date("occurred_on", TODAY()),
    }
    assert client.post(url, data).status_code == 302
    note.refresh_from_db()
    assert note.version == 2 and note.versions.count() == 1
    # A stale version is refused with the error summary, nothing changed.
    html = client.post(url, data).content.decode()
    assert "govuk-error-summary" in html
    assert CaseNote.objects.get(pk=note.pk).version == 2


@pytest.mark.parametrize("on", ["person", "episode"])
def test_upload_a_report(client, fam, on):
    client.force_login(fam.lead)
    if on == "person":
        url = reverse("recording:person-document-upload", args=[fam.child.pk])
    else:
        url = reverse("recording:episode-document-upload", args=[fam.episode.pk])
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page
    data = {
        **hidden_fields(page),
        "title": "School report for the review",
        "visibility": "team",
        "file": SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
    }
    assert client.post(url, data).status_code == 302
    assert Document.objects.get().content_type == "application/pdf"


def test_upload_of_html_renamed_pdf_refused_on_the_page(client, fam):
    client.force_login(fam.lead)
    url = reverse("recording:person-document-upload", args=[fam.child.pk])
    data = {
        "title": "Report",
        "visibility": "team",
        "file": SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>"),
    }
    html = client.post(url, data).content.decode()
    assert "govuk-error-summary" in html and "not what its name says" in html
    assert not Document.objects.exists()


def test_arrange_change_cancel_and_record_attendance(client, fam):
    client.force_login(fam.lead)
    url = reverse("recording:invitation-new", args=[fam.episode.pk])
    page = client.get(url).content.decode()
    day = TODAY() + timedelta(days=10)
    data = {
        **hidden_fields(page),
        "kind": "review",
        **_date("day", day),
        "start_time": "14:30",
        "duration": "60",
        "place": "Oakfield Family Hub",
        "link": "",
        "practitioners": [str(fam.adviser.pk), str(fam.lead.pk)],
        "persons": [str(fam.mother.pk)],
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    invitation = MeetingInvitation.objects.get()
    assert invitation.invitees.count() == 3
    assert timezone.localtime(invitation.starts_at).hour == 14

    change = reverse("recording:invitation-change", args=[invitation.pk])
    page = client.get(change).content.decode()
    data = {
        **hidden_fields(page),
        **_date("day", day + timedelta(days=1)),
        "start_time": "10:00",
        "duration": "90",
        "place": "Oakfield Family Hub",
        "link": "",
    }
    assert client.post(change, data).status_code == 302
    invitation.refresh_from_db()
    assert invitation.sequence == 1

    MeetingInvitation.objects.filter(pk=invitation.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=2)
    )
    attendance = reverse("recording:invitation-attendance", args=[invitation.pk])
    page = client.get(attendance).content.decode()
    data = {**hidden_fields(page)}
    data.update({f"invitee_{i.pk}": "attended" for i in invitation.invitees.all()})
    assert client.post(attendance, data).status_code == 302
    assert set(Invitee.objects.values_list("attendance", flat=True)) == {"attended"}


def test_cancel_page(client, fam):
    invitation = schedule(fam)
    client.force_login(fam.lead)
    url = reverse("recording:invitation-cancel", args=[invitation.pk])
    page = client.get(url).content.decode()
    assert client.post(url, hidden_fields(page)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "cancelled"


def test_meeting_in_the_past_refused_on_the_page(client, fam):
    client.force_login(fam.lead)
    url = reverse("recording:invitation-new", args=[fam.episode.pk])
    data = {
        "kind": "review",
        **_date("day", TODAY() - timedelta(days=1)),
        "start_time": "09:00",
        "duration": "60",
        "place": "Hub",
        "practitioners": [str(fam.lead.pk)],
    }
    html = client.post(url, data).content.decode()
    assert "govuk-error-summary" in html and "must be in the future" in html


def _pages(fam, invitation, note, document):
    return [
        reverse("recording:person-record", args=[fam.child.pk]),
        reverse("recording:person-note-add", args=[fam.child.pk]),
        reverse("recording:person-document-upload", args=[fam.child.pk]),
        reverse("recording:episode-record", args=[fam.episode.pk]),
        reverse("recording:episode-note-add", args=[fam.episode.pk]),
        reverse("recording:episode-document-upload", args=[fam.episode.pk]),
        reverse("recording:invitation-new", args=[fam.episode.pk]),
        reverse("recording:invitation", args=[invitation.pk]),
        reverse("recording:invitation-change", args=[invitation.pk]),
        reverse("recording:invitation-cancel", args=[invitation.pk]),
        reverse("recording:invitation-attendance", args=[invitation.pk]),
        reverse("recording:note-edit", args=[note.pk]),
        reverse("recording:document-download", args=[document.pk]),
    ]


@pytest.fixture
def everything(fam):
    invitation = schedule(fam)
    note = services.case_note_record(
        actor=fam.lead,
        episode=fam.episode,
        kind="home_visit",
        occurred_on=TODAY(),
        what_happened="Visit.",
        visibility="family",
    )
    document = services.document_upload(
        actor=fam.lead,
        episode=fam.episode,
        title="Plan",
        visibility="team",
        file=SimpleUploadedFile("plan.pdf", PDF),
    )
    return invitation, note, document


def test_every_page_refuses_an_unrelated_organisation(client, fam, outsider, everything):
    client.force_login(outsider)
    for url in _pages(fam, *everything):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    assert MeetingInvitation.objects.get().status == "scheduled"


def test_every_practitioner_page_refuses_a_family_account(client, fam, mother_user, everything):
    client.force_login(mother_user)
    for url in _pages(fam, *everything):
        assert client.get(url).status_code == 404, url


def test_pages_render_for_the_lead(client, fam, everything):
    client.force_login(fam.lead)
    for url in _pages(fam, *everything)[:-1]:
        response = client.get(url)
        assert response.status_code == 200, url
        _one_h1(response.content.decode())
