"""The family's chronology: the timeline page (printable), its CSV export, and recording an
event from a person's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.chronology import services as chronology
from joinedup.chronology.forms import ChronologyEntryForm
from joinedup.errors import ApplicationError
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


@login_required
@not_found_as_404
def chronology_page(request: AuthedRequest, pk: int) -> HttpResponse:
    view = chronology.chronology_view(user=request.user, episode_id=pk)
    return render(request, "chronology/chronology.html", {"view": view, "episode": view.episode})


@login_required
@not_found_as_404
def chronology_export(request: AuthedRequest, pk: int) -> HttpResponse:
    view, text = chronology.chronology_csv(user=request.user, episode_id=pk)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"chronology-{view.episode.reference}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@not_found_as_404
def entry_new(request: AuthedRequest, pk: int) -> HttpResponse:
    person = chronology.person_for_recording(user=request.user, person_id=pk)
    form = ChronologyEntryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result = call_service(
            form,
            chronology.chronology_entry_record,
            actor=request.user,
            person=person,
            **form.cleaned_data,
        )
        if result is not None:
            _, alerts = result
            messages.success(request, "Added to the chronology.")
            for alert in alerts:
                told = (
                    "The lead professional has been told."
                    if alert.episode_id
                    else ("There is no lead professional: consider a request for support.")
                )
                messages.warning(request, f"Pattern alert: {alert.title}. {told}")
            return redirect("web:person", person.pk)
    return render(request, "chronology/chronology_entry_new.html", {"form": form, "person": person})


@login_required
@require_POST
@not_found_as_404
def alert_acknowledge(request: AuthedRequest, pk: int, alert_pk: int) -> HttpResponse:
    view = chronology.chronology_get(user=request.user, episode_id=pk)
    alert = chronology.pattern_alert_get(user=request.user, episode=view.episode, alert_id=alert_pk)
    try:
        chronology.pattern_alert_acknowledge(actor=request.user, alert=alert, episode=view.episode)
        messages.success(request, "Pattern alert acknowledged.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("chronology:chronology", pk)
