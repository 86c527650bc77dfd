"""Erasure: everything due and not held is deleted in one transaction, leaving a tombstone."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import wraps
from typing import Any, cast

from django.apps import apps as django_apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.chronology.models import ChronologyEntry, PatternAlert
from joinedup.episodes.models import Action as PlanAction
from joinedup.episodes.models import (
    Attendance,
    Disagreement,
    Episode,
    EpisodeStatus,
    Meeting,
    TeamMember,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor.models import (
    RequestForSupport,
    RequestPerson,
    RequestStatus,
    TriageDecision,
)
from joinedup.partnership.models import Practitioner
from joinedup.people.models import (
    Family,
    FamilyMember,
    Involvement,
    Person,
    SourceRecord,
)
from joinedup.recording import services as recording
from joinedup.records.models import LegalHold, RecordType, RetentionRule, Tombstone
from joinedup.records.retention.rules import (
    PURPOSE,
    F,
    _Counts,
    _held_persons,
    advice_reference,
    candidates,
    months_before,
)
from joinedup.records.retention.scrub import _scrub_shared_records
from joinedup.records.subject_access import (
    subject_ids,
)
from joinedup.sharing import policy
from joinedup.sharing.models import (
    AdviceRequest,
    BreakGlass,
    ConsentRecord,
    ReviewOutcome,
    SharingDecision,
    SharingNotice,
)


def _require_dpo(actor: Any, object_id: Any = "") -> None:
    policy.require_data_protection_officer(
        actor, object_type="records.retention", object_id=object_id
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
    for records in recording.erasure_querysets(episode_ids=ids):
        counts.deleted(records)
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
    only while this transaction has set joinedup.erasure (sharing migration 0002). The audit
    trail still shows that consent was given or withdrawn, and when.
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
    for records in recording.erasure_querysets(person_ids=ids):
        counts.deleted(records)
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
        obj_type="episodes.episode",
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
        obj_type="frontdoor.requestforsupport",
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
