"""Retention, erasure and legal holds.

Each record type (sharing.models.RecordType) is kept for its RetentionRule's months after its last
activity. `due()` lists what is past its period; anything concerning a person under an active
legal hold is listed as held and cannot be erased. Erasure removes personal data in one
transaction, leaves a Tombstone (that a record existed, when and why it went, not who) and a
DELETE event in the audit trail. The audit trail itself is never touched: its events keep plain
person ids, so the trail outlives the person.

Erasure writes the models of several apps (people, casework, identity, sharing) directly, rather
than through each app's services: it must be one transaction across all of them, and nothing else
deletes. docs/decisions/0004-subject-access-and-erasure.md records this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import wraps
from typing import Any, TypeVar, cast

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Value
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from joinedup.casework.models import (
    Action as PlanAction,
)
from joinedup.casework.models import (
    ActionNote,
    Assessment,
    Attendance,
    ChronologyEntry,
    Closure,
    CriticalIncident,
    Disagreement,
    DisagreementStep,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    LeadHandover,
    Meeting,
    Outcome,
    PatternAlert,
    PlanVersion,
    RequestEvent,
    RequestForSupport,
    RequestPerson,
    RequestStatus,
    TeamDecision,
    TeamMember,
    TriageDecision,
    WantedOutcome,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Practitioner
from joinedup.people.models import (
    Family,
    FamilyMember,
    Involvement,
    Person,
    PersonKind,
    SourceRecord,
)
from joinedup.sharing import audit, policy
from joinedup.sharing.models import (
    Action,
    AdviceRequest,
    AdviceStatus,
    BreakGlass,
    ConsentRecord,
    LegalHold,
    RecordType,
    RetentionRule,
    ReviewOutcome,
    SharingDecision,
    SharingNotice,
    Tombstone,
)
from joinedup.sharing.subject_access import (
    ANOTHER_PERSON,
    Redactor,
    name_variants,
    other_people,
    subject_ids,
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


# Never erased: the audit trail outlives everything; a link from it stops an erasure instead.
NEVER_ERASED = {
    "sharing.AccessEvent",
    "sharing.AccessEventPerson",
    "sharing.ChainHead",
    "sharing.Tombstone",
}
MAX_ATTEMPTS = 60


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


def _require_dpo(actor: Any, object_id: Any = "") -> None:
    policy.require_data_protection_officer(
        actor, object_type="sharing.retention", object_id=object_id
    )


def _officers_only(object_id: Callable[[dict[str, Any]], Any]) -> Callable[[F], F]:
    """A data-protection officer's service, in one transaction.

    Security: anyone else is refused (audited, as NotFound) before the transaction starts, so
    the record of the refusal is kept when the refusal is raised.
    """

    def decorate(service: F) -> F:
        atomic = transaction.atomic(service)

        @wraps(service)
        def run(**kwargs: Any) -> Any:
            _require_dpo(kwargs.get("actor"), object_id(kwargs))
            return atomic(**kwargs)

        return cast(F, run)

    return decorate


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Enter why these records are being erased", field="reason")
    return reason


def _lock_persons(person_ids: Iterable[int]) -> list[int]:
    """Lock the persons' rows: placing a legal hold takes the same lock, so a hold placed while
    an erasure runs waits for it, and an erasure starting after a hold sees it."""
    ids = sorted(set(person_ids))
    list(Person.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
    return ids


def _refuse_if_held(person_ids: Iterable[int], what: str) -> None:
    if _held_persons(person_ids):
        raise ApplicationError(
            f"{what} is under a legal hold, so it cannot be erased. "
            "A data-protection officer must lift the hold first.",
            status=409,
        )


def _finish(
    *,
    actor: Any,
    record_type: str,
    reference: str,
    obj_type: str,
    obj_id: Any,
    person_ids: list[int],
    reason: str,
    counts: _Counts,
) -> Tombstone:
    tombstone = Tombstone.objects.create(
        record_type=record_type,
        reference=reference,
        erased_at=timezone.now(),
        erased_by=actor if policy.is_practitioner(actor) else None,
        reason=reason,
        counts=counts.as_dict(),
    )
    audit.record(
        actor=actor,
        action=Action.DELETE,
        object_type=obj_type,
        object_id=str(obj_id),
        persons=person_ids,
        purpose=PURPOSE,
        detail={"tombstone": tombstone.pk, "counts": tombstone.counts},
    )
    return tombstone


def _delete_request(request_ids: Iterable[int], counts: _Counts) -> None:
    ids = list(request_ids)
    counts.deleted(TriageDecision.objects.filter(request_id__in=ids))
    counts.deleted(RequestForSupport.objects.filter(pk__in=ids))


def _delete_episode(episode_ids: Iterable[int], counts: _Counts) -> None:
    """An episode and everything in it. PROTECT links inside an episode are removed in order."""
    ids = list(episode_ids)
    counts.deleted(PlanAction.objects.filter(episode_id__in=ids))
    counts.deleted(Disagreement.objects.filter(decision__episode_id__in=ids))
    counts.deleted(Attendance.objects.filter(meeting__episode_id__in=ids))
    counts.deleted(Meeting.objects.filter(episode_id__in=ids))
    counts.deleted(Episode.objects.filter(pk__in=ids))


def _live_work(ids: list[int], today: date) -> str:
    """What still makes this person's record current, in words; empty when nothing does."""
    current = Involvement.objects.filter(person_id__in=ids, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    if current.exists():
        return "an organisation is still working with them"
    if Episode.objects.filter(persons__in=ids).exclude(status=EpisodeStatus.CLOSED).exists():
        return "an episode of support is still open"
    open_requests = RequestForSupport.objects.filter(
        people__person_id__in=ids, status__in=[RequestStatus.RECEIVED, RequestStatus.ROUTED]
    )
    if open_requests.exists():
        return "a request for support is waiting for a decision"
    if BreakGlass.objects.filter(person_id__in=ids, outcome=ReviewOutcome.PENDING).exists():
        return "an emergency access to their record is waiting for review"
    return ""


@_officers_only(lambda kw: kw["person"].pk)
def erase_person(*, person: Person, actor: Any, reason: str) -> Tombstone:
    """Remove a person and everything that is only theirs; strip them from shared records.

    Refused under an active legal hold, and while their record is still in use. The audit trail
    keeps its events (plain person ids); a tombstone records that the person existed.
    """
    reason = _clean_reason(reason)
    person = Person.objects.select_for_update().get(pk=person.pk)
    ids = _lock_persons(subject_ids(person))
    _refuse_if_held(ids, "This person's record")
    live = _live_work(ids, timezone.localdate())
    if live:
        raise ApplicationError(
            f"This person's record is still in use: {live}. It cannot be erased yet.", status=409
        )
    counts = _Counts()
    _scrub_shared_records(ids, counts)
    _strip_from_requests(ids, counts)
    _strip_from_episodes(ids, counts)
    _delete_own_records(ids, counts)
    _delete_persons(ids, counts)
    return _finish(
        actor=actor,
        record_type=RecordType.PERSON,
        reference=person.reference,
        obj_type="people.person",
        obj_id=person.pk,
        person_ids=ids,
        reason=reason,
        counts=counts,
    )


def _strip_from_requests(ids: list[int], counts: _Counts) -> None:
    """Requests only about them go; from requests about others too, only they are removed."""
    request_ids = set(
        RequestPerson.objects.filter(person_id__in=ids).values_list("request_id", flat=True)
    )
    shared = set(
        RequestPerson.objects.filter(request_id__in=request_ids)
        .exclude(person_id__in=ids)
        .values_list("request_id", flat=True)
    )
    _delete_request(request_ids - shared, counts)
    counts.deleted(RequestPerson.objects.filter(request_id__in=shared, person_id__in=ids))


def _strip_from_episodes(ids: list[int], counts: _Counts) -> None:
    """Episodes only about them go; from shared ones, they and what was theirs are removed."""
    through = Episode.persons.through
    episode_ids = set(
        through.objects.filter(person_id__in=ids).values_list("episode_id", flat=True)
    )
    shared = set(
        through.objects.filter(episode_id__in=episode_ids)
        .exclude(person_id__in=ids)
        .values_list("episode_id", flat=True)
    )
    own = episode_ids - shared
    # Requests about other people that pointed at an episode about to go keep their own record.
    RequestForSupport.objects.filter(episode_id__in=own).update(episode=None)
    _delete_episode(own, counts)
    members = TeamMember.objects.filter(person_id__in=ids)
    counts.deleted(PlanAction.objects.filter(owner__in=members))
    counts.deleted(Attendance.objects.filter(member__in=members))
    counts.deleted(Disagreement.objects.filter(raised_by__in=members))
    counts.deleted(members)
    counts.deleted(through.objects.filter(episode_id__in=shared, person_id__in=ids))


def _delete_consent_records(ids: list[int], counts: _Counts) -> None:
    """Consent records are personal data: on erasure they go, and only here.

    Deliberately past the guards that keep them unchanged: the ORM's (the base QuerySet's delete,
    not ConsentRecordQuerySet's) and, on PostgreSQL, the trigger, which lets a DELETE through
    only while this transaction has set joinedup.erasure (migration 0006). The audit trail still
    shows that consent was given or withdrawn, and when.
    """
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL joinedup.erasure = 'on'")
    records = ConsentRecord.objects.filter(person_id__in=ids)
    counts.deleted(ConsentRecord.objects.filter(withdraws__in=records))
    counts.deleted(ConsentRecord.objects.filter(person_id__in=ids))
    if on_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL joinedup.erasure = 'off'")


def _delete_own_records(ids: list[int], counts: _Counts) -> None:
    from joinedup.identity.models import PersonMerge

    counts.deleted(ChronologyEntry.objects.filter(person_id__in=ids))
    counts.deleted(PatternAlert.objects.filter(person_id__in=ids))
    _delete_consent_records(ids, counts)
    counts.deleted(SharingDecision.objects.filter(person_id__in=ids))
    counts.deleted(SharingNotice.objects.filter(person_id__in=ids))
    counts.deleted(BreakGlass.objects.filter(person_id__in=ids))
    counts.deleted(LegalHold.objects.filter(person_id__in=ids))
    counts.deleted(SourceRecord.objects.filter(person_id__in=ids))
    counts.deleted(PersonMerge.objects.filter(Q(kept_id__in=ids) | Q(merged_id__in=ids)))


def _delete_persons(ids: list[int], counts: _Counts) -> None:
    """The persons themselves (with their involvements, memberships, relationships and anything
    else that hangs on them), then any family left with nobody in it."""
    family_ids = list(
        FamilyMember.objects.filter(person_id__in=ids).values_list("family_id", flat=True)
    )
    _close_family_sign_ins(ids, counts)
    counts.deleted(Person.objects.filter(pk__in=ids))
    counts.deleted(Family.objects.filter(pk__in=family_ids, memberships__isnull=True))


def _close_family_sign_ins(ids: list[int], counts: _Counts) -> None:
    """A family member's own sign-in (the family app's FamilyAccount) is a user that the audit
    trail may name as an actor, so it cannot be deleted: it is emptied and closed instead."""
    try:
        account_model = django_apps.get_model("family", "FamilyAccount")
    except LookupError:
        return
    user_ids = list(
        account_model.objects.filter(person_id__in=ids).values_list("user_id", flat=True)
    )
    if not user_ids:
        return
    erased = Concat(Value("erased-"), Cast("pk", models.CharField()), Value("@erased.invalid"))
    closed = Practitioner.objects.filter(pk__in=user_ids).update(
        email=erased,
        username=erased,
        first_name="",
        last_name="",
        telephone="",
        job_title="",
        is_active=False,
        password=make_password(None),
    )
    counts["sign-ins emptied and closed: partnership.Practitioner"] += closed


@_officers_only(lambda kw: kw["episode"].pk)
def erase_episode(*, episode: Episode, actor: Any, reason: str) -> Tombstone:
    """A closed episode past its period, with everything in it and the requests it came from."""
    reason = _clean_reason(reason)
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    person_ids = _lock_persons(episode.persons.values_list("pk", flat=True))
    _refuse_if_held(person_ids, f"Episode {episode.reference}")
    _refuse_if_not_due(RecordType.EPISODE, episode.pk, f"Episode {episode.reference}")
    counts = _Counts()
    _delete_request(
        RequestForSupport.objects.filter(episode=episode).values_list("pk", flat=True), counts
    )
    _delete_episode([episode.pk], counts)
    return _finish(
        actor=actor,
        record_type=RecordType.EPISODE,
        reference=episode.reference,
        obj_type="casework.episode",
        obj_id=episode.pk,
        person_ids=person_ids,
        reason=reason,
        counts=counts,
    )


@_officers_only(lambda kw: kw["request"].pk)
def erase_request(*, request: RequestForSupport, actor: Any, reason: str) -> Tombstone:
    """A request decided "no further action", past its period."""
    reason = _clean_reason(reason)
    request = RequestForSupport.objects.select_for_update().get(pk=request.pk)
    person_ids = _lock_persons(request.people.values_list("person_id", flat=True))
    _refuse_if_held(person_ids, f"Request {request.reference}")
    _refuse_if_not_due(RecordType.REQUEST, request.pk, f"Request {request.reference}")
    counts = _Counts()
    _delete_request([request.pk], counts)
    return _finish(
        actor=actor,
        record_type=RecordType.REQUEST,
        reference=request.reference,
        obj_type="casework.requestforsupport",
        obj_id=request.pk,
        person_ids=person_ids,
        reason=reason,
        counts=counts,
    )


@_officers_only(lambda kw: kw["advice"].pk)
def erase_advice(*, advice: AdviceRequest, actor: Any, reason: str) -> Tombstone:
    """An answered anonymous advice request, past its period."""
    reason = _clean_reason(reason)
    reference = advice_reference(advice)
    _refuse_if_not_due(RecordType.ADVICE, advice.pk, f"Advice request {reference}")
    counts = _Counts()
    counts.deleted(AdviceRequest.objects.filter(pk=advice.pk))
    return _finish(
        actor=actor,
        record_type=RecordType.ADVICE,
        reference=reference,
        obj_type="sharing.advicerequest",
        obj_id=advice.pk,
        person_ids=[],
        reason=reason,
        counts=counts,
    )


def _refuse_if_not_due(record_type: str, pk: int, what: str) -> None:
    today = timezone.localdate()
    rule = RetentionRule.objects.filter(record_type=record_type).first()
    if rule is None:
        raise ApplicationError(
            f"No retention period is set for this kind of record, so {what} is not due.",
            status=409,
        )
    cutoff = months_before(today, rule.keep_for_months)
    if not candidates(record_type, cutoff, today).filter(pk=pk).exists():
        raise ApplicationError(f"{what} is not yet past its retention period.", status=409)


MODELS: dict[str, type[models.Model]] = {
    RecordType.PERSON: Person,
    RecordType.EPISODE: Episode,
    RecordType.REQUEST: RequestForSupport,
    RecordType.ADVICE: AdviceRequest,
}


def record_for(record_type: str, pk: Any) -> Any:
    """The record an erasure names. Raises NotFound when there is none (or the type is wrong)."""
    model = MODELS.get(record_type)
    try:
        found = model._default_manager.filter(pk=int(pk)).first() if model else None
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def erase(*, record_type: str, pk: Any, actor: Any, reason: str) -> Tombstone:
    """Erase one record of any type (the page and the command line use this)."""
    _require_dpo(actor, pk)
    record = record_for(record_type, pk)
    services: dict[str, Callable[[], Tombstone]] = {
        RecordType.PERSON: lambda: erase_person(person=record, actor=actor, reason=reason),
        RecordType.EPISODE: lambda: erase_episode(episode=record, actor=actor, reason=reason),
        RecordType.REQUEST: lambda: erase_request(request=record, actor=actor, reason=reason),
        RecordType.ADVICE: lambda: erase_advice(advice=record, actor=actor, reason=reason),
    }
    return services[record_type]()


# -- Names in shared records ---------------------------------------------------------------------

# Free text in records that others share, where an erased person may be named.
EPISODE_TEXT: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (WantedOutcome, "episode_id", ("text",)),
    (PlanAction, "episode_id", ("text", "not_done_reason")),
    (ActionNote, "action__episode_id", ("text",)),
    (PlanVersion, "episode_id", ("snapshot",)),
    (Meeting, "episode_id", ("family_said", "notes")),
    (TeamDecision, "episode_id", ("text", "reasons")),
    (Disagreement, "decision__episode_id", ("text", "resolution")),
    (DisagreementStep, "disagreement__decision__episode_id", ("note",)),
    (CriticalIncident, "episode_id", ("description",)),
    (Closure, "episode_id", ("summary", "family_feedback")),
    (LeadHandover, "episode_id", ("reason", "family_preference")),
    (EpisodeStatusChange, "episode_id", ("reason",)),
    (
        Assessment,
        "episode_id",
        ("child_words", "analysis", "shared_how", "carers_words", "factors"),
    ),
    (TeamMember, "episode_id", ("role",)),
]
REQUEST_TEXT: list[tuple[type[models.Model], str, tuple[str, ...]]] = [
    (RequestForSupport, "pk", ("concern", "family_wants", "not_asked_reason")),
    (RequestEvent, "request_id", ("text",)),
    (TriageDecision, "request_id", ("reasons",)),
]


