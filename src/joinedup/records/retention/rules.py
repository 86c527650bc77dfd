"""Retention rules and what is past its retention period."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from joinedup.chronology.models import ChronologyEntry
from joinedup.episodes.models import (
    Episode,
    EpisodeStatus,
)
from joinedup.errors import ApplicationError
from joinedup.frontdoor.models import (
    Outcome,
    RequestForSupport,
    RequestStatus,
)
from joinedup.people.models import (
    Involvement,
    Person,
    PersonKind,
    SourceRecord,
)
from joinedup.records.models import LegalHold, RecordType, RetentionRule
from joinedup.sharing.models import (
    AdviceRequest,
    AdviceStatus,
    BreakGlass,
    ConsentRecord,
    ReviewOutcome,
)

F = TypeVar("F", bound=Callable[..., Any])
PURPOSE = "records management"
DEFAULT_CHILDREN_UNTIL_AGE = 25
# Erasing older records first: an episode or request before the person it concerns.
ERASE_ORDER = [RecordType.ADVICE, RecordType.REQUEST, RecordType.EPISODE, RecordType.PERSON]


def children_kept_until_age() -> int:
    """A child's person and episode records are not due before this birthday (0: no floor).

    JOINEDUP_RETENTION_CHILDREN_UNTIL_AGE, default 25: "until the child is 25" in common local
    authority retention schedules for children's services records.
    """
    return int(
        getattr(settings, "JOINEDUP_RETENTION_CHILDREN_UNTIL_AGE", DEFAULT_CHILDREN_UNTIL_AGE)
    )


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _born_after(today: date) -> date | None:
    """Children born after this date are too young for their records to be due."""
    age = children_kept_until_age()
    return months_before(today, 12 * age) if age > 0 else None


# -- What is due ---------------------------------------------------------------------------------


def persons_past(cutoff: date, today: date) -> QuerySet[Person]:
    """Persons with no activity since `cutoff`: no current involvement, no open episode or
    request, nothing recorded about them since, no emergency access waiting for review."""
    since = _start_of(cutoff)
    person = OuterRef("pk")
    recent = [
        Involvement.objects.filter(person=person).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=cutoff)
        ),
        Episode.objects.filter(persons=person).filter(
            ~Q(status=EpisodeStatus.CLOSED) | Q(closed_at__isnull=True) | Q(closed_at__gte=since)
        ),
        RequestForSupport.objects.filter(people__person=person).filter(
            Q(status__in=[RequestStatus.RECEIVED, RequestStatus.ROUTED])
            | Q(created_at__gte=since)
            | Q(decided_at__gte=since)
        ),
        ChronologyEntry.objects.filter(person=person).filter(
            Q(occurred_on__gte=cutoff) | Q(recorded_at__gte=since)
        ),
        SourceRecord.objects.filter(person=person, updated_at__gte=since),
        ConsentRecord.objects.filter(person=person, recorded_at__gte=since),
        BreakGlass.objects.filter(person=person).filter(
            Q(outcome=ReviewOutcome.PENDING) | Q(opened_at__gte=since)
        ),
    ]
    qs = Person.objects.filter(merged_into__isnull=True, created_at__lt=since)
    for activity in recent:
        qs = qs.exclude(Exists(activity))
    born_after = _born_after(today)
    if born_after is not None:
        qs = qs.exclude(kind=PersonKind.CHILD, date_of_birth__gt=born_after)
    return qs


def episodes_past(cutoff: date, today: date) -> QuerySet[Episode]:
    """Closed episodes, closed before `cutoff`, none of whose children is under the age floor."""
    qs = Episode.objects.filter(status=EpisodeStatus.CLOSED, closed_at__lt=_start_of(cutoff))
    born_after = _born_after(today)
    if born_after is not None:
        young = Person.objects.filter(
            episodes=OuterRef("pk"), kind=PersonKind.CHILD, date_of_birth__gt=born_after
        )
        qs = qs.exclude(Exists(young))
    return qs


def requests_past(cutoff: date) -> QuerySet[RequestForSupport]:
    """Requests decided "no further action" before `cutoff` (not part of any episode)."""
    return RequestForSupport.objects.filter(
        status=RequestStatus.DECIDED,
        decision__outcome=Outcome.NO_FURTHER_ACTION,
        decided_at__lt=_start_of(cutoff),
        episode__isnull=True,
    )


def advice_past(cutoff: date) -> QuerySet[AdviceRequest]:
    """Anonymous advice requests answered before `cutoff`."""
    return AdviceRequest.objects.filter(
        status=AdviceStatus.ANSWERED, answered_at__lt=_start_of(cutoff)
    )


def _held_persons(person_ids: Iterable[int]) -> set[int]:
    return set(
        LegalHold.objects.filter(person_id__in=list(person_ids), lifted_at__isnull=True)
        .values_list("person_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class DueItem:
    record_type: str
    pk: int
    reference: str
    summary: str
    last_activity: date | None
    held: bool


@dataclass(frozen=True)
class DueGroup:
    record_type: str
    label: str
    rule: RetentionRule | None
    cutoff: date | None
    due_count: int = 0
    held_count: int = 0
    items: list[DueItem] = field(default_factory=list)

    @property
    def shown_all(self) -> bool:
        return len(self.items) >= self.due_count + self.held_count


def _as_date(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


def _person_items(qs: QuerySet[Person], today: date, limit: int | None) -> list[DueItem]:
    rows = list(qs.order_by("pk")[:limit] if limit else qs.order_by("pk"))
    last = _person_last_activity([p.pk for p in rows])
    held = _held_persons(p.pk for p in rows)
    items = []
    for p in rows:
        age = p.age_on(today)
        born = f", aged {age}" if age is not None else ""
        items.append(
            DueItem(
                RecordType.PERSON,
                p.pk,
                p.reference,
                f"{p.get_kind_display()}{born}",
                last.get(p.pk),
                p.pk in held,
            )
        )
    return items


def _person_last_activity(ids: list[int]) -> dict[int, date]:
    """The latest date anything happened in each person's record, for the list."""
    found: dict[int, date] = {}

    def keep(pairs: Iterable[tuple[int, Any]]) -> None:
        for pk, value in pairs:
            day = _as_date(value)
            if day is not None and (pk not in found or day > found[pk]):
                found[pk] = day

    people = Person.objects.filter(pk__in=ids)
    keep(people.values_list("pk", "created_at"))
    keep(people.annotate(m=Max("involvements__ended_on")).values_list("pk", "m"))
    keep(people.annotate(m=Max("episodes__closed_at")).values_list("pk", "m"))
    keep(people.annotate(m=Max("requests__request__decided_at")).values_list("pk", "m"))
    keep(people.annotate(m=Max("requests__request__created_at")).values_list("pk", "m"))
    keep(people.annotate(m=Max("chronology__occurred_on")).values_list("pk", "m"))
    return found


