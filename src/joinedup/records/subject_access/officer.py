"""The data protection officer's reads of a subject access export (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.people.models import (
    Person,
)
from joinedup.records.subject_access.build import build
from joinedup.records.subject_access.context import (
    FORMATS,
    PURPOSE,
    SCHEMA,
    VERSION,
    subject_ids,
)
from joinedup.sharing import policy


def _require_dpo(user: Any, object_id: Any = "") -> None:
    policy.require_data_protection_officer(
        user, object_type="records.subject_access", object_id=object_id
    )


def person_by_reference(*, user: Any, reference: str) -> Person:
    """The person a reference names (a merged record leads to the one it joined)."""
    _require_dpo(user, reference[:60])
    if not reference.strip():
        raise ApplicationError("Enter the person's reference", field="reference")
    person = Person.objects.filter(reference__iexact=reference.strip()).first()
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into
    if person is None:
        raise ApplicationError("No person has this reference", field="reference")
    return person


def _person_for(user: Any, person_id: Any) -> Person:
    _require_dpo(user, person_id)
    try:
        person = Person.objects.filter(pk=int(person_id)).first()
    except (TypeError, ValueError):
        person = None
    if person is None:
        # Security: a missing person answers as a forbidden one does.
        raise policy.refuse(user, object_type="people.person", object_id=person_id, purpose=PURPOSE)
    return person


@dataclass(frozen=True)
class SubjectAccess:
    person: Person
    data: dict[str, Any]
    format: str


def subject_access_export(*, user: Any, person_id: Any, format: str) -> SubjectAccess:
    """Everything about one person, for the data-protection officer only. Audited as an export."""
    if format not in FORMATS:
        raise ApplicationError("Choose HTML, JSON or PDF", field="format")
    person = _person_for(user, person_id)
    data = build(person)
    audit.record(
        actor=user,
        action=Action.EXPORT,
        obj=person,
        persons=subject_ids(person),
        purpose=PURPOSE,
        lawful_basis="legal obligation: right of access (UK GDPR Art. 15)",
        detail={"format": format, "schema": SCHEMA, "version": VERSION},
    )
    return SubjectAccess(person, data, format)
