"""The administrator's staff load page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from joinedup.errors import ApplicationError
from joinedup.partnership import services
from joinedup.partnership.forms import StaffLoadForm
from joinedup.partnership.staff import read_staff_file
from joinedup.sharing import policy
from joinedup.web.http import AuthedRequest


@login_required
def staff_load(request: AuthedRequest) -> HttpResponse:
    if not services.may_load_staff(request.user):
        # Security: the page answers as a missing one to anyone but an administrator.
        policy.refuse(request.user, object_type="partnership.staff_load", object_id="")
        raise Http404
    form = StaffLoadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_staff_file(upload.name, upload.read())
            report = services.staff_load(
                actor=request.user,
                rows=rows,
                deactivate_missing=form.cleaned_data["deactivate_missing"],
            )
        except ApplicationError as error:
            form.add_application_error(error.field, error.message)
        if report is not None and not report.ok:
            form.add_application_error(
                "file", f"Nothing was loaded: {len(report.errors)} rows need correcting."
            )
    return render(request, "partnership/staff_load.html", {"form": form, "report": report})
