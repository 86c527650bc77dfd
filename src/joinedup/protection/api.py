"""The child-protection path over JSON: the same services, selectors and policy as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Router, Status

from joinedup.episodes import selectors as episode_selectors
from joinedup.episodes.models import TeamMember
from joinedup.errors import ApplicationError, NotFound
from joinedup.protection import schemas as s
from joinedup.protection import selectors, services
from joinedup.protection.models import ChildProtectionTeam, FgdmResponse, ProtectionCase
from joinedup.protection.selectors import CaseView
from joinedup.sharing import policy
from joinedup.web.http import AuthedRequest

router = Router(tags=["child protection"])


def _case(request: AuthedRequest, case_id: int) -> ProtectionCase:
    return policy.require_protection_case(request.user, case_id)


def _attendees(items: list[s.AttendeeIn]) -> list[tuple[str, str]]:
    return [(a.name, a.agency) for a in items]


def _team_out(view: selectors.TeamView) -> dict[str, Any]:
    return {
        "id": view.team.pk,
        "name": view.team.name,
        "area": view.team.area,
        "members": [
            {
                "id": m.pk,
                "practitioner_id": m.practitioner_id,
                "name": m.practitioner.get_full_name(),
                "agency": m.agency,
                "nominated_by_icb": m.nominated_by_icb,
                "joined_on": m.joined_on,
            }
            for m in view.members
        ],
        "missing_memberships": view.missing,
    }


# --- Teams ------------------------------------------------------------------------------------


@router.get("/child-protection/teams", response=list[s.CpTeamOut], summary="Multi-agency teams")
def teams(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_team_out(v) for v in selectors.cp_teams_for_user(user=request.user)]


@router.post("/child-protection/teams", response={201: s.CpIdOut}, summary="Create a team")
def team_create(request: AuthedRequest, body: s.TeamIn) -> Status:
    team = services.cp_team_create(actor=request.user, name=body.name, area=body.area)
    return Status(201, {"id": team.pk})


@router.get("/child-protection/teams/{team_id}", response=s.CpTeamOut, summary="One team")
def team_get(request: AuthedRequest, team_id: int) -> dict[str, Any]:
    return _team_out(selectors.cp_team_get(user=request.user, team_id=team_id))


@router.post(
    "/child-protection/teams/{team_id}/members", response={201: s.CpIdOut}, summary="Add a member"
)
def team_member_add(request: AuthedRequest, team_id: int, body: s.TeamMemberIn) -> Status:
    team: ChildProtectionTeam = selectors.cp_team_get(user=request.user, team_id=team_id).team
    member = services.cp_team_member_add(
        actor=request.user,
        team=team,
        practitioner=selectors.practitioner_by_id(body.practitioner_id, "practitioner_id"),
        agency=body.agency,
        nominated_by_icb=body.nominated_by_icb,
    )
    return Status(201, {"id": member.pk})


# --- The record -------------------------------------------------------------------------------


def _case_out(view: CaseView) -> dict[str, Any]:
    case = view.case
    plan = view.plan
    return {
        "id": case.pk,
        "child_id": case.child_id,
        "episode_id": case.episode_id,
        "status": case.status,
        "lead_practitioner_id": case.lead_practitioner_id,
        "referral_date": case.referral_date,
        "assessments": [
            {
                "id": a.pk,
                "started_on": a.started_on,
                "social_worker_id": a.social_worker_id,
                "authorised_on": a.authorised_on,
                "factors": a.factors,
                "summary": a.summary,
            }
            for a in case.assessments.all()
        ],
        "cin_plans": [
            {"id": p.pk, "started_on": p.started_on, "ended_on": p.ended_on}
            for p in case.cin_plans.all()
        ],
        "strategy_discussions": [
            {
                "id": d.pk,
                "held_on": d.held_on,
                "decision": d.decision,
                "reasons": d.reasons,
                "attendees": [{"name": a.name, "agency": a.agency} for a in d.attendees.all()],
            }
            for d in case.strategies.all()
        ],
        "enquiries": [
            {
                "id": e.pk,
                "started_on": e.started_on,
                "outcome": e.outcome,
                "completed_on": e.completed_on,
            }
            for e in case.enquiries.all()
        ],
        "conferences": [
            {
                "id": c.pk,
                "kind": c.kind,
                "held_on": c.held_on,
                "decision": c.decision,
                "category": c.category,
                "family_views": c.family_views,
                "child_views": c.child_views,
                "late_reason": c.late_reason,
                "reports": {r.agency: r.summary for r in c.reports.all()},
                "attendees": [{"name": a.name, "agency": a.agency} for a in c.attendees.all()],
            }
            for c in case.conferences.all()
        ],
        "plan": None
        if plan is None
        else {
            "started_on": plan.started_on,
            "category": plan.category,
            "latest_category": view.latest_category,
            "ended_on": plan.ended_on,
            "action_ids": [a.pk for a in view.actions],
        },
        "timescales": [
            {"what": t.what, "due": t.due, "met_on": t.met_on, "late": t.late}
            for t in view.timescales
        ],
        "warnings": view.warnings,
        "family_network": [
            {
                "id": m.pk,
                "name": m.name,
                "relationship": m.relationship,
                "parental_responsibility": m.parental_responsibility,
            }
            for m in case.network.all()
        ],
        "fgdm_offers": [
            {
                "id": o.pk,
                "offered_on": o.offered_on,
                "in_letter_before_proceedings": o.in_letter_before_proceedings,
                "answers": [
                    {"id": r.pk, "member_id": r.member_id, "answer": r.answer}
                    for r in o.responses.all()
                ],
            }
            for o in case.fgdm_offers.all()
        ],
        "fgdm_meetings": [
            {"id": m.pk, "held_on": m.held_on, "child_participation": m.child_participation}
            for m in case.fgdm_meetings.all()
        ],
    }


@router.post(
    "/episodes/{episode_id}/child-protection",
    response={201: s.CpIdOut},
    summary="Open a child's child-protection record after step-up",
)
def case_open(request: AuthedRequest, episode_id: int, body: s.CaseOpenIn) -> Status:
    view = episode_selectors.episode_get(user=request.user, episode_id=episode_id)
    child = view.episode.persons.filter(pk=body.child_id).first()
    if child is None:
        raise ApplicationError("Choose a child in this family.", field="child_id")
    team = None
    if body.cp_team_id is not None:
        team = ChildProtectionTeam.objects.filter(pk=body.cp_team_id).first()
        if team is None:
            raise ApplicationError("Choose a multi-agency team.", field="cp_team_id")
    case = services.case_open(
        actor=request.user,
        episode=view.episode,
        child=child,
        lead_practitioner=selectors.practitioner_by_id(
            body.lead_practitioner_id, "lead_practitioner_id"
        ),
        referral_date=body.referral_date,
        cp_team=team,
        referral_source=body.referral_source,
        primary_need=body.primary_need,
        ethnicity=body.ethnicity,
        disabilities=body.disabilities,
    )
    return Status(201, {"id": case.pk})


@router.get("/child-protection/{case_id}", response=s.CaseOut, summary="A child's record")
def case_get(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    return _case_out(selectors.case_get(user=request.user, case_id=case_id))


@router.post("/child-protection/{case_id}/lead", response=s.CpIdOut, summary="Hand over the lead")
def hand_over(request: AuthedRequest, case_id: int, body: s.CpHandoverIn) -> dict[str, int]:
    case = services.lead_practitioner_hand_over(
        actor=request.user,
        case=_case(request, case_id),
        to=selectors.practitioner_by_id(body.to_practitioner_id, "to_practitioner_id"),
        reason=body.reason,
    )
    return {"id": case.pk}


# --- The single assessment and child in need plans ----------------------------------------------


@router.post(
    "/child-protection/{case_id}/assessments",
    response={201: s.CpIdOut},
    summary="Record the start of a single assessment",
)
def assessment_start(request: AuthedRequest, case_id: int, body: s.AssessmentStartIn) -> Status:
    made = services.assessment_start(
        actor=request.user,
        case=_case(request, case_id),
        started_on=body.started_on,
        social_worker=selectors.practitioner_by_id(body.social_worker_id, "social_worker_id"),
        summary=body.summary,
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/assessments/{assessment_id}/authorisation",
    response=s.CpIdOut,
    summary="Record an assessment's authorisation and the factors identified at its end",
)
def assessment_authorise(
    request: AuthedRequest, case_id: int, assessment_id: int, body: s.AssessmentAuthoriseIn
) -> dict[str, int]:
    assessment = selectors.assessment_of(_case(request, case_id), assessment_id)
    made = services.assessment_authorise(actor=request.user, assessment=assessment, **body.dict())
    return {"id": made.pk}


@router.post(
    "/child-protection/{case_id}/cin-plans",
    response={201: s.CpIdOut},
    summary="Record a child in need plan (its end too, if it has ended)",
)
def cin_plan_start(request: AuthedRequest, case_id: int, body: s.CinPlanStartIn) -> Status:
    made = services.cin_plan_start(actor=request.user, case=_case(request, case_id), **body.dict())
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/cin-plans/end",
    response=s.CpIdOut,
    summary="End the child in need plan in force",
)
def cin_plan_end(request: AuthedRequest, case_id: int, body: s.CinPlanEndIn) -> dict[str, int]:
    made = services.cin_plan_end(
        actor=request.user, case=_case(request, case_id), ended_on=body.ended_on
    )
    return {"id": made.pk}


@router.post(
    "/child-protection/{case_id}/strategy-discussions",
    response={201: s.CpIdOut},
    summary="Record a strategy discussion",
)
def strategy(request: AuthedRequest, case_id: int, body: s.StrategyIn) -> Status:
    made = services.strategy_record(
        actor=request.user,
        case=_case(request, case_id),
        held_on=body.held_on,
        attendees=_attendees(body.attendees),
        decision=body.decision,
        reasons=body.reasons,
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/enquiry", response={201: s.CpIdOut}, summary="Start the s47"
)
def enquiry_start(request: AuthedRequest, case_id: int, body: s.EnquiryStartIn) -> Status:
    made = services.enquiry_start(
        actor=request.user, case=_case(request, case_id), started_on=body.started_on
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/enquiry/outcome", response=s.CpIdOut, summary="The s47's outcome"
)
def enquiry_outcome(
    request: AuthedRequest, case_id: int, body: s.EnquiryOutcomeIn
) -> dict[str, int]:
    made = services.enquiry_complete(
        actor=request.user, case=_case(request, case_id), **body.dict()
    )
    return {"id": made.pk}


@router.post(
    "/child-protection/{case_id}/conferences",
    response={201: s.CpIdOut},
    summary="Record an initial or review child protection conference",
)
def conference(request: AuthedRequest, case_id: int, body: s.ConferenceIn) -> Status:
    data = body.dict(exclude={"attendees"})
    made = services.conference_record(
        actor=request.user,
        case=_case(request, case_id),
        attendees=_attendees(body.attendees),
        **data,
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/plan/actions",
    response={201: s.CpIdOut},
    summary="Add an action to the child protection plan",
)
def action_add(request: AuthedRequest, case_id: int, body: s.CpActionIn) -> Status:
    case = _case(request, case_id)
    owner = TeamMember.objects.filter(
        pk=body.owner_member_id, episode_id=case.episode_id, left_at__isnull=True
    ).first()
    if owner is None:
        raise ApplicationError("The owner must be a member of this team.", field="owner_member_id")
    made = services.plan_action_add(
        actor=request.user, case=case, owner=owner, text=body.text, due_on=body.due_on
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/core-groups",
    response={201: s.CpIdOut},
    summary="Record a core group meeting",
)
def core_group(request: AuthedRequest, case_id: int, body: s.CoreGroupIn) -> Status:
    made = services.core_group_record(
        actor=request.user, case=_case(request, case_id), **body.dict()
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/step-down",
    response=s.CpIdOut,
    summary="Step down to family help, the team kept",
)
def step_down(request: AuthedRequest, case_id: int, body: s.StepDownIn) -> dict[str, int]:
    made = services.case_step_down(
        actor=request.user,
        case=_case(request, case_id),
        to=selectors.practitioner_by_id(body.to_practitioner_id, "to_practitioner_id"),
        reason=body.reason,
        closed_on=body.closed_on,
        closure_reason=body.closure_reason,
    )
    return {"id": made.pk}


# --- Family group decision-making -------------------------------------------------------------


@router.post(
    "/child-protection/{case_id}/family-network",
    response={201: s.CpIdOut},
    summary="Add someone to the family network",
)
def network_add(request: AuthedRequest, case_id: int, body: s.NetworkMemberIn) -> Status:
    made = services.network_member_add(
        actor=request.user, case=_case(request, case_id), **body.dict()
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/fgdm/offers",
    response={201: s.CpIdOut},
    summary="Record an offer of a family group decision-making meeting",
)
def fgdm_offer(request: AuthedRequest, case_id: int, body: s.OfferIn) -> Status:
    case = _case(request, case_id)
    made = services.fgdm_offer_record(
        actor=request.user,
        case=case,
        offered_on=body.offered_on,
        to=selectors.network_members(case, body.to_member_ids, "to_member_ids"),
        in_letter_before_proceedings=body.in_letter_before_proceedings,
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/fgdm/answers/{answer_id}",
    response=s.CpIdOut,
    summary="Record a person's answer to the offer",
)
def fgdm_answer(
    request: AuthedRequest, case_id: int, answer_id: int, body: s.AnswerIn
) -> dict[str, int]:
    case = _case(request, case_id)
    response = FgdmResponse.objects.filter(pk=answer_id, offer__case=case).first()
    if response is None:
        raise NotFound()
    made = services.fgdm_response_record(actor=request.user, response=response, **body.dict())
    return {"id": made.pk}


@router.post(
    "/child-protection/{case_id}/fgdm/meetings",
    response={201: s.CpIdOut},
    summary="Record the family group decision-making meeting",
)
def fgdm_meeting(request: AuthedRequest, case_id: int, body: s.CpMeetingIn) -> Status:
    case = _case(request, case_id)
    made = services.fgdm_meeting_record(
        actor=request.user,
        case=case,
        held_on=body.held_on,
        attended=selectors.network_members(case, body.attended_member_ids, "attended_member_ids"),
        child_participation=body.child_participation,
        family_plan=body.family_plan,
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/fgdm/exemption",
    response={201: s.CpIdOut},
    summary="Record that a meeting would not be in the child's best interests",
)
def fgdm_exemption(request: AuthedRequest, case_id: int, body: s.ExemptionIn) -> Status:
    made = services.fgdm_exemption_record(
        actor=request.user, case=_case(request, case_id), **body.dict()
    )
    return Status(201, {"id": made.pk})


@router.post(
    "/child-protection/{case_id}/proceedings",
    response={201: s.CpIdOut},
    summary="Record the application for a care or supervision order",
)
def proceedings(request: AuthedRequest, case_id: int, body: s.ProceedingsIn) -> Status:
    made = services.proceedings_record(
        actor=request.user, case=_case(request, case_id), applied_on=body.applied_on
    )
    return Status(201, {"id": made.pk})


# --- Census -----------------------------------------------------------------------------------


@router.get(
    "/child-protection/census/{year}",
    response=s.CensusOut,
    summary="Check a year's Children in Need census return with the DfE rules",
)
def census_check(request: AuthedRequest, year: int, la_code: str) -> dict[str, Any]:
    checked = selectors.census_check(user=request.user, year=year, la_code=la_code)
    return {
        "year": checked.year.ends,
        "children": checked.children,
        "valid": checked.valid,
        "failures": [vars(f) for f in checked.failures],
    }


@router.get(
    "/child-protection/census/{year}/xml",
    summary="Download a year's census return, once it passes the DfE rules",
    response={200: None},
)
def census_xml(request: AuthedRequest, year: int, la_code: str) -> HttpResponse:
    checked = selectors.census_check(user=request.user, year=year, la_code=la_code)
    if not checked.valid:
        first = checked.errors[0]
        raise ApplicationError(
            f"The return fails rule {first.rule} for child {first.child or 'the return'} "
            f"({first.field}): {first.message}",
            field="year",
        )
    reply = HttpResponse(checked.xml, content_type="application/xml")
    reply["Content-Disposition"] = f'attachment; filename="cin-census-{checked.year.ends}.xml"'
    return reply
