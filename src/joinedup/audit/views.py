"""The data protection officer's audit pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from joinedup.audit import selectors
from joinedup.audit.forms import AuditSearchForm
from joinedup.core.spreadsheets import SafeWriter
from joinedup.sharing.charts import bar_chart
from joinedup.sharing.forms import (
    ReferenceForm,
)
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.templatetags.joinedup import govuk_date
from joinedup.web.views import not_found_as_404


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
    selectors.require_dpo(user=request.user, page="audit.audit_search")
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
        "audit/audit_search.html",
        {"form": form, "result": result, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@login_required
@not_found_as_404
def audit_export(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    selectors.require_dpo(user=request.user, page="audit.audit_export")
    _form, filters = _audit_filters(request)
    if filters is None:
        return audit_search(request)
    rows = selectors.audit_export(user=request.user, filters=filters)
    writer = SafeWriter(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv"
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.csv"'
    return response


@login_required
@not_found_as_404
def person_access(request: AuthedRequest) -> HttpResponse:
    selectors.require_dpo(user=request.user, page="audit.person_access")
    form = ReferenceForm(request.GET or None)
    access = chart = found = None
    if form.is_bound and form.is_valid() and not form.cleaned_data["reference"]:
        found = selectors.persons_by_name(user=request.user, name=form.cleaned_data["name"])
    elif form.is_bound and form.is_valid():
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
        request,
        "audit/person_access.html",
        {"form": form, "access": access, "chart": chart, "found": found},
    )


@login_required
@not_found_as_404
def unusual_access(request: AuthedRequest) -> HttpResponse:
    days = 30 if request.GET.get("days") == "30" else 7
    unusual = selectors.unusual_access(user=request.user, days=days)
    return render(
        request,
        "audit/unusual_access.html",
        {"unusual": unusual, "days": days, "thresholds": selectors},
    )


@login_required
@not_found_as_404
def audit_chain(request: AuthedRequest) -> HttpResponse:
    state = selectors.chain_state(user=request.user, verify=request.method == "POST")
    return render(request, "audit/audit_chain.html", {"state": state})
