"""Assessment pages: the list, starting one, each step of a draft (saved as it goes), checking
and completing, sharing with the family, and reading it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.assessments import forms as f
from joinedup.assessments import services as assessments
from joinedup.assessments.models import Assessment
from joinedup.errors import ApplicationError, NotFound
from joinedup.sharing import policy
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


def _save(form: Any, assessment: Assessment, service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service; on a version conflict keep the practitioner's text in the form and base a
    second save on the version now saved, so nothing they wrote is lost."""
    try:
        return service(assessment=assessment, **kwargs)
    except ApplicationError as error:
        form.add_application_error(error.field, error.message)
        if error.status == 409:
            form.data = form.data.copy()
            form.data["expected_version"] = str(
                Assessment.objects.values_list("version", flat=True).get(pk=assessment.pk)
            )
        return None


def _get(request: AuthedRequest, pk: int, a_pk: int) -> Assessment:
    return assessments.assessment_get(user=request.user, episode_id=pk, assessment_id=a_pk)


def _draft(request: AuthedRequest, pk: int, a_pk: int) -> Assessment:
    assessment = _get(request, pk, a_pk)
    if not assessments.may_edit(request.user, assessment):
        raise NotFound()
    return assessment


@login_required
@not_found_as_404
def assessment_list(request: AuthedRequest, pk: int) -> HttpResponse:
    episode, found = assessments.assessments_for_episode(user=request.user, episode_id=pk)
    may_start = policy.may_edit_episode(request.user, episode) and not any(
        a.is_draft for a in found
    )
    return render(
        request,
        "assessments/assessment_list.html",
        {"episode": episode, "assessments": found, "may_start": may_start},
    )


@login_required
@not_found_as_404
def assessment_start(request: AuthedRequest, pk: int) -> HttpResponse:
    episode, _ = assessments.assessments_for_episode(user=request.user, episode_id=pk)
    if not policy.may_edit_episode(request.user, episode):
        raise NotFound()
    error = ""
    if request.method == "POST":
        try:
            started = assessments.assessment_start(actor=request.user, episode=episode)
        except ApplicationError as e:
            error = e.message
        else:
            first = assessments.steps(started.template)[0][0]
            return redirect("assessments:assessment-step", pk, started.pk, first)
    return render(
        request,
        "assessments/assessment_start.html",
        {"episode": episode, "template": assessments.current_template(), "error": error},
    )


def _next_url(assessment: Assessment, step: str) -> tuple[str, tuple[Any, ...]]:
    codes = [code for code, _ in assessments.steps(assessment.template)]
    following = codes[codes.index(step) + 1 :]
    if following:
        return "assessments:assessment-step", (assessment.episode_id, assessment.pk, following[0])
    return "assessments:assessment-complete", (assessment.episode_id, assessment.pk)


def _step_form(request: AuthedRequest, assessment: Assessment, step: str) -> Any:
    data = request.POST if request.method == "POST" else None
    if step == assessments.VIEWS_STEP:
        return f.ViewsForm(data, assessment=assessment)
    if step == assessments.ANALYSIS_STEP:
        return f.AnalysisForm(
            data,
            initial={"analysis": assessment.analysis, "expected_version": assessment.version},
        )
    found = assessments.domain(assessment.template, step)
    if found is None:
        raise NotFound()
    return f.DomainForm(data, domain=found, assessment=assessment)


def _save_step(request: AuthedRequest, form: Any, assessment: Assessment, step: str) -> Any:
    common = {"actor": request.user, "expected_version": form.cleaned_data["expected_version"]}
    if step == assessments.VIEWS_STEP:
        return _save(
            form,
            assessment,
            assessments.assessment_save_views,
            child_words=form.cleaned_data["child_words"],
            carers_words=form.carers_words(),
            **common,
        )
    if step == assessments.ANALYSIS_STEP:
        return _save(
            form,
            assessment,
            assessments.assessment_save_analysis,
            analysis=form.cleaned_data["analysis"],
            **common,
        )
    return _save(
        form,
        assessment,
        assessments.assessment_save_domain,
        domain_code=step,
        factors=form.factor_values(),
        **common,
    )


@login_required
@not_found_as_404
def assessment_step(request: AuthedRequest, pk: int, a_pk: int, step: str) -> HttpResponse:
    assessment = _draft(request, pk, a_pk)
    titles = dict(assessments.steps(assessment.template))
    form = _step_form(request, assessment, step)
    saved = request.method == "POST" and form.is_valid()
    if saved and _save_step(request, form, assessment, step) is not None:
        messages.success(request, f"{titles[step]} saved.")
        if "save_and_return" in request.POST:
            return redirect("assessments:assessment", pk, a_pk)
        name, args = _next_url(assessment, step)
        return redirect(name, *args)
    codes = list(titles)
    return render(
        request,
        "assessments/assessment_step.html",
        {
            "episode": assessment.episode,
            "assessment": assessment,
            "form": form,
            "step": step,
            "title": titles[step],
            "number": codes.index(step) + 1,
            "count": len(codes),
        },
    )


@login_required
@not_found_as_404
def assessment_complete(request: AuthedRequest, pk: int, a_pk: int) -> HttpResponse:
    assessment = _draft(request, pk, a_pk)
    form = f.CompleteForm(
        request.POST if request.method == "POST" else None,
        initial={"expected_version": assessment.version},
    )
    if request.method == "POST" and form.is_valid():
        done = _save(
            form,
            assessment,
            assessments.assessment_complete,
            actor=request.user,
            expected_version=form.cleaned_data["expected_version"],
        )
        if done is not None:
            messages.success(request, "Assessment completed.")
            return redirect("assessments:assessment", pk, a_pk)
    return render(
        request,
        "assessments/assessment_complete.html",
        {
            "episode": assessment.episode,
            "assessment": assessment,
            "form": form,
            "domains": assessments.domains_of(assessment),
        },
    )


@login_required
@not_found_as_404
def assessment_share(request: AuthedRequest, pk: int, a_pk: int) -> HttpResponse:
    assessment = _get(request, pk, a_pk)
    if assessment.status != "completed" or not policy.may_edit_episode(
        request.user, assessment.episode
    ):
        raise NotFound()
    form = f.ShareForm(
        request.POST if request.method == "POST" else None,
        initial={"expected_version": assessment.version},
    )
    if request.method == "POST" and form.is_valid():
        shared = _save(
            form,
            assessment,
            assessments.assessment_share,
            actor=request.user,
            shared_how=form.cleaned_data["shared_how"],
            expected_version=form.cleaned_data["expected_version"],
        )
        if shared is not None:
            messages.success(request, "Recorded as shared with the family.")
            return redirect("assessments:assessment", pk, a_pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "episode": assessment.episode,
            "title": "Share the assessment with the family",
            "button": "Record that it was shared",
            "intro": "Go through the assessment with the family in words they use, and give "
            "them a copy unless that would put someone at risk.",
        },
    )


@login_required
@not_found_as_404
def assessment_detail(request: AuthedRequest, pk: int, a_pk: int) -> HttpResponse:
    assessment = _get(request, pk, a_pk)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "episode": assessment.episode,
            "assessment": assessment,
            "domains": assessments.domains_of(assessment),
            "steps": [
                (code, title, assessments.step_saved(assessment, code))
                for code, title in assessments.steps(assessment.template)
            ],
            "may_edit": assessments.may_edit(request.user, assessment),
            "may_share": assessment.status == "completed"
            and policy.may_edit_episode(request.user, assessment.episode),
        },
    )
