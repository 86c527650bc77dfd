"""The daily record in the JSON API: the same services and selectors, the same policy."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from joinedup.errors import ApplicationError
from joinedup.recording import selectors, services
from joinedup.recording.models import CaseNote, Document, MeetingInvitation
from joinedup.recording.schemas import (
    AttendanceIn,
    DocumentOut,
    InvitationChangeIn,
    InvitationIn,
    InvitationOut,
    InviteeOut,
    NoteEditIn,
    NoteIn,
    NoteOut,
    RecordOut,
    RecordVersionIn,
)
from joinedup.recording.views import file_response

router = Router(tags=["recording"])


def _note(n: CaseNote) -> NoteOut:
    return NoteOut(
        id=n.pk,
        person_id=n.person_id,
        episode_id=n.episode_id,
        organisation=n.organisation.name,
        author=n.author.get_full_name(),
        **{name: getattr(n, name) for name in services.NOTE_FIELDS},
        version=n.version,
    )


def _document(d: Document) -> DocumentOut:
    return DocumentOut(
        id=d.pk,
        title=d.title,
        organisation=d.organisation.name,
        original_name=d.original_name,
        content_type=d.content_type,
        size=d.size,
        sha256=d.sha256,
        visibility=d.visibility,
        uploaded_at=d.uploaded_at,
        invitation_id=d.invitation_id,
        action_id=d.action_id,
        download=reverse("api-v1:document_download", args=[d.pk]),
    )


def _invitation(i: MeetingInvitation) -> InvitationOut:
    return InvitationOut(
        id=i.pk,
        episode_id=i.episode_id,
        kind=i.kind,
        starts_at=i.starts_at,
        ends_at=i.ends_at,
        place=i.place,
        link=i.link,
        status=i.status,
        sequence=i.sequence,
        version=i.version,
        invitees=[
            InviteeOut(
                id=v.pk,
                name=v.name,
                practitioner_id=v.practitioner_id,
                person_id=v.person_id,
                emailed=bool(v.email),
                attendance=v.attendance,
            )
            for v in i.invitees.all()
        ],
    )


def _record(view: selectors.RecordView) -> RecordOut:
    return RecordOut(
        notes=[_note(n) for n in view.notes],
        documents=[_document(d) for d in view.documents],
        invitations=[_invitation(i) for i in view.invitations],
        lawful_basis=view.lawful_basis,
    )


@router.get("/people/{person_id}/record", response=RecordOut, summary="A person's case notes")
def person_record(request: HttpRequest, person_id: int) -> RecordOut:
    return _record(selectors.person_record(user=request.user, person_id=person_id))


@router.get("/episodes/{episode_id}/record", response=RecordOut, summary="An episode's record")
def episode_record(request: HttpRequest, episode_id: int) -> RecordOut:
    return _record(selectors.episode_record(user=request.user, episode_id=episode_id))


@router.post("/people/{person_id}/notes", response={201: NoteOut}, summary="Record a contact")
def person_note(request: HttpRequest, person_id: int, body: NoteIn) -> Status:
    person = selectors.person_for_recording(user=request.user, person_id=person_id)
    note = services.case_note_record(actor=request.user, person=person, **body.dict())  # type: ignore[arg-type]
    return Status(201, _note(note))


@router.post("/episodes/{episode_id}/notes", response={201: NoteOut}, summary="Record a contact")
def episode_note(request: HttpRequest, episode_id: int, body: NoteIn) -> Status:
    episode = selectors.episode_for_recording(user=request.user, episode_id=episode_id)
    note = services.case_note_record(actor=request.user, episode=episode, **body.dict())  # type: ignore[arg-type]
    return Status(201, _note(note))


@router.put("/notes/{note_id}", response=NoteOut, summary="Correct a note (its author)")
def note_edit(request: HttpRequest, note_id: int, body: NoteEditIn) -> NoteOut:
    note = selectors.note_get(user=request.user, note_id=note_id)
    data = body.dict()
    expected = data.pop("expected_version")
    changed = services.case_note_edit(
        actor=request.user,  # type: ignore[arg-type]
        note=note,
        expected_version=expected,
        **data,
    )
    return _note(changed)


def _upload(request: HttpRequest, subject: dict[str, Any], **fields: Any) -> Status:
    document = services.document_upload(actor=request.user, **subject, **fields)  # type: ignore[arg-type]
    return Status(201, _document(document))


@router.post(
    "/people/{person_id}/documents", response={201: DocumentOut}, summary="Upload a document"
)
def person_document(
    request: HttpRequest,
    person_id: int,
    title: Form[str],
    file: File[UploadedFile],
    visibility: Form[str] = "",
) -> Status:
    person = selectors.person_for_recording(user=request.user, person_id=person_id)
    return _upload(request, {"person": person}, title=title, file=file, visibility=visibility)


@router.post(
    "/episodes/{episode_id}/documents", response={201: DocumentOut}, summary="Upload a document"
)
def episode_document(
    request: HttpRequest,
    episode_id: int,
    title: Form[str],
    file: File[UploadedFile],
    visibility: Form[str] = "",
    invitation_id: Form[int | None] = None,
    action_id: Form[int | None] = None,
) -> Status:
    episode = selectors.episode_for_recording(user=request.user, episode_id=episode_id)
    invitation = action = None
    if invitation_id is not None:
        invitation = episode.invitations.filter(pk=invitation_id).first()
        if invitation is None:
            raise ApplicationError("Choose a meeting of this episode.", field="invitation_id")
    if action_id is not None:
        action = episode.actions.filter(pk=action_id).first()
        if action is None:
            raise ApplicationError("Choose an action of this episode.", field="action_id")
    return _upload(
        request,
        {"episode": episode},
        title=title,
        file=file,
        visibility=visibility,
        invitation=invitation,
        action=action,
    )


@router.get(
    "/documents/{document_id}/download",
    url_name="document_download",
    summary="Download a document (always as an attachment)",
    response={200: None},
)
def download(request: HttpRequest, document_id: int) -> FileResponse:
    return file_response(selectors.document_open(user=request.user, document_id=document_id))


@router.post(
    "/episodes/{episode_id}/invitations",
    response={201: InvitationOut},
    summary="Arrange a meeting and send the invitations",
)
def schedule(request: HttpRequest, episode_id: int, body: InvitationIn) -> Status:
    episode = selectors.episode_for_recording(user=request.user, episode_id=episode_id)
    team, family = selectors.invitation_choices(user=request.user, episode=episode)
    by_id = {p.pk: p for p in team}
    family_by_id = {p.pk: p for p in family}
    unknown = [i for i in body.practitioner_ids if i not in by_id]
    if unknown:
        raise ApplicationError(
            "Invite members of the team around the family.", field="practitioner_ids"
        )
    strangers = [i for i in body.person_ids if i not in family_by_id]
    if strangers:
        raise ApplicationError("Invite family members taking part.", field="person_ids")
    invitation = services.invitation_schedule(
        actor=request.user,  # type: ignore[arg-type]
        episode=episode,
        kind=body.kind,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        place=body.place,
        link=body.link,
        practitioners=[by_id[i] for i in body.practitioner_ids],
        persons=[family_by_id[i] for i in body.person_ids],
    )
    return Status(201, _invitation(invitation))


@router.get("/invitations/{invitation_id}", response=InvitationOut, summary="A meeting arranged")
def invitation(request: HttpRequest, invitation_id: int) -> InvitationOut:
    return _invitation(selectors.invitation_get(user=request.user, invitation_id=invitation_id))


@router.post(
    "/invitations/{invitation_id}/change", response=InvitationOut, summary="Change a meeting"
)
def change(request: HttpRequest, invitation_id: int, body: InvitationChangeIn) -> InvitationOut:
    found = selectors.invitation_get(user=request.user, invitation_id=invitation_id)
    changed = services.invitation_change(actor=request.user, invitation=found, **body.dict())  # type: ignore[arg-type]
    return _invitation(changed)


@router.post(
    "/invitations/{invitation_id}/cancel", response=InvitationOut, summary="Cancel a meeting"
)
def cancel(request: HttpRequest, invitation_id: int, body: RecordVersionIn) -> InvitationOut:
    found = selectors.invitation_get(user=request.user, invitation_id=invitation_id)
    done = services.invitation_cancel(
        actor=request.user,  # type: ignore[arg-type]
        invitation=found,
        expected_version=body.expected_version,
    )
    return _invitation(done)


@router.post(
    "/invitations/{invitation_id}/attendance",
    response=InvitationOut,
    summary="Record who came, against the invitation",
)
def attendance(request: HttpRequest, invitation_id: int, body: AttendanceIn) -> InvitationOut:
    found = selectors.invitation_get(user=request.user, invitation_id=invitation_id)
    done = services.attendance_record(
        actor=request.user,  # type: ignore[arg-type]
        invitation=found,
        expected_version=body.expected_version,
        attendance=body.attendance,
    )
    return _invitation(done)