def _episode_items(qs: QuerySet[Episode], limit: int | None) -> list[DueItem]:
    rows = list(
        qs.order_by("closed_at", "pk").prefetch_related("persons")[:limit]
        if limit
        else qs.order_by("closed_at", "pk").prefetch_related("persons")
    )
    held = _held_persons(p.pk for e in rows for p in e.persons.all())
    return [
        DueItem(
            RecordType.EPISODE,
            e.pk,
            e.reference,
            f"{e.persons.count()} people, closed",
            _as_date(e.closed_at),
            any(p.pk in held for p in e.persons.all()),
        )
        for e in rows
    ]


def _request_items(qs: QuerySet[RequestForSupport], limit: int | None) -> list[DueItem]:
    ordered = qs.order_by("decided_at", "pk").prefetch_related("people")
    rows = list(ordered[:limit] if limit else ordered)
    held = _held_persons(rp.person_id for r in rows for rp in r.people.all())
    return [
        DueItem(
            RecordType.REQUEST,
            r.pk,
            r.reference,
            "No further action",
            _as_date(r.decided_at),
            any(rp.person_id in held for rp in r.people.all()),
        )
        for r in rows
    ]


def _advice_items(qs: QuerySet[AdviceRequest], limit: int | None) -> list[DueItem]:
    ordered = qs.order_by("answered_at", "pk")
    rows = list(ordered[:limit] if limit else ordered)
    return [
        DueItem(
            RecordType.ADVICE, a.pk, advice_reference(a), "Answered", _as_date(a.answered_at), False
        )
        for a in rows
    ]


def advice_reference(advice: AdviceRequest) -> str:
    return f"A-{advice.pk}"


