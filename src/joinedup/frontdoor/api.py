"""Requests for support and the front door over JSON: the same services, selectors and policy."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from ninja import Router, Status

from joinedup.errors import ApplicationError
from joinedup.frontdoor import selectors, services
from joinedup.frontdoor.models import RequestForSupport
from joinedup.frontdoor.schemas import (
    QueueItemOut,
    RatingFiguresOut,
    RatingIn,
    RequestIn,
    RequestOut,
    TriageDecisionIn,
)
from joinedup.outcomes.selectors import default_categories
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy
from joinedup.web.http import AuthedRequest

router = Router(tags=["requests for support"])


def _out(request: RequestForSupport) -> dict:
    decision = getattr(request, "decision", None)
    return {
        "id": request.pk,
        "reference": request.reference,
        "status": request.status,
        "rating": request.rating,
        "immediate_risk": request.immediate_risk,
        "received_at": request.received_at,
        "due_at": request.due_at,
        "concern": request.concern,
        "family_agreement": request.family_agreement,
        "persons": [rp.person for rp in request.people.all()],
        "decision": decision,
        "episode_id": request.episode_id,
        "version": request.version,
    }


@router.post("/requests", response={201: RequestOut}, summary="Raise a request for support")
def raise_request(request: AuthedRequest, body: RequestIn) -> Status:
    user = request.user
    codes = {c.code: c for c in default_categories()}
    unknown = [code for code in body.needs if code not in codes]
    if unknown:
        raise ApplicationError(f"Unknown need category: {unknown[0]}.", field="needs")
    if not body.person_ids and not body.new_persons:
        raise ApplicationError("Add at least one child the request is about.", field="person_ids")
    # One transaction: a refused request leaves no draft and no new persons behind.
    with transaction.atomic():
        draft = services.request_start(actor=user, immediate_risk=body.immediate_risk)
        for person_id in body.person_ids:
            try:
                services.request_add_person(actor=user, request=draft, person_id=person_id)
            except ApplicationError:
                raise ApplicationError(
                    f"Unknown person id: {person_id}.", field="person_ids"
                ) from None
        for new in body.new_persons:
            services.request_add_person(actor=user, request=draft, new_person=new.dict())
        services.request_describe(
            actor=user,
            request=draft,
            concern=body.concern,
            needs=[codes[c] for c in body.needs],
            family_wants=body.family_wants,
            family_agreement=body.family_agreement,
            not_asked_reason=body.not_asked_reason,
            contact_telephone=body.contact_telephone or getattr(user, "telephone", ""),
            contact_email=body.contact_email or getattr(user, "email", ""),
        )
        submitted = services.request_submit(actor=user, request=draft)
    return Status(201, _out(selectors.request_get(user=user, request_id=submitted.pk).request))


@router.get("/requests", response=list[RequestOut], summary="The requests I have raised")
def list_my_requests(request: AuthedRequest) -> list[dict]:
    return [_out(r) for r in selectors.my_requests(user=request.user)]


@router.get("/requests/{request_id}", response=RequestOut, summary="One request, with its outcome")
def get_request(request: AuthedRequest, request_id: int) -> dict:
    return _out(selectors.request_get(user=request.user, request_id=request_id).request)


@router.post("/requests/{request_id}/rating", response=RequestOut, summary="Change the rating")
def rate_request(request: AuthedRequest, request_id: int, body: RatingIn) -> dict:
    found = policy.require_request(request.user, request_id)
    services.request_rate(
        actor=request.user,
        request=found,
        rating=body.rating,
        reason=body.reason,
        expected_version=body.expected_version,
    )
    return get_request(request, request_id)


@router.post(
    "/requests/{request_id}/decision",
    response=RequestOut,
    summary="Record the triage decision (once)",
)
def decide_request(request: AuthedRequest, request_id: int, body: TriageDecisionIn) -> dict:
    found = policy.require_request(request.user, request_id)
    lead = None
    if body.lead_professional_id is not None:
        lead = Practitioner.objects.filter(pk=body.lead_professional_id, is_active=True).first()
        if lead is None:
            raise ApplicationError("Unknown lead professional.", field="lead_professional_id")
    services.request_decide(
        actor=request.user,
        request=found,
        outcome=body.outcome,
        reasons=body.reasons,
        lead_professional=lead,
        expected_version=body.expected_version,
    )
    return get_request(request, request_id)


@router.get("/front-door/queue", response=list[QueueItemOut], summary="The front door's queue")
def queue(request: AuthedRequest) -> list[dict]:
    return [
        {"request": _out(i.request), "working_hours_left": i.hours_left, "overdue": i.overdue}
        for i in selectors.front_door_queue(user=request.user)
    ]


@router.get(
    "/front-door/timeliness",
    response=list[RatingFiguresOut],
    summary="Timeliness figures by rating over a period",
)
def timeliness(request: AuthedRequest, start: date | None = None, end: date | None = None) -> list:
    end = end or timezone.localdate()
    start = start or end - timedelta(days=90)
    return [
        {
            "rating": f.rating,
            "received": f.received,
            "decided": f.decided,
            "within_timescale": f.within,
            "within_timescale_percent": f.within_percent,
            "median_working_hours_to_decision": f.median_hours,
        }
        for f in selectors.timeliness_figures(user=request.user, start=start, end=end)
    ]
