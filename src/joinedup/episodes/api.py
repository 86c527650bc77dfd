"""The team around the family over JSON: the same services, selectors and policy as the pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from ninja import Query, Router, Schema, Status

from joinedup.core.locking import version_field
from joinedup.episodes import feedback, selectors, services
from joinedup.episodes.models import (
    Action,
    CriticalIncident,
    Disagreement,
    TeamDecision,
    TeamMember,
    WantedOutcome,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership.models import Practitioner
from joinedup.web.http import AuthedRequest

router = Router(tags=["team around the family"])


class MemberOut(Schema):
    id: int
    name: str
    role: str
    practitioner_id: int | None
    person_id: int | None


class ActionOut(Schema):
    id: int
    text: str
    owner_id: int
    due_on: date
    status: str
    not_done_reason: str
    version: int
    outcome_id: int | None


class EpisodeOut(Schema):
    id: int
    reference: str
    status: str
    lead_professional_id: int
    version: int
    person_ids: list[int]
    members: list[MemberOut]
    outcomes: list[dict[str, Any]]
    actions: list[ActionOut]
    meetings: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    next_review_on: date | None


class IdOut(Schema):
    id: int


class MemberIn(Schema):
    role: str
    practitioner_id: int | None = None
    person_id: int | None = None


class LeadProposalOut(Schema):
    id: int
    kind: str
    status: str
    proposed_id: int
    proposed_by_id: int
    reason: str
    decline_reason: str


class DeclineIn(Schema):
    reason: str


class HandoverIn(Schema):
    to_practitioner_id: int
    reason: str
    family_preference: str = ""
    expected_version: int = version_field()


class OutcomeIn(Schema):
    text: str
    category_code: str | None = None


class ActionIn(Schema):
    text: str
    owner_id: int
    due_on: date
    outcome_id: int | None = None


class ActionUpdateIn(Schema):
    status: str
    note: str = ""
    not_done_reason: str = ""
    expected_version: int = version_field()


class MeetingIn(Schema):
    kind: str
    held_on: date
    attendance: dict[int, str] = {}
    family_attended: bool = False
    family_said: str = ""
    notes: str = ""
    decisions: list[tuple[str, str]] = []
    judgements: dict[int, str] = {}
    next_review_on: date | None = None


class EpisodeDecisionIn(Schema):
    text: str
    reasons: str


class TextIn(Schema):
    text: str


class EscalateIn(Schema):
    note: str
    expected_version: int = version_field()


class ResolveIn(Schema):
    resolution: str
    upheld: bool
    expected_version: int = version_field()


class IncidentIn(Schema):
    kind: str
    occurred_at: datetime
    description: str


class StepIn(Schema):
    to_practitioner_id: int
    reason: str


class CloseIn(Schema):
    reason: str
    summary: str


def _episode(request: AuthedRequest, episode_id: int) -> Any:
    return selectors.episode_get(user=request.user, episode_id=episode_id)


def _practitioner(pk: int | None, field: str) -> Practitioner | None:
    if pk is None:
        return None
    found = Practitioner.objects.filter(pk=pk, is_active=True, organisation__isnull=False).first()
    if found is None:
        raise ApplicationError("Unknown practitioner.", field=field)
    return found


@contextmanager
def _named_as_sent(**names: str) -> Iterator[None]:
    """A service's error names the field as this endpoint's body does (owner -> owner_id)."""
    try:
        yield
    except ApplicationError as error:
        error.field = names.get(error.field or "", error.field)
        raise


def _in_episode(model: Any, pk: int, episode_id: int, path: str = "episode_id") -> Any:
    found = model.objects.filter(pk=pk, **{path: episode_id}).first()
    if found is None:
        raise NotFound()
    return found


@router.get("/episodes", response=list[IdOut], summary="The episodes I am in")
def list_episodes(request: AuthedRequest) -> list[Any]:
    return selectors.my_episodes(user=request.user)


class EpisodeIn(Schema):
    person_ids: list[int]
    reason: str = ""
    lead_professional_id: int | None = None


@router.post(
    "/episodes",
    response={201: IdOut},
    summary="Start a practitioner-led team around a family you work with",
)
def start_episode(request: AuthedRequest, body: EpisodeIn) -> Any:
    from joinedup.sharing import policy

    persons = list(policy.persons_visible_to(request.user).filter(pk__in=body.person_ids))
    if not body.person_ids or len(persons) != len(set(body.person_ids)):
        raise ApplicationError("Choose people your organisation works with.", field="person_ids")
    return Status(
        201,
        services.episode_open_practitioner_led(
            actor=request.user,
            persons=persons,
            reason=body.reason,
            lead_professional=_practitioner(body.lead_professional_id, "lead_professional_id"),
        ),
    )


@router.get("/episodes/{episode_id}", response=EpisodeOut, summary="One episode, for its team")
def get_episode(request: AuthedRequest, episode_id: int) -> dict[str, Any]:
    view = _episode(request, episode_id)
    e = view.episode
    return {
        "id": e.pk,
        "reference": e.reference,
        "status": e.status,
        "version": e.version,
        "lead_professional_id": e.lead_professional_id,
        "person_ids": [p.pk for p in e.persons.all()],
        "members": [
            {
                "id": m.pk,
                "name": m.name,
                "role": m.role,
                "practitioner_id": m.practitioner_id,
                "person_id": m.person_id,
            }
            for m in view.members
        ],
        "outcomes": [
            {"id": o.pk, "text": o.text, "category": o.category.code if o.category else None}
            for o in view.outcomes
        ],
        "actions": view.actions,
        "meetings": [
            {
                "id": m.pk,
                "kind": m.kind,
                "held_on": m.held_on,
                "next_review_on": m.next_review_on,
                "attendance": {a.member_id: a.status for a in m.attendance.all()},
                "judgements": {j.outcome_id: j.judgement for j in m.judgements.all()},
            }
            for m in view.meetings
        ],
        "decisions": [
            {
                "id": d.pk,
                "text": d.text,
                "reasons": d.reasons,
                "disagreements": [
                    {
                        "id": x.pk,
                        "level": x.level,
                        "status": x.status,
                        "text": x.text,
                        "version": x.version,
                    }
                    for x in d.disagreements.all()
                ],
            }
            for d in view.decisions
        ],
        "incidents": [
            {
                "id": i.pk,
                "kind": i.kind,
                "occurred_at": i.occurred_at,
                "acknowledged": i.acknowledged_at is not None,
            }
            for i in view.incidents
        ],
        "next_review_on": view.review_due,
    }


@router.post("/episodes/{episode_id}/members", response={201: IdOut})
def add_member(request: AuthedRequest, episode_id: int, body: MemberIn) -> Any:
    episode = _episode(request, episode_id).episode
    person = None
    if body.person_id is not None:
        person = episode.persons.filter(pk=body.person_id).first()
        if person is None:
            raise ApplicationError(
                "Family members in the team must be part of this episode.", field="person_id"
            )
    with _named_as_sent(practitioner="practitioner_id", person="person_id"):
        member = services.member_add(
            actor=request.user,
            episode=episode,
            role=body.role,
            person=person,
            practitioner=_practitioner(body.practitioner_id, "practitioner_id"),
        )
    return Status(201, member)


@router.post(
    "/episodes/{episode_id}/lead",
    response=LeadProposalOut,
    summary="Propose a new lead (it takes effect when they accept)",
)
def hand_over(request: AuthedRequest, episode_id: int, body: HandoverIn) -> Any:
    episode = _episode(request, episode_id).episode
    to = _practitioner(body.to_practitioner_id, "to_practitioner_id")
    assert to is not None
    with _named_as_sent(to="to_practitioner_id"):
        return services.lead_professional_hand_over(
            actor=request.user,
            episode=episode,
            to=to,
            reason=body.reason,
            family_preference=body.family_preference,
            expected_version=body.expected_version,
        )


@router.post("/episodes/{episode_id}/outcomes", response={201: IdOut})
def add_outcome(request: AuthedRequest, episode_id: int, body: OutcomeIn) -> Any:
    episode = _episode(request, episode_id).episode
    category = None
    if body.category_code:
        category = OutcomeCategory.objects.filter(code=body.category_code).first()
        if category is None:
            raise ApplicationError("Unknown outcome category.", field="category_code")
    return Status(
        201,
        services.outcome_add(
            actor=request.user, episode=episode, text=body.text, category=category
        ),
    )


@router.post("/episodes/{episode_id}/actions", response={201: ActionOut})
def add_action(request: AuthedRequest, episode_id: int, body: ActionIn) -> Any:
    episode = _episode(request, episode_id).episode
    owner = TeamMember.objects.filter(
        pk=body.owner_id, episode=episode, left_at__isnull=True
    ).first()
    if owner is None:
        raise ApplicationError("The owner must be a member of this team.", field="owner_id")
    outcome = None
    if body.outcome_id is not None:
        outcome = WantedOutcome.objects.filter(pk=body.outcome_id, episode=episode).first()
        if outcome is None:
            raise ApplicationError("Choose an outcome from this plan.", field="outcome_id")
    with _named_as_sent(owner="owner_id", outcome="outcome_id"):
        action = services.action_add(
            actor=request.user,
            episode=episode,
            owner=owner,
            text=body.text,
            due_on=body.due_on,
            outcome=outcome,
        )
    return Status(201, action)


@router.patch("/episodes/{episode_id}/actions/{action_id}", response=ActionOut)
def update_action(
    request: AuthedRequest, episode_id: int, action_id: int, body: ActionUpdateIn
) -> Any:
    _episode(request, episode_id)
    action = _in_episode(Action, action_id, episode_id)
    return services.action_update(actor=request.user, action=action, **body.dict())


@router.post("/episodes/{episode_id}/meetings", response={201: IdOut})
def record_meeting(request: AuthedRequest, episode_id: int, body: MeetingIn) -> Any:
    episode = _episode(request, episode_id).episode
    return Status(201, services.meeting_record(actor=request.user, episode=episode, **body.dict()))


@router.post("/episodes/{episode_id}/decisions", response={201: IdOut})
def record_decision(request: AuthedRequest, episode_id: int, body: EpisodeDecisionIn) -> Any:
    episode = _episode(request, episode_id).episode
    return Status(201, services.decision_record(actor=request.user, episode=episode, **body.dict()))


@router.post("/episodes/{episode_id}/decisions/{decision_id}/disagreements", response={201: IdOut})
def disagree(request: AuthedRequest, episode_id: int, decision_id: int, body: TextIn) -> Any:
    _episode(request, episode_id)
    decision = _in_episode(TeamDecision, decision_id, episode_id)
    return Status(
        201, services.disagreement_raise(actor=request.user, decision=decision, text=body.text)
    )


@router.post("/episodes/{episode_id}/disagreements/{d_id}/escalate", response=IdOut)
def escalate(request: AuthedRequest, episode_id: int, d_id: int, body: EscalateIn) -> Any:
    _episode(request, episode_id)
    d = _in_episode(Disagreement, d_id, episode_id, "decision__episode_id")
    return services.disagreement_escalate(actor=request.user, disagreement=d, **body.dict())


@router.post("/episodes/{episode_id}/disagreements/{d_id}/resolve", response=IdOut)
def resolve(request: AuthedRequest, episode_id: int, d_id: int, body: ResolveIn) -> Any:
    _episode(request, episode_id)
    d = _in_episode(Disagreement, d_id, episode_id, "decision__episode_id")
    return services.disagreement_resolve(actor=request.user, disagreement=d, **body.dict())


@router.post("/episodes/{episode_id}/incidents", response={201: IdOut})
def record_incident(request: AuthedRequest, episode_id: int, body: IncidentIn) -> Any:
    episode = _episode(request, episode_id).episode
    return Status(201, services.incident_record(actor=request.user, episode=episode, **body.dict()))


@router.post("/episodes/{episode_id}/incidents/{incident_id}/acknowledge", response=IdOut)
def acknowledge(request: AuthedRequest, episode_id: int, incident_id: int) -> Any:
    _episode(request, episode_id)
    incident = _in_episode(CriticalIncident, incident_id, episode_id)
    return services.incident_acknowledge(actor=request.user, incident=incident)


@router.post("/episodes/{episode_id}/step-up", response=LeadProposalOut)
def step_up(request: AuthedRequest, episode_id: int, body: StepIn) -> Any:
    episode = _episode(request, episode_id).episode
    to = _practitioner(body.to_practitioner_id, "to_practitioner_id")
    assert to is not None
    with _named_as_sent(to="to_practitioner_id"):
        return services.episode_step_up(
            actor=request.user, episode=episode, to=to, reason=body.reason
        )


@router.post("/episodes/{episode_id}/step-down", response=LeadProposalOut)
def step_down(request: AuthedRequest, episode_id: int, body: StepIn) -> Any:
    episode = _episode(request, episode_id).episode
    to = _practitioner(body.to_practitioner_id, "to_practitioner_id")
    assert to is not None
    with _named_as_sent(to="to_practitioner_id"):
        return services.episode_step_down(
            actor=request.user, episode=episode, to=to, reason=body.reason
        )


def _proposal_for_me(request: AuthedRequest, episode_id: int, proposal_id: int) -> Any:
    return selectors.lead_proposal_get(
        user=request.user, episode_id=episode_id, proposal_id=proposal_id
    )


@router.post(
    "/episodes/{episode_id}/lead-proposals/{proposal_id}/accept",
    response=LeadProposalOut,
    summary="Accept the lead (the practitioner proposed only)",
)
def accept_lead(request: AuthedRequest, episode_id: int, proposal_id: int) -> Any:
    proposal = _proposal_for_me(request, episode_id, proposal_id)
    return services.lead_proposal_accept(actor=request.user, proposal=proposal)


@router.post(
    "/episodes/{episode_id}/lead-proposals/{proposal_id}/decline",
    response=LeadProposalOut,
    summary="Decline the lead, with a reason (the practitioner proposed only)",
)
def decline_lead(request: AuthedRequest, episode_id: int, proposal_id: int, body: DeclineIn) -> Any:
    proposal = _proposal_for_me(request, episode_id, proposal_id)
    return services.lead_proposal_decline(actor=request.user, proposal=proposal, reason=body.reason)


@router.post("/episodes/{episode_id}/close", response=IdOut)
def close(request: AuthedRequest, episode_id: int, body: CloseIn) -> Any:
    episode = _episode(request, episode_id).episode
    return services.episode_close(actor=request.user, episode=episode, **body.dict())


class ClosureFeedbackIn(Schema):
    given_by_id: int
    how: str
    rating: int
    what_helped: str = ""
    could_be_better: str = ""
    given_on: date | None = None


class ClosureFeedbackOut(Schema):
    id: int
    episode_id: int
    given_by_id: int
    how: str
    rating: int
    what_helped: str
    could_be_better: str
    given_on: date
    recorded_by_id: int | None


@router.get(
    "/episodes/{episode_id}/closure-feedback",
    response=list[ClosureFeedbackOut],
    summary="The family's feedback at closure",
)
def list_closure_feedback(request: AuthedRequest, episode_id: int) -> list[Any]:
    _, given = feedback.closure_feedback_for_episode(user=request.user, episode_id=episode_id)
    return given


@router.post(
    "/episodes/{episode_id}/closure-feedback",
    response={201: ClosureFeedbackOut},
    summary="Record feedback the family gave in person or by phone at closure",
)
def record_closure_feedback(
    request: AuthedRequest, episode_id: int, body: ClosureFeedbackIn
) -> Any:
    episode, _ = feedback.closure_feedback_for_episode(user=request.user, episode_id=episode_id)
    given_by = episode.persons.filter(pk=body.given_by_id).first()
    if given_by is None:
        raise ApplicationError("Choose someone in this family.", field="given_by_id")
    with _named_as_sent(given_by="given_by_id"):
        given = feedback.record_closure_feedback(
            actor=request.user,
            episode=episode,
            given_by=given_by,
            **body.dict(exclude={"given_by_id"}),
        )
    return Status(201, given)


@router.get(
    "/my-work",
    summary="Everything waiting for me",
    description="The families are paged (`page`, 25 a page, the next review due first); the "
    "reviews overdue and in the next two weeks, and the actions overdue and due, are the first 25 "
    "of each, with their totals.",
)
def my_work(request: AuthedRequest, page: int = Query(1, ge=1)) -> dict[str, Any]:
    work = selectors.my_work(user=request.user, page=page, summary=True)
    families = work.my_families
    return {
        "my_families": [e.pk for e in families.object_list],
        "my_families_total": families.paginator.count,
        "page": families.number,
        "pages": families.paginator.num_pages,
        "reviews_overdue_total": work.reviews_overdue_total,
        "actions_overdue_total": work.actions_overdue_total,
        "actions_due_total": work.actions_due_total,
        "meetings_coming_total": work.meetings_coming_total,
        "actions_overdue": [a.pk for a in work.actions_overdue],
        "actions_due": [a.pk for a in work.actions_due],
        "reviews_overdue": [e.pk for e in work.reviews_overdue],
        "meetings_coming": [e.pk for e in work.meetings_coming],
        "incidents_to_acknowledge": [i.pk for i in work.incidents_to_acknowledge],
        "disagreements": [d.pk for d in work.disagreements],
        "requests_waiting": [r.pk for r in work.requests_waiting],
        "front_door_waiting": work.front_door_waiting,
        "pattern_alerts": [
            {"id": a.pk, "episode_id": a.waiting_in_id, "rule": a.rule, "title": a.title}
            for a in work.pattern_alerts
        ],
    }
