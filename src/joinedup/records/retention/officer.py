"""Legal holds, and the data protection officer's reads of retention (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from joinedup.assessments.models import Assessment
from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.chronology.models import ChronologyEntry
from joinedup.episodes.models import Action as PlanAction
from joinedup.episodes.models import (
    Episode,
    Meeting,
    TeamDecision,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor.models import (
    RequestEvent,
    RequestForSupport,
    RequestPerson,
)
from joinedup.people.models import (
    FamilyMember,
    Involvement,
    SourceRecord,
)
from joinedup.records.models import LegalHold, RecordType, RetentionRule
from joinedup.records.retention.erasure import (
    _lock_persons,
    _officers_only,
    _require_dpo,
    record_for,
)
from joinedup.records.retention.rules import (
    PURPOSE,
    DueGroup,
    DueItem,
    _held_persons,
    _items,
    advice_reference,
    candidates,
    due,
    months_before,
)
from joinedup.records.subject_access import (
    subject_ids,
)
from joinedup.sharing import policy
from joinedup.sharing.models import (
    ConsentRecord,
)


@_officers_only(lambda kw: (kw.get("reference") or "")[:60])
def legal_hold_place(*, actor: Any, reference: str, reason: str) -> LegalHold:
    """Stop erasure of a person's records (litigation, an inquiry, a review). Audited."""
    from joinedup.records.subject_access import person_by_reference

    person = person_by_reference(user=actor, reference=reference or "")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Enter why the records must be kept", field="reason")
    _lock_persons([person.pk])
    hold = LegalHold.objects.create(
        person=person, reason=reason, placed_by=actor, placed_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=hold,
        persons=[person],
        purpose=PURPOSE,
        detail={"legal_hold": "placed", "reason": reason},
    )
    return hold


@_officers_only(lambda kw: kw["hold"].pk)
def legal_hold_lift(*, actor: Any, hold: LegalHold, reason: str) -> LegalHold:
    """Lift a hold; the records become erasable again when past their period. Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Enter why the hold is being lifted", field="reason")
    # Compare-and-set: two officers lifting at once cannot both record it.
    lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
        lifted_by=actor, lifted_at=timezone.now()
    )
    if not lifted:
        raise ApplicationError("This legal hold has already been lifted", status=409)
    hold.refresh_from_db()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=hold,
        persons=[hold.person_id],
        purpose=PURPOSE,
        detail={"legal_hold": "lifted", "reason": reason},
    )
    return hold


def due_for_officer(*, user: Any, today: date | None = None, limit: int = 100) -> list[DueGroup]:
    """What is due, for the retention page; the persons listed are recorded as viewed."""
    _require_dpo(user, "due")
    groups = due(today, limit=limit)
    persons = [i.pk for g in groups if g.record_type == RecordType.PERSON for i in g.items]
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="sharing.retention_due",
        persons=persons,
        purpose=PURPOSE,
    )
    return groups


def legal_holds(*, user: Any) -> list[LegalHold]:
    """Active holds, then the 50 most recently lifted."""
    _require_dpo(user, "legal_holds")
    related = ("person", "placed_by__organisation", "lifted_by__organisation")
    active = list(LegalHold.objects.filter(lifted_at__isnull=True).select_related(*related))
    lifted = list(
        LegalHold.objects.filter(lifted_at__isnull=False)
        .select_related(*related)
        .order_by("-lifted_at")[:50]
    )
    holds = active + lifted
    if holds:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type="records.legalhold_list",
            persons=[h.person_id for h in holds],
            purpose=PURPOSE,
        )
    return holds


def legal_hold_get(*, user: Any, hold_id: Any) -> LegalHold:
    _require_dpo(user, hold_id)
    try:
        hold = LegalHold.objects.select_related("person").filter(pk=int(hold_id)).first()
    except (TypeError, ValueError):
        hold = None
    if hold is None:
        raise policy.refuse(user, object_type="records.legalhold", object_id=hold_id)
    return hold


@dataclass(frozen=True)
class ErasurePreview:
    record_type: str
    label: str
    record: Any
    reference: str
    name: str
    item: DueItem | None
    held: bool
    contents: list[tuple[str, int]]


def erasure_preview(*, user: Any, record_type: str, pk: Any) -> ErasurePreview:
    """What erasing one record would remove, for the confirmation page. Audited as a view."""
    _require_dpo(user, pk)
    try:
        record = record_for(record_type, pk)
    except NotFound:
        raise policy.refuse(
            user, object_type="records.retention", object_id=f"{record_type}:{pk}"
        ) from None
    person_ids = _persons_of(record_type, record)
    today = timezone.localdate()
    rule = RetentionRule.objects.filter(record_type=record_type).first()
    item = None
    if rule is not None:
        qs = candidates(record_type, months_before(today, rule.keep_for_months), today)
        items = _items(record_type, qs.filter(pk=record.pk), today, None)
        item = items[0] if items else None
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=record,
        persons=person_ids,
        purpose=PURPOSE,
        detail={"erasure": "preview"},
    )
    return ErasurePreview(
        record_type,
        RecordType(record_type).label,
        record,
        _reference(record_type, record),
        _name(record_type, record),
        item,
        bool(_held_persons(person_ids)),
        _contents(record_type, record, person_ids),
    )


def _persons_of(record_type: str, record: Any) -> list[int]:
    if record_type == RecordType.PERSON:
        return subject_ids(record)
    if record_type == RecordType.EPISODE:
        return list(record.persons.values_list("pk", flat=True))
    if record_type == RecordType.REQUEST:
        return list(record.people.values_list("person_id", flat=True))
    return []


def _reference(record_type: str, record: Any) -> str:
    return advice_reference(record) if record_type == RecordType.ADVICE else record.reference


def _name(record_type: str, record: Any) -> str:
    if record_type == RecordType.PERSON:
        return record.full_name
    return ""


def _contents(record_type: str, record: Any, person_ids: list[int]) -> list[tuple[str, int]]:
    """Counts of what would go, in words."""
    if record_type == RecordType.PERSON:
        rows = [
            ("Involvements", Involvement.objects.filter(person_id__in=person_ids)),
            ("Agencies' records", SourceRecord.objects.filter(person_id__in=person_ids)),
            ("Requests for support", RequestPerson.objects.filter(person_id__in=person_ids)),
            ("Episodes", Episode.persons.through.objects.filter(person_id__in=person_ids)),
            ("Chronology entries", ChronologyEntry.objects.filter(person_id__in=person_ids)),
            ("Consent records", ConsentRecord.objects.filter(person_id__in=person_ids)),
            ("Family memberships", FamilyMember.objects.filter(person_id__in=person_ids)),
        ]
    elif record_type == RecordType.EPISODE:
        rows = [
            ("Meetings", Meeting.objects.filter(episode=record)),
            ("Actions", PlanAction.objects.filter(episode=record)),
            ("Assessments", Assessment.objects.filter(episode=record)),
            ("Decisions", TeamDecision.objects.filter(episode=record)),
            ("Requests for support", RequestForSupport.objects.filter(episode=record)),
        ]
    elif record_type == RecordType.REQUEST:
        rows = [("History entries", RequestEvent.objects.filter(request=record))]
    else:
        rows = []
    return [(label, qs.count()) for label, qs in rows]
