"""Pages of outcomes over time: thin, each asks one selector or calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.errors import NotFound
from joinedup.family.views import _navigation as family_navigation
from joinedup.outcomes import dashboard, exports, forms, selectors, services
from joinedup.outcomes.models import Voice
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


@login_required
@not_found_as_404
def episode_outcomes(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.episode_outcomes(user=request.user, episode_id=pk)
    return render(request, "outcomes/episode.html", {"view": view, "episode": view.episode})


@login_required
@not_found_as_404
def record(request: AuthedRequest, pk: int) -> HttpResponse:
    """Scores for every outcome: asked at each review, and taken between meetings too."""
    view = selectors.episode_outcomes(user=request.user, episode_id=pk)
    meeting = next((m for m in view.meetings if str(m.pk) == request.GET.get("meeting", "")), None)
    initial = {
        "measured_on": meeting.held_on if meeting else timezone.localdate(),
        "voice": Voice.PRACTITIONER,
        "meeting": meeting.pk if meeting else "",
    }
    form = forms.RecordForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        outcomes=[r.outcome for r in view.rows],
        people=selectors.family_participant_choices(user=request.user, episode_id=pk),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.measurements_record,
            actor=request.user,
            episode_id=pk,
            scores=form.scores(),
            measured_on=data["measured_on"],
            voice=data["voice"],
            person_id=data["person"] if data["voice"] == Voice.FAMILY else None,
            meeting_id=data["meeting"],
        )
        if done is not None:
            messages.success(request, f"{len(done)} score{'s' if len(done) != 1 else ''} saved.")
            return redirect("outcomes:episode", pk)
    return render(
        request,
        "outcomes/record.html",
        {"form": form, "episode": view.episode, "view": view, "meeting": meeting},
    )


@login_required
@not_found_as_404
def need_add(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.episode_outcomes(user=request.user, episode_id=pk)
    if not view.may_edit:
        raise NotFound()
    form = forms.NeedForm(
        request.POST if request.method == "POST" else None,
        initial={"identified_on": timezone.localdate()},
        headlines=[(h.pk, h.name) for h in selectors.headline_outcomes()],
        outcomes=[(r.outcome.pk, r.outcome.text) for r in view.rows],
        assessments=[
            (a.pk, f"{a.template.name}, started {a.started_at:%-d %B %Y}")
            for a in view.episode.assessments.select_related("template")
        ],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.need_record,
            actor=request.user,
            episode_id=pk,
            headline_id=data["headline"],
            outcome_ids=data["outcomes"],
            identified_on=data["identified_on"],
            note=data["note"],
            assessment_id=data["assessment"],
        )
        if done is not None:
            messages.success(request, "Need recorded.")
            return redirect("outcomes:episode", pk)
    return render(request, "outcomes/need.html", {"form": form, "episode": view.episode})


@login_required
@not_found_as_404
def check(request: AuthedRequest, pk: int) -> HttpResponse:
    result = selectors.outcome_check(user=request.user, episode_id=pk)
    return render(request, "outcomes/check.html", {"result": result, "episode_pk": pk})


# --- The family's own pages ---------------------------------------------------------------------


@login_required
@not_found_as_404
def family_outcomes(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.family_outcomes(user=request.user, episode_id=pk)
    return render(
        request,
        "outcomes/family.html",
        {
            "view": view,
            "navigation": family_navigation(request, "outcomes:family", pk),
            "people": [selectors.display_name(p) for p in view.episode.persons.all()],
        },
    )


@login_required
@not_found_as_404
def family_score(request: AuthedRequest, pk: int, outcome_pk: int) -> HttpResponse:
    """A family member says how things are with one outcome: numbers, or the picture scale."""
    outcome = selectors.family_outcome_get(user=request.user, episode_id=pk, outcome_id=outcome_pk)
    if outcome.episode.status == "closed":
        raise NotFound()
    picture = request.GET.get("scale") == "pictures"
    form_class = forms.PictureScoreForm if picture else forms.FamilyScoreForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.family_measurement_record,
            actor=request.user,
            episode_id=pk,
            score=services.Score(outcome.pk, form.cleaned_data["score"], form.cleaned_data["note"]),
            picture_scale=picture,
        )
        if done is not None:
            messages.success(request, "Thank you. Your team can now see how things are for you.")
            return redirect("outcomes:family", pk)
    return render(
        request,
        "outcomes/family_score.html",
        {
            "form": form,
            "outcome": outcome,
            "picture": picture,
            "pictures": forms.PICTURES,
            "navigation": family_navigation(request, "outcomes:family", pk),
            "people": [selectors.display_name(p) for p in outcome.episode.persons.all()],
        },
    )


# --- Partnership managers -----------------------------------------------------------------------


@login_required
@not_found_as_404
def successful_families(request: AuthedRequest) -> HttpResponse:
    lists = selectors.rule_lists(user=request.user)
    return render(request, "outcomes/successful.html", {"lists": lists})


@login_required
@not_found_as_404
def successful_families_csv(request: AuthedRequest) -> HttpResponse:
    export = exports.successful_families(user=request.user)
    return _download(export)


@login_required
@not_found_as_404
def dashboard_page(request: AuthedRequest) -> HttpResponse:
    view = dashboard.dashboard(user=request.user, params=request.GET)
    return render(request, "outcomes/dashboard.html", {"view": view})


@login_required
@not_found_as_404
def dashboard_export(request: AuthedRequest, figure: str, fmt: str) -> HttpResponse:
    export = exports.dashboard_figure(user=request.user, figure=figure, fmt=fmt, params=request.GET)
    return _download(export)


def _download(export: exports.Export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
