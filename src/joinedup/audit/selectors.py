"""The data protection officer's audit pages: search and export the trail, who has seen a
record, unusual access, the chain's state."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import AccessEvent, AccessEventPerson, Action, ChainHead
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy

PAGE_SIZE = 50
# Unusual access: thresholds over the period looked at (see docs/sharing.md).
REFUSED_THRESHOLD = 3  # refused attempts by one user


NIGHT_BULK_THRESHOLD = 20  # people's records viewed by one user between 10pm and 6am


OUTSIDE_WORK_THRESHOLD = 3  # people viewed on a basis other than the user's own work


NIGHT_HOURS = (22, 6)


OWN_WORK_BASES = [
    basis.label
    for basis in (
        policy.BASIS_OWN_INVOLVEMENT,
        policy.BASIS_EPISODE,
        policy.BASIS_SAFEGUARDING,
        policy.BASIS_OWN_REQUEST,
        policy.BASIS_FRONT_DOOR,
    )
]


SEEN_ACTIONS = [Action.VIEW, Action.EXPORT, Action.BREAK_GLASS]


CSV_HEADER = [
    "seq",
    "occurred_at",
    "user",
    "user_email",
    "organisation",
    "action",
    "object_type",
    "object_id",
    "person_references",
    "purpose",
    "lawful_basis",
    "detail",
    "hash",
]


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _require_dpo(user: Any, object_type: str, object_id: Any = "") -> None:
    policy.require_data_protection_officer(user, object_type=object_type, object_id=object_id)


@dataclass(frozen=True)
class AuditFilters:
    reference: str = ""
    user_email: str = ""
    organisation_id: int | None = None
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    person: Person | None = field(default=None, compare=False)
    actor: Practitioner | None = field(default=None, compare=False)

    def as_detail(self) -> dict[str, str]:
        return {
            "reference": self.reference,
            "user": self.user_email,
            "organisation": str(self.organisation_id or ""),
            "action": self.action,
            "from": str(self.date_from or ""),
            "to": str(self.date_to or ""),
        }


def audit_filters(
    *,
    reference: str = "",
    user_email: str = "",
    organisation_id: int | None = None,
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> AuditFilters:
    """Resolve a search's words into records; an unknown one is named, as its field's error."""
    person = actor = None
    if reference.strip():
        person = Person.objects.filter(reference__iexact=reference.strip()).first()
        if person is None:
            raise ApplicationError("No person has this reference", field="reference")
    if user_email.strip():
        actor = Practitioner.objects.filter(email__iexact=user_email.strip()).first()
        if actor is None:
            raise ApplicationError("No user has this email address", field="user")
    if date_from and date_to and date_to < date_from:
        raise ApplicationError("The end date must be on or after the start date", field="date_to")
    if action and action not in Action.values:
        raise ApplicationError("Choose an action from the list", field="action")
    return AuditFilters(
        reference.strip(),
        user_email.strip(),
        organisation_id,
        action,
        date_from,
        date_to,
        person,
        actor,
    )


def _events(f: AuditFilters) -> QuerySet[AccessEvent]:
    qs = AccessEvent.objects.all()
    if f.person is not None:
        qs = qs.filter(persons__person_id=f.person.pk)
    if f.actor is not None:
        qs = qs.filter(actor_id=f.actor.pk)
    if f.organisation_id:
        qs = qs.filter(organisation_id=f.organisation_id)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.date_from:
        qs = qs.filter(occurred_at__gte=_start_of(f.date_from))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=_start_of(f.date_to + timedelta(days=1)))
    return qs.select_related("actor", "organisation").order_by("-seq")


def _references(events: Iterable[AccessEvent]) -> dict[int, str]:
    ids = {pid for e in events for pid in e.person_ids}
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "reference")) if ids else {}


@dataclass(frozen=True)
class AuditPage:
    page: Page
    references: dict[int, str]


def audit_search(*, user: Any, filters: AuditFilters, page: Any = 1) -> AuditPage:
    """One page of the audit trail; the search itself is audited."""
    _require_dpo(user, "audit.audit_search")
    result = Paginator(_events(filters), PAGE_SIZE).get_page(page)
    references = _references(result.object_list)
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="audit.audit_search",
        persons=list(references),
        purpose="data protection",
        detail=filters.as_detail(),
    )
    return AuditPage(result, references)


def audit_export(*, user: Any, filters: AuditFilters) -> Iterator[list[str]]:
    """Every event of a search as CSV rows (header first). The export is audited before it runs."""
    _require_dpo(user, "audit.audit_export")
    qs = _events(filters)
    audit.record(
        actor=user,
        action=Action.EXPORT,
        object_type="audit.audit_search",
        persons=[filters.person] if filters.person else [],
        purpose="data protection",
        detail={**filters.as_detail(), "rows": qs.count()},
    )
    return _csv_rows(qs)


def _csv_rows(qs: QuerySet[AccessEvent], batch: int = 2000) -> Iterator[list[str]]:
    yield CSV_HEADER
    chunk: list[AccessEvent] = []
    for event in qs.iterator(chunk_size=batch):
        chunk.append(event)
        if len(chunk) == batch:
            yield from _csv_chunk(chunk)
            chunk = []
    yield from _csv_chunk(chunk)


def _csv_chunk(events: list[AccessEvent]) -> Iterator[list[str]]:
    references = _references(events)
    for e in events:
        yield [
            str(e.seq),
            timezone.localtime(e.occurred_at).isoformat(timespec="seconds"),
            e.actor.get_full_name() if e.actor else "",
            e.actor.email if e.actor else "",
            e.organisation.name if e.organisation else "",
            e.action,
            e.object_type,
            e.object_id,
            " ".join(references.get(pid, str(pid)) for pid in e.person_ids),
            e.purpose,
            e.lawful_basis,
            str(e.detail) if e.detail else "",
            e.hash,
        ]


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class PersonAccess:
    person: Person
    viewers: list[dict[str, Any]]
    per_day: list[DayCount]
    most: int


def person_access(*, user: Any, reference: str, days: int = 30) -> PersonAccess:
    """Who has seen this person's record, and how often each day over the last `days` days."""
    _require_dpo(user, "audit.person_access", reference)
    filters = audit_filters(reference=reference)
    if filters.person is None:
        raise ApplicationError("Enter the person's reference", field="reference")
    person = filters.person
    seen = AccessEvent.objects.filter(persons__person_id=person.pk, action__in=SEEN_ACTIONS)
    viewers = list(
        seen.values(
            "actor_id",
            "actor__first_name",
            "actor__last_name",
            "actor__email",
            "organisation__name",
        )
        .annotate(times=Count("pk"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("-last")[:200]
    )
    today = timezone.localdate()
    since = today - timedelta(days=days - 1)
    counted = dict(
        seen.filter(occurred_at__gte=_start_of(since))
        .annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    per_day = [DayCount(d, counted.get(d, 0)) for d in (since + timedelta(n) for n in range(days))]
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="audit.person_access",
        persons=[person],
        purpose="data protection",
    )
    return PersonAccess(person, viewers, per_day, max((d.count for d in per_day), default=0))


@dataclass(frozen=True)
class Flag:
    practitioner: Practitioner | None
    count: int


@dataclass(frozen=True)
class UnusualAccess:
    since: date
    refused: list[Flag]
    night_bulk: list[Flag]
    outside_work: list[Flag]


def unusual_access(*, user: Any, days: int = 7) -> UnusualAccess:
    """Users whose access over the last `days` days looks unusual; a handful of queries."""
    _require_dpo(user, "audit.unusual_access")
    since = timezone.localdate() - timedelta(days=days - 1)
    start = _start_of(since)
    refused = (
        AccessEvent.objects.filter(action=Action.REFUSED, occurred_at__gte=start)
        .values("actor_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=REFUSED_THRESHOLD)
    )
    viewed = AccessEventPerson.objects.filter(
        event__action__in=[Action.VIEW, Action.BREAK_GLASS], event__occurred_at__gte=start
    )
    night, morning = NIGHT_HOURS
    night_bulk = (
        viewed.annotate(hour=ExtractHour("event__occurred_at"))
        .filter(Q(hour__gte=night) | Q(hour__lt=morning))
        .values("event__actor_id")
        .annotate(n=Count("person_id", distinct=True))
        .filter(n__gte=NIGHT_BULK_THRESHOLD)
    )
    outside = (
        viewed.exclude(event__lawful_basis__in=OWN_WORK_BASES)
        .values("event__actor_id")
        .annotate(n=Count("person_id", distinct=True))
        .filter(n__gte=OUTSIDE_WORK_THRESHOLD)
    )
    rows = {
        "refused": [(r["actor_id"], r["n"]) for r in refused],
        "night": [(r["event__actor_id"], r["n"]) for r in night_bulk],
        "outside": [(r["event__actor_id"], r["n"]) for r in outside],
    }
    ids = {pk for found in rows.values() for pk, _ in found if pk}
    people = Practitioner.objects.select_related("organisation").in_bulk(ids) if ids else {}

    def flags(found: list[tuple[int | None, int]]) -> list[Flag]:
        return sorted(
            (Flag(people.get(pk) if pk else None, n) for pk, n in found), key=lambda f: -f.count
        )

    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="audit.unusual_access",
        purpose="data protection",
        detail={"days": days},
    )
    return UnusualAccess(
        since, flags(rows["refused"]), flags(rows["night"]), flags(rows["outside"])
    )


@dataclass(frozen=True)
class ChainState:
    events: int
    last_hash: str
    last_event_at: datetime | None
    report: audit.ChainReport | None


def chain_state(*, user: Any, verify: bool = False) -> ChainState:
    """The chain's head; with verify, walk the whole chain (and record that it was checked)."""
    _require_dpo(user, "audit.audit_chain")
    report = audit.verify() if verify else None
    head = ChainHead.objects.filter(pk=1).first()
    last = AccessEvent.objects.order_by("-seq").values_list("occurred_at", flat=True).first()
    if report is not None:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type="audit.audit_chain",
            purpose="data protection",
            detail={"ok": report.ok, "checked": report.checked, "broken": report.broken_seq},
        )
    return ChainState(
        head.seq if head else 0, head.last_hash if head else audit.GENESIS, last, report
    )


def require_dpo(*, user: Any, page: str) -> None:
    """For a page that must refuse before it reads anything (its form lists organisations)."""
    _require_dpo(user, page)


NAME_MATCHES_SHOWN = 25


def persons_by_name(*, user: Any, name: str) -> list[Person]:
    """For the data protection officer: persons whose names contain every word given (merged
    ones excluded), to choose whose access to look at. The search is audited."""
    _require_dpo(user, "audit.person_search")
    found = Person.objects.filter(merged_into__isnull=True)
    for word in name.split()[:4]:
        found = found.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    people = list(found.order_by("family_name", "given_name", "pk")[:NAME_MATCHES_SHOWN])
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="audit.person_search",
        persons=people,
        purpose="data protection",
        detail={"name": name[:100], "found": len(people)},
    )
    return people