def _held_filter(record_type: str) -> Q:
    """The filter on each type's queryset that is true when a legal hold covers the record."""
    held = LegalHold.objects.filter(lifted_at__isnull=True)
    if record_type == RecordType.PERSON:
        return Q(Exists(held.filter(person_id=OuterRef("pk"))))
    if record_type == RecordType.EPISODE:
        return Q(Exists(held.filter(person__episodes=OuterRef("pk"))))
    if record_type == RecordType.REQUEST:
        return Q(Exists(held.filter(person__requests__request=OuterRef("pk"))))
    return Q(pk__in=[])


def candidates(record_type: str, cutoff: date, today: date) -> QuerySet[Any]:
    """Everything of this type past its period, held or not."""
    if record_type == RecordType.PERSON:
        return persons_past(cutoff, today)
    if record_type == RecordType.EPISODE:
        return episodes_past(cutoff, today)
    if record_type == RecordType.REQUEST:
        return requests_past(cutoff)
    return advice_past(cutoff)


def _items(record_type: str, qs: QuerySet[Any], today: date, limit: int | None) -> list[DueItem]:
    if record_type == RecordType.PERSON:
        return _person_items(qs, today, limit)
    if record_type == RecordType.EPISODE:
        return _episode_items(qs, limit)
    if record_type == RecordType.REQUEST:
        return _request_items(qs, limit)
    return _advice_items(qs, limit)


def due(today: date | None = None, *, limit: int | None = None) -> list[DueGroup]:
    """What is past its retention period on `today`, by record type, held items marked.

    A type without a rule has nothing due: nothing is erased until someone sets its period.
    `limit` caps the items listed per type; the counts are always exact.
    """
    today = today or timezone.localdate()
    rules = {r.record_type: r for r in RetentionRule.objects.all()}
    groups = []
    for record_type, label in RecordType.choices:
        rule = rules.get(record_type)
        if rule is None:
            groups.append(DueGroup(record_type, label, None, None))
            continue
        cutoff = months_before(today, rule.keep_for_months)
        qs = candidates(record_type, cutoff, today)
        held_q = _held_filter(record_type)
        items = _items(record_type, qs, today, limit)
        groups.append(
            DueGroup(
                record_type,
                label,
                rule,
                cutoff,
                due_count=qs.exclude(held_q).count(),
                held_count=qs.filter(held_q).count(),
                items=items,
            )
        )
    return groups


# -- Erasure -------------------------------------------------------------------------------------


# -- Names in shared records ---------------------------------------------------------------------


# -- Legal holds -----------------------------------------------------------------------------------


# -- The data-protection officer's reads (audited) -------------------------------------------------


class _Counts(Counter[str]):
    def deleted(self, qs: QuerySet[Any]) -> None:
        """Delete through Django's collector (so cascades are counted) and add up what went.

        Rows that a PROTECT (or RESTRICT) link ties to the rows going are deleted first: what
        hangs on erased data is erased with it, so a model added later by another app does not
        leave the erasure half done, nor stop it. The base QuerySet.delete is used on purpose:
        it passes over the "never delete" guards of consent records (see
        _delete_consent_records). The audit trail's own models are never deleted.
        """
        pending = [qs]
        for _ in range(MAX_ATTEMPTS):
            if not pending:
                return
            current = pending.pop()
            try:
                with transaction.atomic():
                    _total, per_model = models.QuerySet.delete(current)
            except (ProtectedError, RestrictedError) as error:
                pending += [current, *_blocking(error)]
                continue
            for label, n in per_model.items():
                if n:
                    self[label] += n
        if pending:
            raise ApplicationError(
                "These records are linked to others in a way erasure cannot resolve. "
                "Nothing was erased.",
                status=409,
            )

    def as_dict(self) -> dict[str, int]:
        return dict(sorted(self.items()))


MAX_ATTEMPTS = 60


def _blocking(error: ProtectedError | RestrictedError) -> list[QuerySet[Any]]:
    """The rows that stopped a deletion, as one queryset per model."""
    found = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", [])
    by_model: dict[type[models.Model], list[Any]] = {}
    for obj in list(found):
        by_model.setdefault(type(obj), []).append(obj.pk)
    if any(model._meta.label in NEVER_ERASED for model in by_model):
        raise ApplicationError(
            "The audit trail refers to these records, so they cannot be erased. "
            "Nothing was erased.",
            status=409,
        )
    return [model._base_manager.filter(pk__in=pks) for model, pks in by_model.items()]


# Never erased: the audit trail outlives everything; a link from it stops an erasure instead.
NEVER_ERASED = {
    "audit.AccessEvent",
    "audit.AccessEventPerson",
    "audit.ChainHead",
    "records.Tombstone",
}
