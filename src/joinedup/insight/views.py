"""Partnership-health pages: thin, over the same selectors and services as the API.

Every manager page reads stored results (the rebuild computes them); a practitioner who is not a
partnership manager or administrator gets the same 404 as a missing page, audited by the policy.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.errors import ApplicationError
from joinedup.insight import exports, selectors, services
from joinedup.insight.forms import AnswerForm, InstrumentForm, PromptDiscussedForm, RoundForm
from joinedup.insight.models import NodeKind
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404

PERIOD_CHOICES = [(days, f"Last {days} days") for days in selectors.PERIODS]
PAGES = [
    ("insight:overview", "Overview"),
    ("insight:network", "Network map"),
    ("insight:voice", "Balance of voice"),
    ("insight:continuum", "Integration continuum"),
    ("insight:rounds", "Surveys"),
    ("insight:prompts", "Prompts for conversations"),
]


def _render(request: AuthedRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    shared = {"periods": PERIOD_CHOICES, "insight_pages": PAGES}
    return render(request, f"insight/{template}", {**shared, **context})


@login_required
@not_found_as_404
def overview(request: AuthedRequest) -> HttpResponse:
    return _render(request, "overview.html", {"view": selectors.overview(user=request.user)})


@login_required
@not_found_as_404
@require_POST
def rebuild(request: AuthedRequest) -> HttpResponse:
    build = services.build_start(actor=request.user)
    return redirect("insight:build", build.pk)


@login_required
@not_found_as_404
def build_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    build = selectors.build_get(user=request.user, build_id=pk)
    return _render(request, "build.html", {"build": build})


@login_required
@not_found_as_404
def network(request: AuthedRequest) -> HttpResponse:
    view = selectors.network_view(
        user=request.user,
        period=request.GET.get("period"),
        nodes=request.GET.get("nodes"),
        locality=request.GET.get("locality"),
    )
    return _render(request, "network.html", {"view": view, "node_kinds": NodeKind.choices})


@login_required
@not_found_as_404
def voice(request: AuthedRequest) -> HttpResponse:
    build, result, days, group_by = selectors.voice_view(
        user=request.user, period=request.GET.get("period"), by=request.GET.get("by")
    )
    return _render(
        request,
        "voice.html",
        {
            "build": build,
            "result": result,
            "period_days": days,
            "group_by": group_by,
            "charts": selectors.voice_charts(result),
        },
    )


@login_required
@not_found_as_404
def continuum(request: AuthedRequest) -> HttpResponse:
    build, result, days = selectors.continuum_view(
        user=request.user, period=request.GET.get("period")
    )
    return _render(
        request,
        "continuum.html",
        {
            "build": build,
            "result": result,
            "period_days": days,
            "charts": selectors.continuum_charts(result),
        },
    )


# ----------------------------------------------------------------------------- surveys (manager)


@login_required
@not_found_as_404
def rounds(request: AuthedRequest) -> HttpResponse:
    found = selectors.rounds_for_manager(user=request.user)
    return _render(request, "rounds.html", {"rounds": found})


@login_required
@not_found_as_404
def round_new(request: AuthedRequest) -> HttpResponse:
    selectors.instruments_for_manager(user=request.user)
    form = RoundForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form,
            services.round_create,
            actor=request.user,
            instrument=form.cleaned_data["instrument"],
            name=form.cleaned_data["name"],
            opens_on=form.cleaned_data["opens_on"],
            closes_on=form.cleaned_data["closes_on"],
        )
        if created is not None:
            messages.success(request, f"Round '{created.name}' set up. Open it when ready.")
            return redirect("insight:round", created.pk)
    return _render(request, "round_new.html", {"form": form})


@login_required
@not_found_as_404
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=pk)
    results = selectors.round_results(
        user=request.user, survey_round=survey_round, by=request.GET.get("by")
    )
    return _render(
        request,
        "round.html",
        {
            "round": survey_round,
            "results": results,
            "answerable": services.round_answerable(survey_round),
        },
    )


def _round_change(request: AuthedRequest, pk: int, change: str) -> HttpResponse:
    survey_round = selectors.round_get(user=request.user, round_id=pk)
    try:
        if change == "open":
            services.round_open(actor=request.user, survey_round=survey_round)
            messages.success(request, "The round is open. Every practitioner has been invited.")
        elif change == "close":
            services.round_close(actor=request.user, survey_round=survey_round)
            build = services.build_start(actor=request.user)
            messages.success(request, "The round is closed. The results are being rebuilt.")
            return redirect("insight:build", build.pk)
        else:
            count = services.round_remind(actor=request.user, survey_round=survey_round)
            messages.success(request, f"Reminders sent to {count} practitioners.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("insight:round", survey_round.pk)


@login_required
@not_found_as_404
@require_POST
def round_open(request: AuthedRequest, pk: int) -> HttpResponse:
    return _round_change(request, pk, "open")


@login_required
@not_found_as_404
@require_POST
def round_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _round_change(request, pk, "close")


@login_required
@not_found_as_404
@require_POST
def round_remind(request: AuthedRequest, pk: int) -> HttpResponse:
    return _round_change(request, pk, "remind")


@login_required
@not_found_as_404
def instruments(request: AuthedRequest) -> HttpResponse:
    found = selectors.instruments_for_manager(user=request.user)
    form = InstrumentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        loaded = call_service(
            form,
            services.instrument_load,
            actor=request.user,
            source=form.cleaned_data["file"].read(),
            licence_confirmed=form.cleaned_data["licence_confirmed"],
        )
        if loaded is not None:
            messages.success(request, f"Loaded {loaded}.")
            return redirect("insight:instruments")
    return _render(request, "instruments.html", {"form": form, "instruments": found})


# ----------------------------------------------------------------------------- prompts


@login_required
@not_found_as_404
def prompts(request: AuthedRequest) -> HttpResponse:
    show = request.GET.get("show")
    found = selectors.prompts_list(user=request.user, show=show)
    return _render(request, "prompts.html", {"prompts": found, "show_all": show == "all"})


@login_required
@not_found_as_404
def prompt_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    prompt = selectors.prompt_get(user=request.user, prompt_id=pk)
    form = PromptDiscussedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.prompt_discuss,
            actor=request.user,
            prompt=prompt,
            action_agreed=form.cleaned_data["action_agreed"],
            discussed_on=form.cleaned_data["discussed_on"],
        )
        if done is not None:
            messages.success(request, "Marked as discussed, with the action agreed.")
            return redirect("insight:prompts")
    return _render(
        request,
        "prompt.html",
        {"prompt": prompt, "form": form, "formula": selectors.formula(prompt.metric)},
    )


# ----------------------------------------------------------------------------- exports


@login_required
@not_found_as_404
def export(request: AuthedRequest, what: str, fmt: str) -> HttpResponse:
    made = exports.export(user=request.user, what=what, fmt=fmt, params=request.GET.dict())
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return response


# ----------------------------------------------------------------------------- answering


@login_required
def surveys(request: AuthedRequest) -> HttpResponse:
    found = selectors.open_rounds_for(user=request.user)
    return render(request, "insight/surveys.html", {"rounds": found})


@login_required
@not_found_as_404
def answer(request: AuthedRequest, slug: str) -> HttpResponse:
    survey_round = selectors.answerable_round_get(user=request.user, slug=slug)
    instrument = services.instrument_parse(survey_round.instrument)
    partners = (
        selectors.partners_to_rate(user=request.user, survey_round=survey_round)
        if instrument.kind == "relational"
        else None
    )
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        partners=partners,
    )
    if request.method == "POST" and form.is_valid():
        partner = None
        if instrument.kind == "relational":
            partner = selectors.partner_organisation(
                user=request.user, partner_id=form.cleaned_data["partner"]
            )
        done = call_service(
            form,
            services.response_submit,
            actor=request.user,
            survey_round=survey_round,
            answers=form.answers(),
            partner=partner,
        )
        if done is None and not form.errors:
            request.session.pop("insight_navigation", None)  # the menu's Surveys item may go
            messages.success(request, "Thank you: your answers are saved, anonymously.")
            if instrument.kind == "relational":
                return redirect("insight:answer", survey_round.slug)
            return redirect("insight:surveys")
    return render(
        request,
        "insight/answer.html",
        {"round": survey_round, "instrument": instrument, "form": form, "partners": partners},
    )
