"""Every read of requests, triage and episodes that a user sees: through the policy, audited."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.core import timescales
from joinedup.core.timescales import working_hours_between
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor import timeliness
from joinedup.frontdoor.models import (
    Rating,
    RequestForSupport,
    RequestPerson,
    RequestStatus,
    TriageDecision,
)
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Involvement, Person
from joinedup.sharing import policy

URGENCY: dict[str, int] = {Rating.RED: 0, Rating.AMBER: 1, Rating.GREEN: 2, Rating.BLUE: 3}


def _with_people(qs: QuerySet[RequestForSupport]) -> QuerySet[RequestForSupport]:
    return qs.select_related("raised_by__organisation", "assigned_to", "decision").prefetch_related(
        Prefetch("people", queryset=RequestPerson.objects.select_related("person"))
    )


def _audit_list(user: Any, requests: list[RequestForSupport], what: str) -> None:
    persons = {rp.person_id for r in requests for rp in r.people.all()}
    if requests:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type=what,
            persons=persons,
            purpose="request for support",
            detail={"requests": [r.pk for r in requests]},
        )


@dataclass
class QueueItem:
    request: RequestForSupport
    hours_left: float | None

    @property
    def overdue(self) -> bool:
        return self.hours_left is not None and self.hours_left < 0


def front_door_queue(*, user: Any, now: datetime | None = None) -> list[QueueItem]:
    """Open requests, most urgent first: by rating, then the least time left."""
    if not policy.is_front_door(user):
        raise policy.refuse(user, object_type="frontdoor.front_door_queue", object_id="")
    now = now or timezone.now()
    requests = list(
        _with_people(policy.requests_visible_to(user).filter(status=RequestStatus.RECEIVED))
    )
    calendar, rules = timeliness.calendar_and_policy()  # read once, not once per request
    items = [
        QueueItem(
            r,
            timescales.time_left(
                rules, calendar, timescales.Rating(r.rating), r.received_at or now, now
            ),
        )
        for r in requests
    ]
    no_deadline = now + timedelta(days=36500)  # blue: no multi-agency timescale, last
    items.sort(
        key=lambda i: (
            URGENCY[i.request.rating],
            i.request.due_at or no_deadline,
            i.request.received_at,
        )
    )
    _audit_list(user, requests, "frontdoor.front_door_queue")
    return items


def my_requests(*, user: Any) -> list[RequestForSupport]:
    """The requests I raised, newest first, with their status and decision."""
    requests = list(
        _with_people(policy.requests_visible_to(user).filter(raised_by=user)).order_by(
            "-created_at"
        )[:200]
    )
    _audit_list(user, requests, "frontdoor.my_requests")
    return requests


def requests_sent_to_me(*, user: Any) -> list[RequestForSupport]:
    return list(
        _with_people(
            policy.requests_visible_to(user).filter(assigned_to=user, status=RequestStatus.ROUTED)
        )
    )


@dataclass
class RequestView:
    request: RequestForSupport
    persons: list[Person]
    involvements: dict[int, list[Involvement]]
    may_triage: bool
    is_asker: bool
    hours_left: float | None
    events: list[Any] = field(default_factory=list)
    decision: TriageDecision | None = None
    episodes: dict[int, list[Any]] = field(default_factory=dict)


def request_get(*, user: Any, request_id: Any) -> RequestView:
    request = policy.require_request(user, request_id)
    decision = policy.request_decision(user, request)
    request = _with_people(RequestForSupport.objects.filter(pk=request.pk)).get()
    persons = [rp.person for rp in request.people.all()]
    may_triage = policy.may_triage(user, request)
    involvements: dict[int, list[Involvement]] = {}
    if may_triage:
        # The involvement index, as far as the policy lets this reader see it.
        for person in persons:
            if policy.person_decision(user, person).allowed:
                involvements[person.pk] = policy.annotate_involvements(
                    user,
                    person,
                    list(
                        policy.involvements_visible_to(user, person).select_related(
                            "organisation", "team", "contact", "contact__team"
                        )
                    ),
                    purpose="assessment",
                )
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=request,
        persons=persons,
        purpose=decision.purpose,
        lawful_basis=decision.basis,
    )
    hours_left = None
    if request.status == RequestStatus.RECEIVED and request.rating and request.received_at:
        hours_left = timeliness.working_hours_left(
            request.rating, request.received_at, timezone.now()
        )
    return RequestView(
        request=request,
        persons=persons,
        involvements=involvements,
        may_triage=may_triage,
        is_asker=request.raised_by_id == user.pk,
        hours_left=hours_left,
        events=list(request.events.select_related("actor")),
        decision=getattr(request, "decision", None),
        episodes=policy.open_episodes_about(user, list(involvements)),
    )


def draft_get(*, user: Any, request_id: Any) -> RequestForSupport:
    request = policy.require_request(user, request_id, purpose="request for support")
    if request.raised_by_id != user.pk or request.status != RequestStatus.DRAFT:
        raise NotFound()
    return request


def front_door_colleagues(*, user: Any) -> QuerySet[Practitioner]:
    return Practitioner.objects.filter(team__is_front_door=True, is_active=True).order_by(
        "last_name"
    )


def lead_professional_choices(*, user: Any) -> QuerySet[Practitioner]:
    return (
        Practitioner.objects.filter(is_active=True, organisation__isnull=False)
        .select_related("organisation")
        .order_by("organisation__name", "last_name")
    )


@dataclass
class RatingFigures:
    rating: str
    label: str
    received: int
    decided: int
    within: int
    median_hours: float | None

    @property
    def within_percent(self) -> float | None:
        return round(100 * self.within / self.decided, 1) if self.decided else None


def timeliness_figures(*, user: Any, start: date, end: date) -> list[RatingFigures]:
    """Requests received in the period, by rating: decided within timescale, median time."""
    if not policy.is_front_door(user) and not user.has_role("partnership_manager"):
        raise policy.refuse(user, object_type="frontdoor.timeliness", object_id="")
    if end < start:
        raise ApplicationError("The end of the period must be on or after its start.", field="end")
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, zone)
    until = datetime.combine(end + timedelta(days=1), time.min, zone)
    rows: list[Any] = list(
        RequestForSupport.objects.filter(received_at__gte=since, received_at__lt=until)
        .exclude(status=RequestStatus.DRAFT)
        .values_list("rating", "received_at", "decision__decided_at")
    )
    calendar, rules = timeliness.calendar_and_policy()
    figures = []
    for rating in Rating:
        mine = [r for r in rows if r[0] == rating]
        decided = [r for r in mine if r[2] is not None]
        hours = [working_hours_between(calendar, r[1], r[2]) for r in decided]
        figures.append(
            RatingFigures(
                rating=rating.value,
                label=rating.label,
                received=len(mine),
                decided=len(decided),
                # From the dates, under today's timescales: never a flag stored at the time.
                within=sum(
                    1
                    for r in decided
                    if timescales.decided_within_timescale(
                        rules, calendar, timescales.Rating(rating.value), r[1], r[2]
                    )
                ),
                median_hours=round(statistics.median(hours), 1) if hours else None,
            )
        )
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="frontdoor.timeliness",
        detail={"start": str(start), "end": str(end)},
    )
    return figures
