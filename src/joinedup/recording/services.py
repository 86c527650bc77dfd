"""Every write to the daily record: case notes, documents, meeting invitations. One function per
use case, atomic, audited; the policy decides who may write (sharing/policy.py)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import Action as PlanAction
from joinedup.episodes.models import Episode, Meeting, TeamMember
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.recording import calendar, files
from joinedup.recording.models import (
    Attendance,
    CaseNote,
    CaseNoteVersion,
    Document,
    InvitationStatus,
    Invitee,
    MeetingInvitation,
    NoteKind,
    Visibility,
)
from joinedup.sharing import policy
from joinedup.sharing.lawful import Basis

# --- Whose record: a person or an episode ----------------------------------------------------


def _subject_basis(
    actor: Practitioner, person: Person | None, episode: Episode | None, purpose: str
) -> Basis | None:
    """Security: the actor may write to the record of a person they may see, or of an episode
    whose team they are in (and not closed); otherwise the same NotFound as a missing one."""
    if (person is None) == (episode is None):
        raise ApplicationError("Say whether this is about a person or an episode.", field="person")
    if person is not None:
        decision = policy.person_decision(actor, person, purpose)
        if not decision.allowed:
            raise NotFound()
        return decision.basis
    assert episode is not None
    if not policy.may_edit_episode(actor, episode):
        raise NotFound()
    return policy.BASIS_EPISODE


def _subject_persons(person: Person | None, episode: Episode | None) -> list[Person]:
    return [person] if person is not None else list(episode.persons.all())  # type: ignore[union-attr]


def _visibility(actor: Practitioner, visibility: str) -> str:
    """The author's choice, or their organisation's default (never the family by default)."""
    if not visibility:
        assert actor.organisation is not None
        return actor.organisation.default_record_visibility
    if visibility not in Visibility.values:
        raise ApplicationError("Choose who may read this.", field="visibility")
    return visibility


# --- Case notes ------------------------------------------------------------------------------

NOTE_FIELDS = (
    "kind",
    "occurred_on",
    "who_was_seen",
    "child_seen",
    "child_seen_alone",
    "what_happened",
    "what_next",
    "visibility",
    "significant",
)


def _check_note(fields: dict[str, Any]) -> None:
    if fields["kind"] not in NoteKind.values:
        raise ApplicationError("Choose the kind of contact.", field="kind")
    occurred_on = fields["occurred_on"]
    if occurred_on is None:
        raise ApplicationError("Enter the date of the contact.", field="occurred_on")
    if occurred_on > timezone.localdate():
        raise ApplicationError(
            "The date of the contact must be today or in the past.", field="occurred_on"
        )
    if not (fields["what_happened"] or "").strip():
        raise ApplicationError("Say what happened.", field="what_happened")
    if fields["child_seen_alone"] and not fields["child_seen"]:
        raise ApplicationError(
            "A child seen alone was seen: say the child was seen.", field="child_seen"
        )


def _to_chronology(actor: Practitioner, note: CaseNote) -> None:
    """A significant note goes to the chronology of each person it is about (that the actor
    may see), where the pattern rules look at it with every other agency's entries."""
    from joinedup.chronology import services as chronology

    for person in _subject_persons(note.person, note.episode):
        if not policy.person_decision(actor, person, "chronology").allowed:
            continue
        chronology.chronology_entry_record(
            actor=actor,
            person=person,
            kind="other",
            occurred_on=note.occurred_on,
            text=f"{note.get_kind_display()}: {note.what_happened.strip()}"[:2000],
        )


@transaction.atomic
def case_note_record(
    *,
    actor: Practitioner,
    kind: str,
    occurred_on: date | None,
    what_happened: str,
    person: Person | None = None,
    episode: Episode | None = None,
    who_was_seen: str = "",
    child_seen: bool | None = None,
    child_seen_alone: bool | None = None,
    what_next: str = "",
    visibility: str = "",
    significant: bool = False,
) -> CaseNote:
    basis = _subject_basis(actor, person, episode, "casework")
    fields = {
        "kind": kind,
        "occurred_on": occurred_on,
        "who_was_seen": (who_was_seen or "").strip(),
        "child_seen": child_seen,
        "child_seen_alone": child_seen_alone,
        "what_happened": (what_happened or "").strip(),
        "what_next": (what_next or "").strip(),
        "visibility": _visibility(actor, visibility),
        "significant": significant,
    }
    _check_note(fields)
    assert actor.organisation_id is not None
    note = CaseNote.objects.create(
        person=person,
        episode=episode,
        organisation_id=actor.organisation_id,
        author=actor,
        **fields,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=note,
        persons=_subject_persons(person, episode),
        purpose="casework",
        lawful_basis=basis,
        detail={"kind": kind, "visibility": note.visibility},
    )
    if significant:
        _to_chronology(actor, note)
    return note


