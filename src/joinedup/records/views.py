"""Subject access, retention and legal holds: the data-protection officer's pages.

Thin: subject_access and retention decide and audit. Security: anyone but a data-protection
officer gets the same 404 as a missing page, and the attempt is recorded.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from joinedup.records import retention, subject_access
from joinedup.records.forms import ErasureForm, LegalHoldForm, LegalHoldLiftForm, SubjectAccessForm
from joinedup.sharing import policy
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


def _require_officer(request: AuthedRequest, page: str) -> None:
    """Refuse (audited, as a 404) before a page reads anything."""
    policy.require_data_protection_officer(request.user, object_type=page)


# -- Subject access ----------------------------------------------------------------------------


@login_required
@not_found_as_404
def subject_access_start(request: AuthedRequest) -> HttpResponse:
    _require_officer(request, "records.subject_access")
    form = SubjectAccessForm(request.GET or None)
    if form.is_bound and form.is_valid():
        person = call_service(
            form,
            subject_access.person_by_reference,
            user=request.user,
            reference=form.cleaned_data["reference"],
        )
        if person is not None:
            return redirect("records:subject-access-person", person.pk)
    return render(request, "records/subject_access_start.html", {"form": form})


@require_GET
@login_required
@not_found_as_404
def subject_access_person(request: AuthedRequest, person_id: int) -> HttpResponse:
    export = subject_access.subject_access_export(
        user=request.user, person_id=person_id, format="html"
    )
    return render(
        request,
        "records/subject_access.html",
        {
            "export": export,
            "person": export.person,
            "sections": subject_access.document(export.data),
            "data": export.data,
        },
    )


def _attachment(response: HttpResponse, reference: str, extension: str) -> HttpResponse:
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{reference}.{extension}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
@not_found_as_404
def subject_access_json(request: AuthedRequest, person_id: int) -> HttpResponse:
    export = subject_access.subject_access_export(
        user=request.user, person_id=person_id, format="json"
    )
    body = json.dumps(export.data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _attachment(response, export.person.reference, "json")


@require_GET
@login_required
@not_found_as_404
def subject_access_pdf(request: AuthedRequest, person_id: int) -> HttpResponse:
    from joinedup.records.subject_access_pdf import render as render_pdf

    export = subject_access.subject_access_export(
        user=request.user, person_id=person_id, format="pdf"
    )
    response = HttpResponse(render_pdf(export.data), content_type="application/pdf")
    return _attachment(response, export.person.reference, "pdf")


# -- Retention -----------------------------------------------------------------------------------


@require_GET
@login_required
@not_found_as_404
def retention_due(request: AuthedRequest) -> HttpResponse:
    groups = retention.due_for_officer(user=request.user)
    return render(
        request,
        "records/retention.html",
        {"groups": groups, "floor": retention.children_kept_until_age()},
    )


@login_required
@not_found_as_404
def retention_erase(request: AuthedRequest, record_type: str, pk: int) -> HttpResponse:
    preview = retention.erasure_preview(user=request.user, record_type=record_type, pk=pk)
    form = ErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        tombstone = call_service(
            form,
            retention.erase,
            record_type=record_type,
            pk=pk,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        if tombstone is not None:
            messages.success(
                request,
                f"{preview.reference} has been erased. Tombstone #{tombstone.pk} records it.",
            )
            return redirect("records:retention")
    return render(request, "records/retention_erase.html", {"preview": preview, "form": form})


# -- Legal holds ---------------------------------------------------------------------------------


@login_required
@not_found_as_404
def legal_holds(request: AuthedRequest) -> HttpResponse:
    holds = retention.legal_holds(user=request.user)
    return render(
        request,
        "records/legal_holds.html",
        {
            "active": [h for h in holds if h.lifted_at is None],
            "lifted": [h for h in holds if h.lifted_at is not None],
        },
    )


@login_required
@not_found_as_404
def legal_hold_new(request: AuthedRequest) -> HttpResponse:
    _require_officer(request, "records.legalhold")
    initial = {"reference": request.GET.get("reference", "")[:20]}
    form = LegalHoldForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        hold = call_service(
            form,
            retention.legal_hold_place,
            actor=request.user,
            reference=form.cleaned_data["reference"],
            reason=form.cleaned_data["reason"],
        )
        if hold is not None:
            messages.success(
                request,
                f"Legal hold placed on {hold.person.reference}. "
                "Nothing in this record can be erased until it is lifted.",
            )
            return redirect("records:legal-holds")
    return render(request, "records/legal_hold_form.html", {"form": form})


@login_required
@not_found_as_404
def legal_hold_lift(request: AuthedRequest, pk: int) -> HttpResponse:
    hold = retention.legal_hold_get(user=request.user, hold_id=pk)
    form = LegalHoldLiftForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        lifted = call_service(
            form,
            retention.legal_hold_lift,
            actor=request.user,
            hold=hold,
            reason=form.cleaned_data["reason"],
        )
        if lifted is not None:
            messages.success(request, f"Legal hold on {hold.person.reference} lifted.")
            return redirect("records:legal-holds")
    return render(request, "records/legal_hold_lift.html", {"hold": hold, "form": form})
