"""Sharing decisions, consent records (ISO/IEC TS 27560) and anonymous advice over JSON: the same
selectors, services and policy as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from joinedup.errors import ApplicationError
from joinedup.partnership.models import Organisation, Practitioner, Team
from joinedup.sharing import selectors, services
from joinedup.web.http import AuthedRequest

router = Router(tags=["information sharing"])


class SharingDecisionIn(Schema):
    choice: str = Field(description="share or not_share")
    what: str
    categories: list[str]
    recipient_codes: list[str] = Field(default_factory=list, description="organisation codes")
    recipient_other: str = ""
    purpose: str
    lawful_basis: str = ""
    statutory_duty: str = ""
    special_condition: str = ""
    reasons: str
    family_told: str = Field("", description="told, not_told_risk, or empty")
    not_told_reason: str = ""
    more_detrimental_reasons: str = Field(
        "",
        description="not disclosed under the duty to share (s16LA): why disclosure would be "
        "more detrimental to the child",
    )


class SharingDecisionOut(Schema):
    id: int
    choice: str
    what: str
    categories: list[str]
    recipients: list[str]
    recipient_other: str
    purpose: str
    lawful_basis: str
    statutory_duty: str
    special_condition: str
    reasons: str
    more_detrimental_reasons: str
    family_told: str
    decided_by: str
    organisation: str
    decided_at: datetime


def _decision_out(d: Any) -> dict[str, Any]:
    return {
        "id": d.pk,
        "choice": d.choice,
        "what": d.what,
        "categories": d.categories,
        "recipients": [o.code for o in d.recipients.all()],
        "recipient_other": d.recipient_other,
        "purpose": d.purpose,
        "lawful_basis": d.lawful_basis,
        "statutory_duty": d.statutory_duty,
        "special_condition": d.special_condition,
        "reasons": d.reasons,
        "more_detrimental_reasons": d.more_detrimental_reasons,
        "family_told": d.family_told,
        "decided_by": d.decided_by.get_full_name(),
        "organisation": d.organisation.name,
        "decided_at": d.decided_at,
    }


@router.get(
    "/people/{person_id}/sharing-decisions",
    response=list[SharingDecisionOut],
    summary="Decisions to share, or not to share, a person's information",
)
def list_sharing_decisions(request: AuthedRequest, person_id: int) -> list[dict[str, Any]]:
    view = selectors.person_sharing(user=request.user, person_id=person_id)
    return [_decision_out(d) for d in view.decisions]


@router.post(
    "/people/{person_id}/sharing-decisions",
    response={201: SharingDecisionOut},
    summary="Record a decision to share or not to share",
)
def record_sharing_decision(
    request: AuthedRequest, person_id: int, body: SharingDecisionIn
) -> Status:
    view = selectors.person_sharing(user=request.user, person_id=person_id)
    recipients = list(Organisation.objects.filter(code__in=body.recipient_codes))
    if len(recipients) != len(set(body.recipient_codes)):
        raise ApplicationError("Unknown organisation code", field="recipient_codes")
    data = body.dict(exclude={"recipient_codes"})
    decision = services.sharing_decision_record(
        actor=request.user, person=view.person, recipients=recipients, **data
    )
    return Status(201, _decision_out(decision))


@router.get(
    "/people/{person_id}/consent",
    response=list[dict[str, Any]],
    summary="A person's consent records in ISO/IEC TS 27560 form (an audited export)",
)
def consent_records(request: AuthedRequest, person_id: int) -> list[dict[str, Any]]:
    return selectors.person_consents_iso27560(user=request.user, person_id=person_id)


class AdviceIn(Schema):
    situation: str = Field(description="The situation, without naming the child or family")
    question: str
    team_id: int | None = None
    colleague_email: str | None = None


class AdviceAnswerIn(Schema):
    advice: str


class AdviceOut(Schema):
    id: int
    situation: str
    question: str
    asked_at: datetime
    asked_by: str
    organisation: str
    status: str
    advice: str
    answered_at: datetime | None


def _advice_out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "situation": a.situation,
        "question": a.question,
        "asked_at": a.asked_at,
        "asked_by": a.asked_by.get_full_name(),
        "organisation": a.organisation.name,
        "status": a.status,
        "advice": a.advice,
        "answered_at": a.answered_at,
    }


@router.get("/advice", response=list[AdviceOut], summary="Advice I asked for, or was asked for")
def list_advice(request: AuthedRequest) -> list[dict[str, Any]]:
    found = selectors.advice_list(user=request.user)
    return [_advice_out(a) for a in found["for_me"] + found["asked"]]


@router.post("/advice", response={201: AdviceOut}, summary="Ask for advice without naming anyone")
def ask_advice(request: AuthedRequest, body: AdviceIn) -> Status:
    team = Team.objects.filter(pk=body.team_id).first() if body.team_id else None
    if body.team_id and team is None:
        raise ApplicationError("No such team", field="team_id")
    colleague = None
    if body.colleague_email:
        colleague = Practitioner.objects.filter(
            email__iexact=body.colleague_email, is_active=True, organisation__isnull=False
        ).first()
        if colleague is None:
            raise ApplicationError(
                "No practitioner has that email address", field="colleague_email"
            )
    advice = services.advice_ask(
        actor=request.user,
        situation=body.situation,
        question=body.question,
        team=team,
        colleague=colleague,
    )
    return Status(201, _advice_out(advice))


@router.get("/advice/{advice_id}", response=AdviceOut, summary="One request for advice")
def get_advice(request: AuthedRequest, advice_id: int) -> dict[str, Any]:
    return _advice_out(selectors.advice_get(user=request.user, advice_id=advice_id))


@router.post("/advice/{advice_id}/answer", response=AdviceOut, summary="Give advice")
def answer_advice(request: AuthedRequest, advice_id: int, body: AdviceAnswerIn) -> dict[str, Any]:
    advice = selectors.advice_get(user=request.user, advice_id=advice_id)
    return _advice_out(services.advice_answer(actor=request.user, advice=advice, text=body.advice))