def _snapshot(note: CaseNote) -> dict[str, Any]:
    values = {name: getattr(note, name) for name in NOTE_FIELDS}
    values["occurred_on"] = note.occurred_on.isoformat()
    return values


@transaction.atomic
def case_note_edit(
    *, actor: Practitioner, note: CaseNote, expected_version: int, **changes: Any
) -> CaseNote:
    """The author corrects their note; what it said before is kept as a version."""
    basis = _subject_basis(actor, note.person, note.episode, "casework")
    if note.author_id != actor.pk:
        raise ApplicationError("Only the author can change a note.", status=403)
    unknown = set(changes) - set(NOTE_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown field: {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    current = CaseNote.objects.select_for_update().get(pk=note.pk)
    if current.version != expected_version:
        raise ApplicationError(
            "Someone changed this note while you were editing it. Look at it again.",
            field="expected_version",
            status=409,
        )
    fields = {name: getattr(current, name) for name in NOTE_FIELDS}
    fields.update(changes)
    fields["visibility"] = _visibility(actor, fields["visibility"])
    for text in ("who_was_seen", "what_happened", "what_next"):
        fields[text] = (fields[text] or "").strip()
    _check_note(fields)
    CaseNoteVersion.objects.create(
        note=current, number=current.version, snapshot=_snapshot(current), replaced_by=actor
    )
    became_significant = fields["significant"] and not current.significant
    CaseNote.objects.filter(pk=note.pk).update(version=F("version") + 1, **fields)
    current.refresh_from_db()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=current,
        persons=_subject_persons(current.person, current.episode),
        purpose="casework",
        lawful_basis=basis,
        detail={"version": current.version, "changed": sorted(changes)},
    )
    if became_significant:
        _to_chronology(actor, current)
    return current


# --- Documents -------------------------------------------------------------------------------


def _check_file(upload: UploadedFile | None) -> str:
    """The content type of an acceptable upload, or an ApplicationError naming the file."""
    if upload is None:
        raise ApplicationError("Choose a file to upload.", field="file")
    limit = settings.JOINEDUP_DOCUMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ApplicationError(
            f"The file must be smaller than {limit // (1024 * 1024)} MB.", field="file"
        )
    if upload.size == 0:
        raise ApplicationError("The file is empty.", field="file")
    content_type = files.sniff(upload)
    named_as_accepted = any(
        files.extension_fits(upload.name or "", accepted) for accepted in files.EXTENSIONS
    )
    if content_type is None and named_as_accepted:
        raise ApplicationError(
            "The file's content is not what its name says: check you chose the right file.",
            field="file",
        )
    if content_type is None:
        raise ApplicationError(
            f"The file must be a PDF, an image or a Word document ({files.ACCEPTED}).",
            field="file",
        )
    if not files.extension_fits(upload.name or "", content_type):
        raise ApplicationError(
            "The file's content is not what its name says: check you chose the right file.",
            field="file",
        )
    return content_type


def _check_attachments(
    person: Person | None,
    episode: Episode | None,
    invitation: MeetingInvitation | None,
    action: PlanAction | None,
) -> None:
    """A document attaches to a meeting or an action of the same episode (or, for a person's
    document, of an episode the person is in)."""
    for field, target in (("invitation", invitation), ("action", action)):
        if target is None:
            continue
        same = (
            target.episode_id == episode.pk
            if episode is not None
            else target.episode.persons.filter(pk=person.pk).exists()  # type: ignore[union-attr]
        )
        if not same:
            raise ApplicationError(
                "Attach the document to a meeting or action of this family's episode.",
                field=field,
            )


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def document_upload(
    *,
    actor: Practitioner,
    title: str,
    file: UploadedFile | None,
    person: Person | None = None,
    episode: Episode | None = None,
    visibility: str = "",
    invitation: MeetingInvitation | None = None,
    action: PlanAction | None = None,
) -> Document:
    basis = _subject_basis(actor, person, episode, "casework")
    if not (title or "").strip():
        raise ApplicationError("Give the document a title.", field="title")
    content_type = _check_file(file)
    assert file is not None
    _check_attachments(person, episode, invitation, action)
    assert actor.organisation_id is not None
    document = Document(
        person=person,
        episode=episode,
        organisation_id=actor.organisation_id,
        uploaded_by=actor,
        title=title.strip()[:200],
        original_name=(file.name or "document")[-255:],
        content_type=content_type,
        size=file.size or 0,
        sha256=_sha256(file),
        visibility=_visibility(actor, visibility),
        invitation=invitation,
        action=action,
    )
    # Security: stored under a random name; the person's file name is kept only as data.
    extension = files.EXTENSIONS[content_type][0]
    document.file.save(f"{uuid.uuid4().hex}{extension}", file, save=False)
    stored = document.file.name
    try:
        document.save()
        audit.record(
            actor=actor,
            action=Action.CREATE,
            obj=document,
            persons=_subject_persons(person, episode),
            purpose="casework",
            lawful_basis=basis,
            detail={"content_type": content_type, "size": document.size},
        )
    except Exception:
        document.file.storage.delete(stored)
        raise
    return document


# --- Meeting invitations ---------------------------------------------------------------------


def _family_email(person: Person) -> str:
    """The email of the person's active family account, if they have one."""
    account = (
        person.family_accounts.filter(revoked_at__isnull=True, activated_at__isnull=False)
        .select_related("user")
        .first()
    )
    return account.user.email if account is not None else ""


def _invitees(
    episode: Episode, practitioners: list[Practitioner], persons: list[Person]
) -> list[Invitee]:
    team = set(
        TeamMember.objects.filter(episode=episode, left_at__isnull=True).values_list(
            "practitioner_id", flat=True
        )
    ) | {episode.lead_professional_id}
    for practitioner in practitioners:
        if practitioner.pk not in team:
            raise ApplicationError(
                f"{practitioner.get_full_name()} is not in the team around the family.",
                field="practitioners",
            )
    family = set(policy.family_participants(episode).values_list("pk", flat=True))
    for person in persons:
        if person.pk not in family:
            raise ApplicationError(
                f"{person.full_name} does not take part in this episode.", field="persons"
            )
    if not practitioners and not persons:
        raise ApplicationError("Choose who to invite.", field="practitioners")
    return [
        Invitee(practitioner=p, name=p.get_full_name() or p.email, email=p.email)
        for p in practitioners
    ] + [Invitee(person=p, name=p.full_name, email=_family_email(p)) for p in persons]


def _check_when(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None:
        raise ApplicationError("Enter the date and time the meeting starts.", field="starts_at")
    if starts_at <= timezone.now():
        raise ApplicationError("The meeting must be in the future.", field="starts_at")
    if ends_at is None or ends_at <= starts_at:
        raise ApplicationError("The meeting must end after it starts.", field="ends_at")


def _check_where(place: str, link: str) -> None:
    if not place.strip() and not link.strip():
        raise ApplicationError("Say where the meeting is, or give its link.", field="place")
    if link and not link.startswith("https://"):
        raise ApplicationError("The link must start with https://.", field="link")


def _send(invitation: MeetingInvitation, *, method: str) -> None:
    """One email per invitee with an email address, after the write commits."""
    invitees = list(invitation.invitees.all())
    attachment = calendar.ics(invitation, invitees, method=method)
    subject = calendar.summary(invitation)
    when = timezone.localtime(invitation.starts_at)
    verb = "cancelled" if method == "CANCEL" else "arranged"
    body = (
        f"A meeting has been {verb}: {subject}, {when:%-d %B %Y at %H:%M}.\n"
        f"Where: {invitation.place or invitation.link}\n\n"
        "The calendar invitation is attached. Sign in to joinedup for the details."
    )
    messages = []
    for invitee in invitees:
        if not invitee.email:
            continue
        message = EmailMessage(
            subject=f"joinedup: {subject}" if method != "CANCEL" else f"Cancelled: {subject}",
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[invitee.email],
        )
        message.attach(
            "invitation.ics", attachment, f"text/calendar; method={method}; charset=utf-8"
        )
        messages.append(message)

    def deliver() -> None:
        for message in messages:
            message.send(fail_silently=True)

    transaction.on_commit(deliver)


def _audit_invitation(
    actor: Practitioner, invitation: MeetingInvitation, action: str, **detail: Any
) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=invitation,
        persons=list(invitation.episode.persons.all()),
        purpose="casework",
        lawful_basis=policy.BASIS_EPISODE,
        detail={"sequence": invitation.sequence, **detail},
    )


@transaction.atomic
def invitation_schedule(
    *,
    actor: Practitioner,
    episode: Episode,
    kind: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str = "",
    link: str = "",
    practitioners: list[Practitioner] | None = None,
    persons: list[Person] | None = None,
) -> MeetingInvitation:
    if not policy.may_edit_episode(actor, episode):
        raise NotFound()
    if kind not in Meeting.Kind.values:
        raise ApplicationError("Choose the kind of meeting.", field="kind")
    _check_when(starts_at, ends_at)
    _check_where(place, link)
    invitees = _invitees(episode, practitioners or [], persons or [])
    assert starts_at is not None and ends_at is not None  # _check_when
    invitation = MeetingInvitation.objects.create(
        episode=episode,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        link=link.strip(),
        organiser=actor,
    )
    for invitee in invitees:
        invitee.invitation = invitation
    Invitee.objects.bulk_create(invitees)
    _audit_invitation(actor, invitation, Action.CREATE, invitees=len(invitees))
    _send(invitation, method="REQUEST")
    return invitation


def _locked_invitation(invitation: MeetingInvitation, expected_version: int) -> MeetingInvitation:
    current = MeetingInvitation.objects.select_for_update().get(pk=invitation.pk)
    if current.version != expected_version:
        raise ApplicationError(
            "Someone changed this meeting while you were looking at it. Look at it again.",
            field="expected_version",
            status=409,
        )
    if current.status == InvitationStatus.CANCELLED:
        raise ApplicationError("This meeting has been cancelled.", status=409)
    return current


@transaction.atomic
def invitation_change(
    *,
    actor: Practitioner,
    invitation: MeetingInvitation,
    expected_version: int,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place: str = "",
    link: str = "",
) -> MeetingInvitation:
    """A new time or place: everyone invited gets the update (same UID, higher SEQUENCE)."""
    if not policy.may_edit_episode(actor, invitation.episode):
        raise NotFound()
    current = _locked_invitation(invitation, expected_version)
    _check_when(starts_at, ends_at)
    _check_where(place, link)
    current.starts_at, current.ends_at = starts_at, ends_at  # type: ignore[assignment]
    current.place, current.link = place.strip(), link.strip()
    current.sequence += 1
    current.version += 1
    current.save()
    _audit_invitation(actor, current, Action.UPDATE, change="rescheduled")
    _send(current, method="REQUEST")
    return current


@transaction.atomic
def invitation_cancel(
    *, actor: Practitioner, invitation: MeetingInvitation, expected_version: int
) -> MeetingInvitation:
    if not policy.may_edit_episode(actor, invitation.episode):
        raise NotFound()
    current = _locked_invitation(invitation, expected_version)
    current.status = InvitationStatus.CANCELLED
    current.sequence += 1
    current.version += 1
    current.save()
    _audit_invitation(actor, current, Action.UPDATE, change="cancelled")
    _send(current, method="CANCEL")
    return current


@transaction.atomic
def attendance_record(
    *,
    actor: Practitioner,
    invitation: MeetingInvitation,
    expected_version: int,
    attendance: dict[int, str],
) -> MeetingInvitation:
    """Who came, against the invitation: once the meeting has started."""
    if not policy.may_edit_episode(actor, invitation.episode):
        raise NotFound()
    current = _locked_invitation(invitation, expected_version)
    if current.starts_at > timezone.now():
        raise ApplicationError(
            "Attendance can be recorded once the meeting has started.", field="attendance"
        )
    invitees = {i.pk: i for i in current.invitees.all()}
    for invitee_id, status in attendance.items():
        if invitee_id not in invitees:
            raise ApplicationError("Record attendance for those invited.", field="attendance")
        if status not in Attendance.values:
            raise ApplicationError(
                f"Say whether {invitees[invitee_id].name} attended.", field=f"invitee_{invitee_id}"
            )
    missing = [i for pk, i in invitees.items() if pk not in attendance]
    if missing:
        raise ApplicationError(
            f"Say whether {missing[0].name} attended.", field=f"invitee_{missing[0].pk}"
        )
    for invitee_id, status in attendance.items():
        Invitee.objects.filter(pk=invitee_id).update(attendance=status)
    current.attendance_recorded_at = timezone.now()
    current.version += 1
    current.save(update_fields=["attendance_recorded_at", "version"])
    _audit_invitation(actor, current, Action.UPDATE, change="attendance")
    return current


# --- Retention ---------------------------------------------------------------------------------


def erasure_querysets(
    *, person_ids: list[int] | None = None, episode_ids: list[int] | None = None
) -> list[Any]:
    """What retention erases with persons or episodes: their notes (with versions), documents
    and invitations, in an order the PROTECT links allow. Call inside the erasing transaction:
    the stored files are deleted once it commits (never before, so a rollback loses nothing)."""
    persons, episodes = person_ids or [], episode_ids or []
    about = Q(person_id__in=persons) | Q(episode_id__in=episodes)
    notes = CaseNote.objects.filter(about)
    documents = Document.objects.filter(about)
    stored = [(d.file.storage, d.file.name) for d in documents if d.file]

    def delete_files() -> None:
        for storage, name in stored:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return [
        CaseNoteVersion.objects.filter(note__in=notes),
        notes,
        documents,
        Invitee.objects.filter(Q(person_id__in=persons) | Q(invitation__episode_id__in=episodes)),
        MeetingInvitation.objects.filter(episode_id__in=episodes),
    ]
