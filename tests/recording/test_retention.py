"""Notes and documents are never deleted, except by retention: erasing a person takes their
notes, documents and invitations with them, and the stored files once the erasure commits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from joinedup.partnership.models import Role
from joinedup.recording import services
from joinedup.recording.models import CaseNote, CaseNoteVersion, Document
from joinedup.records import retention
from tests import factories
from tests.recording.test_documents import PDF

pytestmark = pytest.mark.django_db


def test_erasure_takes_notes_documents_and_files(
    teacher, child, django_capture_on_commit_callbacks
):
    note = services.case_note_record(
        actor=teacher,
        person=child,
        kind="school_contact",
        occurred_on=timezone.localdate(),
        what_happened="Spoke to Maya's mother at pick-up.",
    )
    services.case_note_edit(actor=teacher, note=note, expected_version=1, what_next="Call back.")
    document = services.document_upload(
        actor=teacher, person=child, title="Letter", file=SimpleUploadedFile("l.pdf", PDF)
    )
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    child.involvements.update(ended_on=timezone.localdate() - timedelta(days=1))
    dpo = factories.practitioner(roles=(Role.Code.DATA_PROTECTION_OFFICER,))
    with django_capture_on_commit_callbacks(execute=True):
        retention.erase_person(person=child, actor=dpo, reason="Asked for erasure")
    assert not CaseNote.objects.exists() and not CaseNoteVersion.objects.exists()
    assert not Document.objects.exists()
    assert not storage.exists(name)
