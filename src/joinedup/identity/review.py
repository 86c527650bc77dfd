"""The review queue, merge and unmerge: people's identities decided by people, and undoable.

A confirmed link is never broken and a rejected pair is never merged by a later linkage run:
the decisions live on MatchCandidate and SourceRecord.match_status, which linkage respects.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Field, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError, NotFound
from joinedup.identity.models import MatchCandidate, PersonMerge
from joinedup.partnership.models import Practitioner, Role
from joinedup.people.models import (
    MatchStatus,
    Person,
    SourceRecord,
)
from joinedup.sharing import policy

BASIS_IDENTITY = "public task: keeping one accurate record per person (UK GDPR Art. 5(1)(d))"


def may_review(user: Any) -> bool:
    return policy.is_practitioner(user) and (
        user.is_superuser
        or user.has_role(Role.Code.AGENCY_DATA_LEAD)
        or user.has_role(Role.Code.ADMINISTRATOR)
    )


def candidates_for(user: Any) -> QuerySet[MatchCandidate]:
    """Administrators review every agency's candidates; a data lead, their own agency's."""
    if not may_review(user):
        return MatchCandidate.objects.none()
    qs = MatchCandidate.objects.select_related("source_record__organisation", "person")
    if is_administrator(user):
        return qs
    # Two persons who may be one are settled by a merge: administrators only.
    return qs.filter(source_record__organisation_id=user.organisation_id)


def is_administrator(user: Any) -> bool:
    return policy.is_practitioner(user) and (
        user.is_superuser or user.has_role(Role.Code.ADMINISTRATOR)
    )


def candidate_persons(candidate: MatchCandidate) -> list[int]:
    """The persons a candidate is about: the known one, and the record's or the duplicate."""
    record = candidate.source_record
    other = candidate.duplicate_id if record is None else record.person_id
    return [candidate.person_id, *([other] if other else [])]


def candidate_get(*, user: Any, candidate_id: Any) -> MatchCandidate:
    candidate = (
        candidates_for(user).select_related("duplicate").filter(pk=int(candidate_id)).first()
        if str(candidate_id).isdigit()
        else None
    )
    if candidate is None:
        raise policy.refuse(user, object_type="identity.matchcandidate", object_id=candidate_id)
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=candidate,
        persons=candidate_persons(candidate),
        purpose="identity review",
        lawful_basis=BASIS_IDENTITY,
    )
    return candidate


@transaction.atomic
def candidate_decide(
    *, actor: Practitioner, candidate: MatchCandidate, same: bool
) -> MatchCandidate:
    if not candidates_for(actor).filter(pk=candidate.pk).exists():
        raise NotFound()
    locked = MatchCandidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.status != MatchCandidate.Status.PENDING:
        raise ApplicationError("This pair has already been decided.", status=409)
    persons: list[int] = [locked.person_id]
    locked.status = MatchCandidate.Status.SAME if same else MatchCandidate.Status.DIFFERENT
    locked.decided_by, locked.decided_at = actor, timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    if locked.duplicate is not None:
        persons.append(locked.duplicate.pk)
        if same:
            person_merge(
                actor=actor,
                kept=locked.person,
                merged=locked.duplicate,
                reason=f"Review: the same person (match probability {locked.probability:.3f}).",
            )
    else:
        persons += _decide_record(locked, same)
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=locked,
        persons=[p for p in persons if p],
        purpose="identity review",
        lawful_basis=BASIS_IDENTITY,
        detail={"same": same},
    )
    return locked


