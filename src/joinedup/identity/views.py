"""Agency data leads load their own records, and watch the load."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.errors import ApplicationError, NotFound
from joinedup.identity import children, linkage_runs, review, services
from joinedup.identity.linkage.comparisons import plain_level
from joinedup.identity.models import ImportJob, LinkageRun
from joinedup.partnership.models import Organisation
from joinedup.people.models import NhsNumberAbsentReason
from joinedup.sharing import policy
from joinedup.web.forms import GovukFormMixin
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404

MAX_UPLOAD = 200 * 1024 * 1024


class UploadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="File of records",
        help_text="CSV (UTF-8), Excel (.xlsx) or a "
        "FHIR R4 Bundle of Patient resources (.json), with a header row",
    )
    strict = forms.BooleanField(
        label="Refuse the whole file if any value is invalid", required=False
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file must be smaller than 200 MB")
        return upload


def _require_data_lead(request: AuthedRequest) -> Organisation:
    """The practitioner's own agency, if they are its data lead; otherwise a refusal."""
    organisation = request.user.organisation
    if organisation is None or not services.may_load(request.user, organisation):
        raise policy.refuse(request.user, object_type="identity.records_load", object_id="")
    return organisation


@login_required
@not_found_as_404
def upload(request: AuthedRequest) -> HttpResponse:
    organisation = _require_data_lead(request)
    form = UploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        from joinedup.jobs import queue, tasks

        upload = form.cleaned_data["file"]
        with transaction.atomic():  # the job and its queued run commit together
            job = ImportJob.objects.create(
                organisation=organisation,
                uploaded_by=request.user,
                filename=upload.name[:255],
                strict=form.cleaned_data["strict"],
            )
            stored = queue.store_upload(name=upload.name, data=upload.read())
            tasks.import_records.enqueue(job_id=job.pk, upload_id=stored.pk)
        return redirect("identity:import", job.pk)
    jobs = ImportJob.objects.filter(organisation=organisation)[:20]
    return render(request, "identity/upload.html", {"form": form, "jobs": jobs})


@login_required
@not_found_as_404
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    organisation = _require_data_lead(request)
    job = ImportJob.objects.filter(pk=pk, organisation=organisation).first()
    if job is None:
        raise NotFound()
    return render(request, "identity/import.html", {"job": job})


@login_required
@not_found_as_404
def review_queue(request: AuthedRequest) -> HttpResponse:
    if not review.may_review(request.user):
        raise policy.refuse(request.user, object_type="identity.review_queue", object_id="")
    pending = list(
        review.candidates_for(request.user)
        .select_related("duplicate")
        .filter(status="pending")[:100]
    )
    return render(
        request,
        "identity/review_queue.html",
        {"candidates": pending, "runs": linkage_runs.runs_recent(user=request.user, limit=5)},
    )


@login_required
@not_found_as_404
def linkage_start(request: AuthedRequest) -> HttpResponse:
    if request.method != "POST":
        if not linkage_runs.may_run(request.user):
            raise policy.refuse(request.user, object_type="identity.linkagerun", object_id="new")
        return redirect("identity:review")
    try:
        run = linkage_runs.run_start_for(user=request.user, trigger=LinkageRun.Trigger.PAGE)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("identity:review")
    return redirect("identity:linkage", run.pk)


@login_required
@not_found_as_404
def linkage_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    run = linkage_runs.run_get(user=request.user, run_id=pk)
    return render(request, "identity/linkage.html", {"run": run})


@login_required
@not_found_as_404
def review_candidate(request: AuthedRequest, pk: int) -> HttpResponse:
    candidate = review.candidate_get(user=request.user, candidate_id=pk)
    error = None
    if request.method == "POST" and request.POST.get("decision") in ("same", "different"):
        try:
            review.candidate_decide(
                actor=request.user, candidate=candidate, same=request.POST["decision"] == "same"
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, "Decision recorded. Later linkage runs will keep it.")
            return redirect("identity:review")
    steps, running = [], 0.0
    for item in candidate.evidence:
        start = running
        running += float(item.get("weight", 0))
        # Evidence saved before the labels were plain English reads as it would now.
        level = plain_level(str(item.get("level", "")))
        steps.append({**item, "level": level, "start": start, "end": running})
    low = min([0.0] + [min(s["start"], s["end"]) for s in steps])
    high = max([0.0] + [max(s["start"], s["end"]) for s in steps])
    span = (high - low) or 1.0
    for s in steps:
        s["x"] = 120 + 400 * (min(s["start"], s["end"]) - low) / span
        s["width"] = max(2, 400 * abs(s["end"] - s["start"]) / span)
    return render(
        request,
        "identity/review_candidate.html",
        {
            "candidate": candidate,
            "record": candidate.source_record,
            "left": candidate.source_record or candidate.duplicate,
            "person": candidate.person,
            "steps": steps,
            "zero_x": 120 + 400 * (0 - low) / span,
            "error": error,
            "chart_height": 30 * len(steps) + 20,
        },
    )


# --- The consistent child identifier --------------------------------------------------------


class ChildNhsNumberForm(GovukFormMixin, forms.Form):
    nhs_number = forms.CharField(
        label="NHS number", required=False, max_length=20,
        help_text="10 digits, for example 943 476 5919. Leave it empty if it is not known.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    verified = forms.ChoiceField(
        label="Has the NHS number been verified (traced)?",
        choices=[("yes", "Yes, it was traced"), ("no", "No, not yet")],
        widget=forms.RadioSelect, initial="no",
    )  # fmt: skip
    absent_reason = forms.ChoiceField(
        label="If there is no NHS number, why is it not recorded?",
        required=False,
        choices=[("", "There is an NHS number"), *NhsNumberAbsentReason.choices],
        widget=forms.RadioSelect,
    )


@login_required
@not_found_as_404
def children_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ("unverified", "absent") else ""
    page = children.children_without_verified_nhs_number(
        user=request.user, status=status, page=request.GET.get("page", 1)
    )
    return render(request, "identity/children.html", {"page": page, "status": status})


@login_required
@not_found_as_404
def child_nhs_number(request: AuthedRequest, pk: int) -> HttpResponse:
    person = children.child_get(user=request.user, person_id=pk)
    initial = {
        "nhs_number": person.nhs_number,
        "verified": "yes" if person.nhs_number_verified_at else "no",
        "absent_reason": person.nhs_number_absent_reason,
    }
    form = ChildNhsNumberForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            children.child_nhs_number_record(
                actor=request.user,
                person=person,
                nhs_number=form.cleaned_data["nhs_number"],
                verified=form.cleaned_data["verified"] == "yes",
                absent_reason=form.cleaned_data["absent_reason"],
            )
        except ApplicationError as error:
            form.add_application_error(
                {"nhs_number_absent_reason": "absent_reason"}.get(str(error.field), error.field),
                error.message,
            )
        else:
            messages.success(request, f"{person.full_name}'s NHS number is recorded.")
            return redirect("identity:children")
    trace = children.trace_person(user=request.user, person=person)
    return render(
        request, "identity/child_nhs_number.html", {"person": person, "form": form, "trace": trace}
    )
