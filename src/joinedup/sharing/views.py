"""Emergency access (break-glass) and the data-protection officer's pages. Thin: the selectors
and services decide and audit; a page the user may not see answers as a missing one."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from joinedup.sharing import selectors, services
from joinedup.sharing.forms import (
    BreakGlassReviewForm,
    ConsentForm,
    ConsentWithdrawForm,
    EmergencyAccessForm,
)
from joinedup.sharing.models import ReviewOutcome
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.templatetags.joinedup import govuk_date
from joinedup.web.views import not_found_as_404


@login_required
def emergency_access(request: AuthedRequest) -> HttpResponse:
    # From a search that found nobody: the name and date of birth searched for come along.
    initial: dict[str, Any] = {"name": request.GET.get("name", "")[:200]}
    with contextlib.suppress(ValueError):
        initial["date_of_birth"] = date.fromisoformat(request.GET.get("born", ""))
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        grant = call_service(
            form, services.break_glass_open, actor=request.user, **form.cleaned_data
        )
        if grant is not None:
            until = govuk_date(grant.expires_at)
            messages.success(
                request,
                f"Emergency access is open until {until}. "
                "The data-protection officer has been told.",
            )
            return redirect("web:person", grant.person_id)
    return render(
        request,
        "sharing/emergency_access.html",
        {"form": form, "hours": f"{services.break_glass_hours():g}"},
    )


@login_required
@not_found_as_404
def dpo_home(request: AuthedRequest) -> HttpResponse:
    summary = selectors.dpo_summary(user=request.user)
    return render(request, "sharing/dpo_home.html", {"summary": summary})


@login_required
@not_found_as_404
def break_glass_queue(request: AuthedRequest) -> HttpResponse:
    outcome = request.GET.get("outcome", ReviewOutcome.PENDING)
    page = selectors.break_glass_queue(
        user=request.user, outcome=outcome, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "sharing/break_glass_queue.html",
        {
            "page": page,
            "outcome": outcome,
            "outcomes": ReviewOutcome.choices,
            "query": f"outcome={outcome}",
        },
    )


@login_required
@not_found_as_404
def break_glass_review(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.break_glass_get(user=request.user, grant_id=pk)
    form = BreakGlassReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.break_glass_review,
            actor=request.user,
            grant=view.grant,
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data["notes"],
        )
        if done is not None:
            messages.success(request, f"Review of emergency access #{pk} recorded.")
            return redirect("sharing:break-glass-queue")
    return render(request, "sharing/break_glass_review.html", {"view": view, "form": form})


@login_required
@not_found_as_404
def consent(request: AuthedRequest, person_id: int) -> HttpResponse:
    consents = selectors.person_consents(user=request.user, person_id=person_id)
    return render(
        request, "sharing/consent.html", {"consents": consents, "person": consents.person}
    )


@login_required
@not_found_as_404
def consent_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    consents = selectors.person_consents(user=request.user, person_id=person_id)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        givers=services.consent_givers(consents.person),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.consent_give,
            actor=request.user,
            person=consents.person,
            given_by=data["given_by"],
            given_by_name=data.get("given_by_name", ""),
            given_by_relationship=data.get("given_by_relationship", ""),
            organisations=list(data["organisations"]),
            sectors=data["sectors"],
            purposes=data["purposes"],
            method=data["method"],
            evidence=data["evidence"],
            given_on=data["given_on"],
            expires_on=data["expires_on"],
        )
        if done is not None:
            messages.success(request, "Consent recorded.")
            return redirect("sharing:consent", person_id)
    return render(
        request,
        "sharing/consent_form.html",
        {
            "form": form,
            "person": consents.person,
            "title": "Record consent",
            "button": "Record consent",
        },
    )


@login_required
@not_found_as_404
def consent_withdraw(request: AuthedRequest, person_id: int) -> HttpResponse:
    consents = selectors.person_consents(user=request.user, person_id=person_id)
    current = {str(v.record.pk): v for v in consents.given if v.status != "dpv:ConsentWithdrawn"}
    form = ConsentWithdrawForm(
        request.POST if request.method == "POST" else None,
        choices=[(pk, v.summary) for pk, v in current.items()],
        givers=services.consent_givers(consents.person),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.consent_withdraw,
            actor=request.user,
            record=current[data["record"]].record,
            withdrawn_by=data["withdrawn_by"],
            withdrawn_by_name=data.get("withdrawn_by_name", ""),
            withdrawn_on=data["withdrawn_on"],
            method=data["method"],
            note=data["note"],
        )
        if done is not None:
            messages.success(request, "Consent withdrawn. It no longer covers any sharing.")
            return redirect("sharing:consent", person_id)
    return render(
        request,
        "sharing/consent_form.html",
        {
            "form": form,
            "person": consents.person,
            "title": "Withdraw consent",
            "button": "Withdraw consent",
        },
    )


@login_required
@not_found_as_404
def consent_json(request: AuthedRequest, person_id: int) -> HttpResponse:
    records = selectors.person_consents_iso27560(user=request.user, person_id=person_id)
    return JsonResponse({"records": records})