def _decide_record(candidate: MatchCandidate, same: bool) -> list[int]:
    """Link the record (confirmed), or keep it from the person; returns persons it touched."""
    record = SourceRecord.objects.select_for_update().get(pk=int(candidate.source_record_id or 0))
    before = record.person_id
    if same:
        if record.match_status == MatchStatus.CONFIRMED and record.person_id not in (
            None,
            candidate.person_id,
        ):
            raise ApplicationError(
                "This record is confirmed as someone else: a confirmed link "
                "is never broken. Merge the two persons instead.",
                status=409,
            )
        record.person_id = candidate.person_id
        record.match_status, record.match_probability = MatchStatus.CONFIRMED, candidate.probability
        record.save(update_fields=["person", "match_status", "match_probability"])
        # The record's other suggestions are settled by this decision.
        MatchCandidate.objects.filter(
            source_record=record, status=MatchCandidate.Status.PENDING
        ).exclude(pk=candidate.pk).delete()
        return [p for p in (before,) if p]
    if record.person_id == candidate.person_id and record.match_status != MatchStatus.CONFIRMED:
        record.person = None
        record.match_status = MatchStatus.REJECTED
        record.save(update_fields=["person", "match_status"])
    if record.person_id is None and not (
        MatchCandidate.objects.filter(source_record=record, status=MatchCandidate.Status.PENDING)
        .exclude(pk=candidate.pk)
        .exists()
    ):
        # Nobody else it may be: the record is a person of its own from now on.
        from joinedup.identity.linking import person_for_record

        record.person = person_for_record(record)
        record.match_status = MatchStatus.AUTOMATIC
        record.save(update_fields=["person", "match_status"])
        return [record.person.pk]
    return []


# Everything that points at a person, and how to move it. Unmerge moves the same ids back.
# What a merge leaves where it is, and why. Every other reference to a person, in any app, moves
# to the person kept (and back on undo): a test fails when a new reference is neither.
NOT_MOVED = {
    "people.Person.merged_into": "the merge itself",
    "identity.PersonMerge.kept": "the merge's own record",
    "identity.PersonMerge.merged": "the merge's own record",
    "identity.MatchCandidate.person": "decisions about a pair stay as they were made",
    "identity.MatchCandidate.duplicate": "decisions about a pair stay as they were made",
    "sharing.ConsentRecord.person": "append-only; read for both persons after a merge",
}


def person_references() -> list[tuple[Any, str, bool]]:
    """(model, field, many-to-many) for every reference to a person that a merge moves."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not field.concrete or field.related_model is not Person:
                continue
            if f"{model._meta.label}.{field.name}" in NOT_MOVED:
                continue
            if not isinstance(field, Field):
                continue
            if field.many_to_many:
                through = field.remote_field.through  # type: ignore[union-attr]
                if through._meta.auto_created:  # else its own model moves
                    found.append((model, field.name, True))
            elif field.many_to_one or field.one_to_one:
                found.append((model, field.attname, False))
    return found


def _move(kept: Person, merged: Person) -> dict[str, list[int]]:
    moved: dict[str, list[int]] = {}
    for model, column, many in person_references():
        key = f"{model._meta.label_lower}.{column}"
        if many:
            through = getattr(model, column).through
            own, other = _through_columns(model, column)
            rows = through.objects.filter(**{other: merged.pk})
            ids = list(rows.values_list(own, flat=True))
            moved[f"{key}.kept_already"] = list(
                through.objects.filter(**{other: kept.pk, f"{own}__in": ids}).values_list(
                    own, flat=True
                )
            )
            rows.exclude(**{f"{own}__in": moved[f"{key}.kept_already"]}).update(**{other: kept.pk})
            rows.delete()  # those the kept person already had
        else:
            ids = list(model.objects.filter(**{column: merged.pk}).values_list("pk", flat=True))
            model.objects.filter(pk__in=ids).update(**{column: kept.pk})
        moved[key] = ids
    return moved


def _through_columns(model: Any, name: str) -> tuple[str, str]:
    field = model._meta.get_field(name)
    return field.m2m_column_name(), field.m2m_reverse_name()


def _move_back(merge: PersonMerge) -> None:
    for model, column, many in person_references():
        key = f"{model._meta.label_lower}.{column}"
        ids = merge.moved.get(key, [])
        if many:
            through = getattr(model, column).through
            own, other = _through_columns(model, column)
            kept_already = set(merge.moved.get(f"{key}.kept_already", []))
            through.objects.filter(**{other: merge.kept_id, f"{own}__in": ids}).exclude(
                **{f"{own}__in": kept_already}
            ).update(**{other: merge.merged_id})
            through.objects.bulk_create(
                [through(**{own: i, other: merge.merged_id}) for i in kept_already]
            )
        else:
            model.objects.filter(pk__in=ids).update(**{column: merge.merged_id})


def _rejected_between(a: Person, b: Person) -> MatchCandidate | None:
    """A decision that a record of one (or one of them) is a different person from the other."""
    return (
        MatchCandidate.objects.filter(status=MatchCandidate.Status.DIFFERENT)
        .filter(
            Q(person=a, source_record__person=b)
            | Q(person=b, source_record__person=a)
            | Q(person=a, duplicate=b)
            | Q(person=b, duplicate=a)
        )
        .select_related("source_record__organisation", "decided_by")
        .order_by("decided_at", "pk")
        .first()
    )


def _refusal_reason(decision: MatchCandidate) -> str:
    who = decision.decided_by.get_full_name() if decision.decided_by else "a reviewer"
    when = (
        date_format(timezone.localtime(decision.decided_at), "j F Y")
        if decision.decided_at
        else "an earlier date"
    )
    record = decision.source_record
    what = (
        f"{record.organisation.name}'s record {record.agency_record_id} "
        f"({record.given_name} {record.family_name})"
        if record is not None
        else "these two persons"
    )
    return (
        f"Refused: on {when} {who} decided that {what} and {decision.person.full_name} are "
        "different people. A merge would contradict that decision; change it in the review "
        "queue first."
    )


def _refuse_conflicting_confirmations(kept: Person, merged: Person) -> None:
    """A reviewer confirmed two records of one agency as these two different persons: the
    agency's own records say two people, so the merge waits for that to be settled."""
    confirmed = SourceRecord.objects.filter(
        match_status=MatchStatus.CONFIRMED, person__in=[kept, merged]
    ).select_related("organisation")
    seen: dict[int, SourceRecord] = {}
    for record in confirmed.order_by("pk"):
        other = seen.get(record.organisation_id)
        if other is not None and other.person_id != record.person_id:
            raise ApplicationError(
                f"Refused: {record.organisation.name}'s records {other.agency_record_id} and "
                f"{record.agency_record_id} were each confirmed by a reviewer, as these two "
                "different persons. Settle those decisions in the review queue first.",
                field="merged",
                status=409,
            )
        seen.setdefault(record.organisation_id, record)


