"""Every read of the daily record a user sees: through the access policy, audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import Episode
from joinedup.errors import NotFound
from joinedup.people.models import Person
from joinedup.recording.models import CaseNote, Document, MeetingInvitation
from joinedup.sharing import policy


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


@dataclass(frozen=True)
class RecordView:
    """A person's or an episode's daily record, as this reader may see it."""

    person: Person | None
    episode: Episode | None
    notes: list[CaseNote]
    documents: list[Document]
    invitations: list[MeetingInvitation]
    lawful_basis: str
    may_write: bool


def _notes(user: Any, **about: Any) -> QuerySet[CaseNote]:
    return policy.records_visible_to(user, CaseNote, **about).select_related(
        "author", "organisation"
    )


def _documents(user: Any, **about: Any) -> QuerySet[Document]:
    return policy.records_visible_to(user, Document, **about).select_related(
        "uploaded_by", "organisation"
    )


def _audit_view(user: Any, persons: list[Any], basis: Any, shown: dict[str, Any]) -> None:
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="recording.record",
        persons=persons,
        purpose="casework",
        lawful_basis=basis,
        detail=shown,
    )


def person_record(*, user: Any, person_id: Any) -> RecordView:
    person, decision = policy.require_person(user, person_id, purpose="casework")
    notes = list(_notes(user, person=person))
    documents = list(_documents(user, person=person))
    _audit_view(
        user,
        [person],
        decision.basis,
        {"notes": [n.pk for n in notes], "documents": [d.pk for d in documents]},
    )
    return RecordView(person, None, notes, documents, [], decision.lawful_basis, True)


def episode_record(*, user: Any, episode_id: Any) -> RecordView:
    episode = policy.require_episode(user, episode_id, purpose="casework")
    notes = list(_notes(user, episode=episode))
    documents = list(_documents(user, episode=episode))
    invitations = list(episode.invitations.select_related("organiser").prefetch_related("invitees"))
    _audit_view(
        user,
        list(episode.persons.all()),
        policy.BASIS_EPISODE,
        {"notes": [n.pk for n in notes], "documents": [d.pk for d in documents]},
    )
    return RecordView(
        None,
        episode,
        notes,
        documents,
        invitations,
        policy.BASIS_EPISODE.label,
        policy.may_edit_episode(user, episode),
    )


def person_for_recording(*, user: Any, person_id: Any) -> Person:
    person, _ = policy.require_person(user, person_id, purpose="casework")
    return person


def episode_for_recording(*, user: Any, episode_id: Any) -> Episode:
    """An episode whose record the user may add to: same 404 as a missing one."""
    episode = policy.require_episode(user, episode_id, purpose="casework")
    if not policy.may_edit_episode(user, episode):
        raise NotFound()
    return episode


def note_get(*, user: Any, note_id: Any) -> CaseNote:
    """One note, for its author to correct. Security: same 404 when missing or not allowed."""
    note = (
        CaseNote.objects.filter(pk=_int(note_id))
        .select_related("person", "episode", "organisation", "author")
        .first()
    )
    if note is None or not policy.record_decision(user, note).allowed:
        raise policy.refuse(user, object_type="recording.casenote", object_id=note_id)
    return note


def note_versions(*, user: Any, note: CaseNote) -> list[Any]:
    """The earlier versions of a note the user has fetched with note_get."""
    return list(note.versions.select_related("replaced_by"))


def document_open(*, user: Any, document_id: Any) -> Document:
    """A document to download: practitioners by the record policy, family members only when
    shared with the family. Every download is audited; every refusal too (as a 404)."""
    document = (
        Document.objects.filter(pk=_int(document_id)).select_related("person", "episode").first()
    )
    basis: Any = None
    if document is not None and policy.is_practitioner(user):
        decision = policy.record_decision(user, document)
        basis = decision.basis if decision.allowed else None
    elif document is not None and policy.is_family(user):
        allowed = policy.family_records_visible_to(user, Document).filter(pk=document.pk)
        basis = policy.BASIS_FAMILY_OWN if allowed.exists() else None
    if document is None or basis is None:
        raise policy.refuse(
            user, object_type="recording.document", object_id=document_id, purpose="casework"
        )
    persons = [document.person] if document.person_id else list(document.episode.persons.all())  # type: ignore[union-attr]
    audit.record(
        actor=user,
        action=Action.EXPORT,
        obj=document,
        persons=persons,
        purpose="casework",
        lawful_basis=basis,
        detail={"sha256": document.sha256},
    )
    return document


def family_documents(*, user: Any) -> list[Document]:
    """Documents shared with the family that this family member may read."""
    return list(policy.family_records_visible_to(user, Document).select_related("organisation"))


def invitation_get(*, user: Any, invitation_id: Any) -> MeetingInvitation:
    """An invitation of an episode the user's team holds. Security: same 404 as missing."""
    invitation = (
        MeetingInvitation.objects.filter(
            pk=_int(invitation_id), episode__in=policy.episodes_visible_to(user)
        )
        .select_related("episode", "organiser")
        .first()
    )
    if invitation is None:
        raise policy.refuse(
            user, object_type="recording.meetinginvitation", object_id=invitation_id
        )
    return invitation


def invitation_choices(*, user: Any, episode: Episode) -> tuple[list[Any], list[Person]]:
    """Whom an invitation may go to: the current team and the family taking part."""
    team = list(
        episode.members.filter(left_at__isnull=True, practitioner__isnull=False)
        .select_related("practitioner")
        .order_by("practitioner__last_name")
    )
    practitioners = {m.practitioner.pk: m.practitioner for m in team if m.practitioner}
    if episode.lead_professional_id and episode.lead_professional_id not in practitioners:
        practitioners[episode.lead_professional_id] = episode.lead_professional
    family = list(policy.family_participants(episode).order_by("family_name", "given_name"))
    return list(practitioners.values()), family
