"""Pages of the child-protection path: thin, over the same services and selectors as the API."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.episodes import selectors as casework_selectors
from joinedup.errors import NotFound
from joinedup.protection import forms as f
from joinedup.protection import selectors, services
from joinedup.protection.models import ChildProtectionTeamMember, Conference, FgdmResponse
from joinedup.sharing import policy
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404

# --- Multi-agency child protection teams ----------------------------------------------------


@login_required
@not_found_as_404
def cp_teams(request: AuthedRequest) -> HttpResponse:
    teams = selectors.cp_teams_for_user(user=request.user)
    may = policy.may_configure_child_protection_teams(request.user)
    if not teams and not may:
        raise NotFound()
    return render(request, "protection/cp_teams.html", {"teams": teams, "may_configure": may})


@login_required
@not_found_as_404
def cp_team_new(request: AuthedRequest) -> HttpResponse:
    if not policy.may_configure_child_protection_teams(request.user):
        raise NotFound()
    form = f.CpTeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = call_service(form, services.cp_team_create, actor=request.user, **form.cleaned_data)
        if team is not None:
            messages.success(request, "Team created. Add its members.")
            return redirect("protection:cp-team", team.pk)
    return _page(request, form, "Create a multi-agency child protection team", "Create team")


@login_required
@not_found_as_404
def cp_team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.cp_team_get(user=request.user, team_id=pk)
    form = f.CpTeamMemberForm(request.POST or None) if view.may_configure else None
    if request.method == "POST":
        if form is None:
            raise policy.refuse(
                request.user, object_type="protection.childprotectionteam", object_id=pk
            )
        if form.is_valid():
            done = call_service(
                form,
                services.cp_team_member_add,
                actor=request.user,
                team=view.team,
                **form.cleaned_data,
            )
            if done is not None:
                messages.success(request, "Member added.")
                return redirect("protection:cp-team", pk)
    return render(request, "protection/cp_team.html", {"view": view, "form": form})


@login_required
@not_found_as_404
@require_POST
def cp_team_member_remove(request: AuthedRequest, pk: int, member_pk: int) -> HttpResponse:
    view = selectors.cp_team_get(user=request.user, team_id=pk)
    member = ChildProtectionTeamMember.objects.filter(pk=member_pk, team=view.team).first()
    if member is None or not view.may_configure:
        raise NotFound()
    services.cp_team_member_remove(actor=request.user, member=member)
    messages.success(request, "Member removed.")
    return redirect("protection:cp-team", pk)


# --- One child's record -----------------------------------------------------------------------


@login_required
@not_found_as_404
def case_open(request: AuthedRequest, pk: int) -> HttpResponse:
    view = casework_selectors.episode_get(user=request.user, episode_id=pk)
    if not view.may_edit:
        raise policy.refuse(request.user, object_type="episodes.episode", object_id=pk)
    form = f.CaseOpenForm(request.POST or None, episode=view.episode)
    if request.method == "POST" and form.is_valid():
        case = call_service(
            form, services.case_open, actor=request.user, episode=view.episode, **form.cleaned_data
        )
        if case is not None:
            messages.success(request, "Child protection record opened.")
            return redirect("protection:case", case.pk)
    return _page(
        request,
        form,
        "Open a child protection record",
        "Open the record",
        caption=f"Episode {view.episode.reference}",
        back=("episodes:episode", view.episode.pk),
        cases=selectors.cases_for_episode(user=request.user, episode=view.episode),
    )


@login_required
@not_found_as_404
def case_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.case_get(user=request.user, case_id=pk)
    return render(request, "protection/case.html", {"view": view, "case": view.case})


def _page(
    request: AuthedRequest,
    form: Any,
    title: str,
    button: str,
    *,
    caption: str = "",
    back: tuple[str, int] | None = None,
    intro: str = "",
    cases: list[Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "protection/form_page.html",
        {
            "form": form,
            "title": title,
            "button": button,
            "caption": caption,
            "back": back,
            "intro": intro,
            "cases": cases or [],
        },
    )


def _case_form(
    request: AuthedRequest,
    pk: int,
    form_class: type,
    service: Callable[..., Any],
    *,
    title: str,
    button: str,
    done: str,
    values: Callable[[Any, Any], dict[str, Any]] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    intro: str = "",
) -> HttpResponse:
    """One change to a child's record: show the form; on a valid post, run the service."""
    view = selectors.case_get(user=request.user, case_id=pk)
    case = view.case
    kwargs = dict(form_kwargs or {})
    if "case" in inspect.signature(form_class).parameters:
        kwargs["case"] = case
    form = form_class(request.POST if request.method == "POST" else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        answers = values(form, case) if values else {**form.cleaned_data, "case": case}
        if call_service(form, service, actor=request.user, **answers) is not None:
            messages.success(request, done)
            return redirect("protection:case", pk)
    return _page(
        request,
        form,
        title,
        button,
        caption=f"Child protection: {case.child.full_name}",
        back=("protection:case", pk),
        intro=intro,
    )


def _simple(
    form_class: type, service: Callable[..., Any], title: str, button: str, done: str
) -> Callable[..., HttpResponse]:
    @login_required
    @not_found_as_404
    def page(request: AuthedRequest, pk: int) -> HttpResponse:
        return _case_form(request, pk, form_class, service, title=title, button=button, done=done)

    return page


hand_over = _simple(
    f.HandoverForm,
    services.lead_practitioner_hand_over,
    "Change the Lead Child Protection Practitioner",
    "Hand over",
    "The lead has changed.",
)
enquiry_start = _simple(
    f.EnquiryStartForm,
    services.enquiry_start,
    "Start the section 47 enquiry",
    "Record the start",
    "Enquiry started.",
)
enquiry_complete = _simple(
    f.EnquiryCompleteForm,
    services.enquiry_complete,
    "Record the outcome of the section 47 enquiry",
    "Record the outcome",
    "Outcome recorded.",
)
action_add = _simple(
    f.ActionForm,
    services.plan_action_add,
    "Add an action to the child protection plan",
    "Add the action",
    "Action added.",
)
core_group = _simple(
    f.CoreGroupForm,
    services.core_group_record,
    "Record a core group meeting",
    "Record the meeting",
    "Core group meeting recorded.",
)
step_down = _simple(
    f.StepDownForm,
    services.case_step_down,
    "Step down to family help",
    "Step down",
    "Stepped down to family help; the team continues.",
)
network_add = _simple(
    f.NetworkMemberForm,
    services.network_member_add,
    "Add someone to the family network",
    "Add them",
    "Added to the family network.",
)
fgdm_offer = _simple(
    f.FgdmOfferForm,
    services.fgdm_offer_record,
    "Record the offer of a family group decision-making meeting",
    "Record the offer",
    "Offer recorded.",
)
fgdm_meeting = _simple(
    f.FgdmMeetingForm,
    services.fgdm_meeting_record,
    "Record the family group decision-making meeting",
    "Record the meeting",
    "Meeting recorded.",
)
fgdm_exemption = _simple(
    f.FgdmExemptionForm,
    services.fgdm_exemption_record,
    "Record that a meeting is not in the child's best interests",
    "Record the exemption",
    "Exemption recorded.",
)
proceedings = _simple(
    f.ProceedingsForm,
    services.proceedings_record,
    "Record the application for proceedings",
    "Record the application",
    "Proceedings recorded.",
)


assessment_start = _simple(
    f.AssessmentStartForm,
    services.assessment_start,
    "Start a single assessment",
    "Record the start",
    "Assessment started.",
)
cin_plan_start = _simple(
    f.CinPlanStartForm,
    services.cin_plan_start,
    "Record a child in need plan",
    "Record the plan",
    "Child in need plan recorded.",
)
cin_plan_end = _simple(
    f.CinPlanEndForm,
    services.cin_plan_end,
    "End the child in need plan",
    "End the plan",
    "Child in need plan ended.",
)


@login_required
@not_found_as_404
def assessment_authorise(request: AuthedRequest, pk: int, assessment_pk: int) -> HttpResponse:
    case = policy.require_protection_case(request.user, pk)  # Security: refused and audited first
    assessment = selectors.assessment_of(case, assessment_pk)
    return _case_form(
        request,
        pk,
        f.AssessmentAuthoriseForm,
        services.assessment_authorise,
        title="Record the assessment's authorisation",
        button="Record the authorisation",
        done="Assessment authorised.",
        intro=f"Started {assessment.started_on:%-d %B %Y} by "
        f"{assessment.social_worker.get_full_name()}.",
        values=lambda form, case: {**form.cleaned_data, "assessment": assessment},
    )


@login_required
@not_found_as_404
def strategy(request: AuthedRequest, pk: int) -> HttpResponse:
    return _case_form(
        request,
        pk,
        f.StrategyForm,
        services.strategy_record,
        title="Record a strategy discussion",
        button="Record the discussion",
        done="Strategy discussion recorded.",
        values=lambda form, case: {
            "case": case,
            "held_on": form.cleaned_data["held_on"],
            "decision": form.cleaned_data["decision"],
            "reasons": form.cleaned_data["reasons"],
            "attendees": form.attendees(),
        },
    )


@login_required
@not_found_as_404
def conference(request: AuthedRequest, pk: int, kind: str) -> HttpResponse:
    policy.require_protection_case(request.user, pk)  # Security: refused and audited first
    if kind not in Conference.Kind.values:
        raise NotFound()
    title = "Record the initial child protection conference"
    if kind == Conference.Kind.REVIEW:
        title = "Record a review child protection conference"
    keys = ("held_on", "family_views", "child_views", "decision", "category", "late_reason")
    return _case_form(
        request,
        pk,
        f.ConferenceForm,
        services.conference_record,
        title=title,
        button="Record the conference",
        done="Conference recorded.",
        form_kwargs={"kind": kind},
        values=lambda form, case: {
            "case": case,
            "kind": kind,
            "attendees": form.attendees(),
            "reports": form.reports(),
            **{k: form.cleaned_data[k] for k in keys},
        },
    )


@login_required
@not_found_as_404
def fgdm_response(request: AuthedRequest, pk: int, response_pk: int) -> HttpResponse:
    policy.require_protection_case(request.user, pk)  # Security: refused and audited first
    response = FgdmResponse.objects.filter(pk=response_pk, offer__case_id=pk).first()
    if response is None:
        raise NotFound()
    return _case_form(
        request,
        pk,
        f.FgdmResponseForm,
        services.fgdm_response_record,
        title=f"Record {response.member.name}'s answer",
        button="Record the answer",
        done="Answer recorded.",
        values=lambda form, case: {**form.cleaned_data, "response": response},
    )


# --- Census and the duty to share --------------------------------------------------------------


@login_required
@not_found_as_404
def census(request: AuthedRequest) -> HttpResponse:
    from django.conf import settings

    policy.require_census_maker(request.user)
    form = f.CensusForm(request.POST or None, initial={"la_code": settings.JOINEDUP_CIN_LA_CODE})
    checked = None
    if request.method == "POST" and form.is_valid():
        checked = call_service(
            form,
            selectors.census_check,
            user=request.user,
            year=form.cleaned_data["year"],
            la_code=form.cleaned_data["la_code"],
        )
        if checked is not None and checked.valid and "download" in request.POST:
            reply = HttpResponse(checked.xml, content_type="application/xml")
            name = f"cin-census-{checked.year.ends}.xml"
            reply["Content-Disposition"] = f'attachment; filename="{name}"'
            return reply
    return render(request, "protection/census.html", {"form": form, "checked": checked})


@login_required
@not_found_as_404
def duty_withheld(request: AuthedRequest) -> HttpResponse:
    decisions = selectors.withheld_under_duty(user=request.user)
    return render(request, "protection/duty_withheld.html", {"decisions": decisions})
