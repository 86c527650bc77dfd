"""Every read of requests, triage and episodes that a user sees: through the policy, audited."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from joinedup.casework import chronology, timeliness, timescales
from joinedup.casework.models import Action as ActionModel
from joinedup.casework.models import (
    ActionStatus,
    CriticalIncident,
    Disagreement,
    Episode,
    EpisodeStatus,
    Meeting,
    Rating,
    RequestForSupport,
    RequestPerson,
    RequestStatus,
    TriageDecision,
)
from joinedup.casework.timescales import working_hours_between
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Involvement, Person
from joinedup.sharing import audit, policy
from joinedup.sharing.models import Action

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
        raise policy.refuse(user, object_type="casework.front_door_queue", object_id="")
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
    _audit_list(user, requests, "casework.front_door_queue")
    return items


def my_requests(*, user: Any) -> list[RequestForSupport]:
    """The requests I raised, newest first, with their status and decision."""
    requests = list(
        _with_people(policy.requests_visible_to(user).filter(raised_by=user)).order_by(
            "-created_at"
        )[:200]
    )
    _audit_list(user, requests, "casework.my_requests")
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
        raise policy.refuse(user, object_type="casework.timeliness", object_id="")
    if end < start:
        raise ApplicationError("The end of the period must be on or after its start.", field="end")
    zone = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, zone)
    until = datetime.combine(end + timedelta(days=1), time.min, zone)
    rows: list[Any] = list(
        RequestForSupport.objects.filter(received_at__gte=since, received_at__lt=until)
        .exclude(status=RequestStatus.DRAFT)
        .values_list("rating", "received_at", "decision__decided_at", "decision__within_timescale")
    )
    calendar, _ = timeliness.calendar_and_policy()
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
                within=sum(1 for r in decided if r[3]),
                median_hours=round(statistics.median(hours), 1) if hours else None,
            )
        )
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="casework.timeliness",
        detail={"start": str(start), "end": str(end)},
    )
    return figures


@dataclass
class EpisodeView:
    episode: Episode
    members: list[Any]
    outcomes: list[Any]
    actions: list[Any]
    meetings: list[Any]
    decisions: list[Any]
    incidents: list[Any]
    handovers: list[Any]
    plan_versions: list[Any]
    may_edit: bool
    is_lead: bool
    review_due: date | None
    closure_feedback: list[Any] = field(default_factory=list)

    @property
    def review_overdue(self) -> bool:
        # A closed episode has no more reviews to hold.
        return (
            self.episode.is_active
            and self.review_due is not None
            and self.review_due < timezone.localdate()
        )


def episode_get(*, user: Any, episode_id: Any) -> EpisodeView:
    """One episode, for its team: everything on the episode page in a fixed number of queries."""
    episode = policy.require_episode(user, episode_id)
    episode = (
        Episode.objects.select_related("lead_professional__organisation", "closure")
        .prefetch_related("persons", "status_history__by", "requests")
        .get(pk=episode.pk)
    )
    members = list(
        episode.members.filter(left_at__isnull=True).select_related(
            "practitioner__organisation", "person"
        )
    )
    actions = list(
        episode.actions.select_related(
            "owner__practitioner", "owner__person", "outcome"
        ).prefetch_related("notes__author")
    )
    meetings = list(
        episode.meetings.prefetch_related(
            "attendance__member__practitioner", "attendance__member__person", "judgements__outcome"
        )
    )
    decisions = list(
        episode.decisions.select_related("taken_by").prefetch_related(
            "disagreements__raised_by__practitioner", "disagreements__steps__by"
        )
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=episode,
        persons=episode.persons.all(),
        purpose="episode",
        lawful_basis=policy.BASIS_EPISODE,
    )
    return EpisodeView(
        episode=episode,
        members=members,
        outcomes=list(episode.outcomes.select_related("category")),
        actions=actions,
        meetings=meetings,
        decisions=decisions,
        incidents=list(episode.incidents.select_related("recorded_by", "acknowledged_by")),
        handovers=list(episode.handovers.select_related("from_practitioner", "to_practitioner")),
        plan_versions=list(episode.plan_versions.select_related("made_by")),
        may_edit=episode.status != EpisodeStatus.CLOSED,
        is_lead=episode.lead_professional_id == user.pk,
        review_due=meetings[0].next_review_on if meetings else None,
        closure_feedback=list(episode.closure_feedback.select_related("given_by", "recorded_by")),
    )


def my_episodes(*, user: Any) -> list[Episode]:
    return list(policy.episodes_visible_to(user).prefetch_related("persons"))


@dataclass
class MyWork:
    actions_overdue: list[Any]
    actions_due: list[Any]
    meetings_coming: list[Any]
    reviews_overdue: list[Any]
    incidents_to_acknowledge: list[Any]
    disagreements: list[Any]
    requests_waiting: list[Any]
    front_door_waiting: int
    pattern_alerts: list[Any] = field(default_factory=list)


def my_work(*, user: Any, horizon_days: int = 14) -> MyWork:
    """Everything waiting for one practitioner, across every team they are in."""
    today = timezone.localdate()
    episodes = policy.episodes_visible_to(user).exclude(status=EpisodeStatus.CLOSED)
    open_actions = (
        ActionModel.objects.filter(
            owner__practitioner=user, owner__left_at__isnull=True, episode__in=episodes
        )
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.NOT_DONE])
        .select_related("episode")
        .order_by("due_on")
    )
    latest = Meeting.objects.filter(episode=OuterRef("pk")).order_by("-held_on", "-pk")
    with_review = list(
        episodes.annotate(next_review=Subquery(latest.values("next_review_on")[:1]))
        .prefetch_related("persons")
        .order_by("next_review")
    )
    disagreements = list(
        Disagreement.objects.filter(decision__episode__in=episodes, status=Disagreement.Status.OPEN)
        .select_related("decision__episode", "raised_by__practitioner")
        .order_by("level_due_at")
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="casework.my_work",
        persons={p.pk for e in with_review for p in e.persons.all()},
    )
    return MyWork(
        actions_overdue=[a for a in open_actions if a.due_on < today],
        actions_due=[
            a for a in open_actions if today <= a.due_on <= today + timedelta(days=horizon_days)
        ],
        meetings_coming=[e for e in with_review if e.next_review and e.next_review >= today],
        reviews_overdue=[e for e in with_review if e.next_review and e.next_review < today],
        incidents_to_acknowledge=list(
            CriticalIncident.objects.filter(
                episode__lead_professional=user, acknowledged_at__isnull=True
            ).select_related("episode")
        ),
        disagreements=disagreements,
        requests_waiting=requests_sent_to_me(user=user),
        front_door_waiting=policy.requests_visible_to(user)
        .filter(status=RequestStatus.RECEIVED)
        .count()
        if policy.is_front_door(user)
        else 0,
        # Raised once and stored when the chronology entry was recorded; here only read.
        pattern_alerts=chronology.pattern_alerts_for_lead(user=user),
    )