def _scrub_shared_records(ids: list[int], counts: _Counts) -> None:
    """Replace the erased person's names with "[another person]" in what others keep: the
    requests, episodes and chronology of everyone linked to them (family, relatives, the people
    of their requests and episodes), where practitioners may have written their name."""
    others = other_people(ids)
    erased = Person.objects.filter(pk__in=ids)
    redactor = Redactor(
        {n: ANOTHER_PERSON for p in erased for n in name_variants(p)},
        own=[n for p in others for n in name_variants(p)],
    )
    other_ids = [p.pk for p in others]
    episodes = list(
        Episode.objects.filter(persons__in=other_ids).values_list("pk", flat=True).distinct()
    )
    requests = list(
        RequestForSupport.objects.filter(
            pk__in=RequestPerson.objects.filter(person_id__in=other_ids).values("request_id")
        ).values_list("pk", flat=True)
    )
    targets = [(m, f, fs, episodes) for m, f, fs in EPISODE_TEXT]
    targets += [(m, f, fs, requests) for m, f, fs in REQUEST_TEXT]
    targets.append((ChronologyEntry, "person_id", ("text",), other_ids))
    for model, path, fields, keys in targets:
        if keys:
            rows = model._default_manager.filter(**{f"{path}__in": keys})
            changed = _scrub(rows, fields, redactor)
            if changed:
                counts[f"names replaced in {model._meta.label}"] += changed


def _scrub(qs: QuerySet[Any], fields: tuple[str, ...], redactor: Redactor) -> int:
    changed = 0
    for row in qs.only("pk", *fields).iterator():
        new = {f: redactor.value(getattr(row, f)) for f in fields}
        updates = {f: v for f, v in new.items() if v != getattr(row, f)}
        if updates:
            # update(), not save(): no auto_now or version bumps in someone else's record.
            type(row).objects.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


# -- Legal holds -----------------------------------------------------------------------------------


@_officers_only(lambda kw: (kw.get("reference") or "")[:60])
def legal_hold_place(*, actor: Any, reference: str, reason: str) -> LegalHold:
    """Stop erasure of a person's records (litigation, an inquiry, a review). Audited."""
    from joinedup.sharing.subject_access import person_by_reference

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


# -- The data-protection officer's reads (audited) -------------------------------------------------


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
            object_type="sharing.legalhold_list",
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
        raise policy.refuse(user, object_type="sharing.legalhold", object_id=hold_id)
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
            user, object_type="sharing.retention", object_id=f"{record_type}:{pk}"
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
