"""Documents: content checked from the bytes, stored through the storage API, downloads
audited and refused (as missing) to those who may not see them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError
from joinedup.recording import services
from joinedup.recording.models import Document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def document_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def upload(actor, name, content, **extra):
    return services.document_upload(
        actor=actor,
        title=extra.pop("title", "School report"),
        file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        **extra,
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        (
            "plan.docx",
            docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_kinds_are_stored_with_the_sniffed_type(fam, name, content, content_type):
    document = upload(fam.lead, name, content, person=fam.child)
    assert document.content_type == content_type
    assert document.file.read() == content
    assert document.original_name == name and not document.file.name.endswith(name)
    assert AccessEvent.objects.filter(object_type="recording.document", action="create")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", HTML),  # an HTML page renamed .pdf
        ("report.html", HTML),
        ("report.docx", PDF),  # a PDF named as Word
        ("empty.pdf", b""),
        ("archive.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_content_not_what_the_name_says_is_refused(fam, name, content):
    with pytest.raises(ApplicationError) as error:
        upload(fam.lead, name, content, person=fam.child)
    assert error.value.field == "file"
    assert not Document.objects.exists()


def test_over_the_limit_refused(fam, settings):
    settings.JOINEDUP_DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ApplicationError) as error:
        upload(fam.lead, "big.pdf", PDF + b"0" * 2048, person=fam.child)
    assert error.value.field == "file" and "smaller than" in error.value.message


def test_download_is_an_audited_attachment(client, fam):
    document = upload(fam.lead, "report.pdf", PDF, episode=fam.episode, visibility="team")
    client.force_login(fam.adviser)
    response = client.get(reverse("recording:document-download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert AccessEvent.objects.filter(
        object_type="recording.document", object_id=str(document.pk), action="export"
    ).exists()


def test_download_refused_to_an_unrelated_organisation(client, fam, outsider):
    document = upload(fam.lead, "report.pdf", PDF, episode=fam.episode, visibility="family")
    client.force_login(outsider)
    response = client.get(reverse("recording:document-download", args=[document.pk]))
    assert response.status_code == 404
    api = client.get(f"/api/v1/documents/{document.pk}/download")
    assert api.status_code == 404 and api.json() == {"message": "Not found", "field": None}
    assert AccessEvent.objects.filter(object_type="recording.document", action="refused")


def test_download_refused_to_a_team_member_of_another_organisation_when_not_shared(client, fam):
    document = upload(fam.lead, "report.pdf", PDF, episode=fam.episode, visibility="organisation")
    client.force_login(fam.adviser)
    assert client.get(reverse("recording:document-download", args=[document.pk])).status_code == 404


def test_family_member_downloads_only_what_is_shared_with_the_family(client, fam, mother_user):
    for_team = upload(fam.lead, "team.pdf", PDF, episode=fam.episode, visibility="team")
    for_family = upload(fam.lead, "plan.pdf", PDF, episode=fam.episode, visibility="family")
    client.force_login(mother_user)
    url = reverse("recording:document-download", args=[for_team.pk])
    assert client.get(url).status_code == 404
    url = reverse("recording:document-download", args=[for_family.pk])
    assert client.get(url).status_code == 200
    page = client.get(reverse("recording:family-documents")).content.decode()
    assert "plan.pdf" not in page and for_family.title in page


def test_family_of_another_family_is_refused(client, fam):
    from tests.family.conftest import family_user, make_family

    other = make_family(surname="Baker", refuge_postcode="DS9 9ZZ")
    stranger = family_user(other, other.mother, "someone@example.net")
    document = upload(fam.lead, "plan.pdf", PDF, episode=fam.episode, visibility="family")
    client.force_login(stranger)
    assert client.get(reverse("recording:document-download", args=[document.pk])).status_code == 404


def test_attach_to_an_action_of_the_same_episode_only(fam):
    document = upload(fam.lead, "r.pdf", PDF, episode=fam.episode, action=fam.lead_action)
    assert document.action == fam.lead_action
    from tests.family.conftest import make_family

    other = make_family(surname="Baker")
    with pytest.raises(ApplicationError) as error:
        upload(fam.lead, "r.pdf", PDF, episode=fam.episode, action=other.lead_action)
    assert error.value.field == "action"
