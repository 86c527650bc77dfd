"""Emergency access (break-glass) and the data-protection officer's pages. Thin: the selectors
and services decide and audit; a page the user may not see answers as a missing one."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from joinedup.sharing import selectors, services
from joinedup.sharing.charts import bar_chart
from joinedup.sharing.forms import (
    AuditSearchForm,
    BreakGlassReviewForm,
    ConsentForm,
    ConsentWithdrawForm,
    EmergencyAccessForm,
    ReferenceForm,
)
from joinedup.sharing.models import ReviewOutcome
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.templatetags.joinedup import govuk_date
from joinedup.web.views import not_found_as_404


@login_required
def emergency_access(request: AuthedRequest) -> HttpResponse:
    form = EmergencyAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        grant = call_service(
            form,
            services.break_glass_open,
            actor=request.user,
            reference=form.cleaned_data["reference"],
            reason=form.cleaned_data["reason"],
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


def _audit_filters(request: AuthedRequest) -> tuple[AuditSearchForm, Any]:
    """The search form and its filters; filters is None when the form has errors."""
    form = AuditSearchForm(request.GET or None)
    if not form.is_bound:
        return form, selectors.AuditFilters()
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    organisation = data["organisation"]
    return form, call_service(
        form,
        selectors.audit_filters,
        reference=data["reference"],
        user_email=data["user"],
        organisation_id=organisation.pk if organisation else None,
        action=data["action"],
        date_from=data["date_from"],
        date_to=data["date_to"],
    )


@login_required
@not_found_as_404
def audit_search(request: AuthedRequest) -> HttpResponse:
    selectors.require_dpo(user=request.user, page="sharing.audit_search")
    form, filters = _audit_filters(request)
    result = None
    if filters is not None:
        result = selectors.audit_search(
            user=request.user, filters=filters, page=request.GET.get("page", 1)
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sharing/audit_search.html",
        {"form": form, "result": result, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
@not_found_as_404
def audit_export(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    selectors.require_dpo(user=request.user, page="sharing.audit_export")
    _form, filters = _audit_filters(request)
    if filters is None:
        return audit_search(request)
    rows = selectors.audit_export(user=request.user, filters=filters)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@login_required
@not_found_as_404
def person_access(request: AuthedRequest) -> HttpResponse:
    selectors.require_dpo(user=request.user, page="sharing.person_access")
    form = ReferenceForm(request.GET or None)
    access = chart = None
    if form.is_bound and form.is_valid():
        access = call_service(
            form,
            selectors.person_access,
            user=request.user,
            reference=form.cleaned_data["reference"],
        )
    if access is not None:
        chart = bar_chart(
            [(govuk_date(d.day), d.count) for d in access.per_day],
            title=f"Accesses to {access.person.reference} per day",
        )
    return render(
        request, "sharing/person_access.html", {"form": form, "access": access, "chart": chart}
    )


@login_required
@not_found_as_404
def unusual_access(request: AuthedRequest) -> HttpResponse:
    days = 30 if request.GET.get("days") == "30" else 7
    unusual = selectors.unusual_access(user=request.user, days=days)
    return render(
        request,
        "sharing/unusual_access.html",
        {"unusual": unusual, "days": days, "thresholds": selectors},
    )


@login_required
@not_found_as_404
def audit_chain(request: AuthedRequest) -> HttpResponse:
    state = selectors.chain_state(user=request.user, verify=request.method == "POST")
    return render(request, "sharing/audit_chain.html", {"state": state})


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
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.consent_give,
            actor=request.user,
            person=consents.person,
            given_by=data["given_by"],
            given_by_name=data["given_by_name"],
            given_by_relationship=data["given_by_relationship"],
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
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.consent_withdraw,
            actor=request.user,
            record=current[data["record"]].record,
            withdrawn_by=data["withdrawn_by"],
            withdrawn_by_name=data["withdrawn_by_name"],
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