@transaction.atomic
def person_merge(*, actor: Practitioner, kept: Person, merged: Person, reason: str) -> PersonMerge:
    if not is_administrator(actor):
        raise NotFound()
    if kept.pk == merged.pk:
        raise ApplicationError("Choose two different persons.", field="merged")
    if kept.merged_into_id or merged.merged_into_id:
        raise ApplicationError("One of these persons has already been merged.", status=409)
    if not reason.strip():
        raise ApplicationError("Say why these are the same person.", field="reason")
    decision = _rejected_between(kept, merged)
    if decision is not None:
        raise ApplicationError(_refusal_reason(decision), field="merged", status=409)
    _refuse_conflicting_confirmations(kept, merged)
    moved = _move(kept, merged)
    Person.objects.filter(pk=merged.pk).update(merged_into=kept)
    # Suggestions about the merged person are moot now; the next linkage run proposes afresh.
    MatchCandidate.objects.filter(
        Q(person=merged) | Q(duplicate=merged), status=MatchCandidate.Status.PENDING
    ).delete()
    merge = PersonMerge.objects.create(
        kept=kept, merged=merged, reason=reason.strip(), moved=moved, merged_by=actor
    )
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=merge,
        persons=[kept, merged],
        purpose="identity merge",
        lawful_basis=BASIS_IDENTITY,
    )
    return merge


@transaction.atomic
def person_unmerge(*, actor: Practitioner, merge: PersonMerge) -> PersonMerge:
    """Restore both persons with exactly what each had: records, involvements, episodes."""
    if not is_administrator(actor):
        raise NotFound()
    locked = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if locked.undone_at is not None:
        raise ApplicationError("This merge has already been undone.", status=409)
    _move_back(locked)
    Person.objects.filter(pk=locked.merged_id).update(merged_into=None)
    locked.undone_by, locked.undone_at = actor, timezone.now()
    locked.save(update_fields=["undone_by", "undone_at"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=locked,
        persons=[locked.kept_id, locked.merged_id],
        purpose="identity unmerge",
        lawful_basis=BASIS_IDENTITY,
    )
    return locked
