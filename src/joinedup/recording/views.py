"""Pages of the daily record: thin, the same services and selectors as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from joinedup.recording import selectors, services
from joinedup.recording.forms import (
    AttendanceForm,
    CaseNoteForm,
    DocumentForm,
    InvitationCancelForm,
    InvitationChangeForm,
    InvitationForm,
)
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


def _post(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _default_visibility(request: AuthedRequest) -> str:
    organisation = request.user.organisation
    return organisation.default_record_visibility if organisation else "organisation"


@login_required
@not_found_as_404
def person_record(request: AuthedRequest, person_id: int) -> HttpResponse:
    view = selectors.person_record(user=request.user, person_id=person_id)
    return render(request, "recording/record.html", {"view": view, "person": view.person})


@login_required
@not_found_as_404
def episode_record(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.episode_record(user=request.user, episode_id=pk)
    return render(request, "recording/record.html", {"view": view, "episode": view.episode})


def _subject(request: AuthedRequest, person_id: int | None, pk: int | None) -> dict[str, Any]:
    if person_id is not None:
        return {"person": selectors.person_for_recording(user=request.user, person_id=person_id)}
    return {"episode": selectors.episode_for_recording(user=request.user, episode_id=pk)}


def _back(subject: dict[str, Any]) -> HttpResponse:
    if "person" in subject:
        return redirect("recording:person-record", subject["person"].pk)
    return redirect("recording:episode-record", subject["episode"].pk)


@login_required
@not_found_as_404
def note_add(request: AuthedRequest, person_id: int | None = None, pk: int | None = None) -> Any:
    subject = _subject(request, person_id, pk)
    form = CaseNoteForm(_post(request), initial={"visibility": _default_visibility(request)})
    if request.method == "POST" and form.is_valid():
        note = call_service(
            form,
            services.case_note_record,
            actor=request.user,
            **subject,
            **form.service_fields(),
        )
        if note is not None:
            messages.success(request, f"{note.get_kind_display()} recorded.")
            return _back(subject)
    context = {"form": form, "title": "Record a visit or contact", "button": "Save the note"}
    return render(request, "recording/form_page.html", {**context, **subject})


@login_required
@not_found_as_404
def note_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    note = selectors.note_get(user=request.user, note_id=pk)
    subject = {"person": note.person} if note.person_id else {"episode": note.episode}
    form = CaseNoteForm(_post(request), initial=CaseNoteForm.initial_from(note))
    if request.method == "POST" and form.is_valid():
        expected = request.POST.get("expected_version", "")
        changed = call_service(
            form,
            services.case_note_edit,
            actor=request.user,
            note=note,
            expected_version=int(expected) if expected.isdigit() else -1,
            **form.service_fields(),
        )
        if changed is not None:
            messages.success(request, "The note has been changed. The earlier version is kept.")
            return _back(subject)
    context = {
        "form": form,
        "title": "Correct a note",
        "button": "Save the correction",
        "expected_version": note.version,
        "versions": selectors.note_versions(user=request.user, note=note),
    }
    return render(request, "recording/form_page.html", {**context, **subject})


@login_required
@not_found_as_404
def document_upload(
    request: AuthedRequest, person_id: int | None = None, pk: int | None = None
) -> HttpResponse:
    subject = _subject(request, person_id, pk)
    episode = subject.get("episode")
    form = DocumentForm(
        _post(request),
        request.FILES if request.method == "POST" else None,
        initial={"visibility": _default_visibility(request)},
        invitations=episode.invitations.all() if episode else None,
        actions=episode.actions.all() if episode else None,
    )
    if request.method == "POST" and form.is_valid():
        document = call_service(
            form, services.document_upload, actor=request.user, **subject, **form.cleaned_data
        )
        if document is not None:
            messages.success(request, f"{document.title} uploaded.")
            return _back(subject)
    context = {
        "form": form,
        "title": "Upload a document",
        "button": "Upload",
        "multipart": True,
    }
    return render(request, "recording/form_page.html", {**context, **subject})


@login_required
@not_found_as_404
def document_download(request: AuthedRequest, pk: int) -> FileResponse:
    document = selectors.document_open(user=request.user, document_id=pk)
    return file_response(document)


def file_response(document: Any) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    # Security: never rendered by the browser, whatever it contains.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


@login_required
def family_documents(request: HttpRequest) -> HttpResponse:
    documents = selectors.family_documents(user=request.user)
    return render(request, "recording/family_documents.html", {"documents": documents})


@login_required
@not_found_as_404
def invitation_new(request: AuthedRequest, pk: int) -> HttpResponse:
    episode = selectors.episode_for_recording(user=request.user, episode_id=pk)
    team, family = selectors.invitation_choices(user=request.user, episode=episode)
    form = InvitationForm(_post(request), team=team, family=family)
    if request.method == "POST" and form.is_valid():
        invitation = call_service(
            form,
            services.invitation_schedule,
            actor=request.user,
            episode=episode,
            **form.service_fields(),
        )
        if invitation is not None:
            messages.success(request, "The meeting is arranged and the invitations are sent.")
            return redirect("recording:invitation", invitation.pk)
    context = {"form": form, "title": "Arrange a meeting", "button": "Send the invitations"}
    return render(request, "recording/form_page.html", {**context, "episode": episode})


@login_required
@not_found_as_404
def invitation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, invitation_id=pk)
    return render(
        request,
        "recording/invitation.html",
        {
            "invitation": invitation,
            "episode": invitation.episode,
            "invitees": list(invitation.invitees.all()),
        },
    )


def _expected(form: Any) -> int:
    return int(form.cleaned_data["expected_version"])


@login_required
@not_found_as_404
def invitation_change(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, invitation_id=pk)
    initial = {
        "expected_version": invitation.version,
        "place": invitation.place,
        "link": invitation.link,
    }
    form = InvitationChangeForm(_post(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form,
            services.invitation_change,
            actor=request.user,
            invitation=invitation,
            expected_version=_expected(form),
            **form.times(),
        )
        if changed is not None:
            messages.success(request, "The meeting has changed and everyone invited is told.")
            return redirect("recording:invitation", invitation.pk)
    context = {"form": form, "title": "Change the meeting", "button": "Send the update"}
    return render(request, "recording/form_page.html", {**context, "episode": invitation.episode})


@login_required
@not_found_as_404
def invitation_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, invitation_id=pk)
    form = InvitationCancelForm(_post(request), initial={"expected_version": invitation.version})
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.invitation_cancel,
            actor=request.user,
            invitation=invitation,
            expected_version=_expected(form),
        )
        if done is not None:
            messages.success(request, "The meeting is cancelled and everyone invited is told.")
            return redirect("recording:invitation", invitation.pk)
    context = {
        "form": form,
        "title": "Cancel the meeting",
        "button": "Cancel the meeting",
        "intro": "Everyone invited gets a cancellation for their calendar.",
    }
    return render(request, "recording/form_page.html", {**context, "episode": invitation.episode})


@login_required
@not_found_as_404
def attendance(request: AuthedRequest, pk: int) -> HttpResponse:
    invitation = selectors.invitation_get(user=request.user, invitation_id=pk)
    invitees = list(invitation.invitees.all())
    initial: dict[str, Any] = {"expected_version": invitation.version}
    initial.update({f"invitee_{i.pk}": i.attendance for i in invitees if i.attendance})
    form = AttendanceForm(_post(request), invitees=invitees, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.attendance_record,
            actor=request.user,
            invitation=invitation,
            expected_version=_expected(form),
            attendance=form.attendance(),
        )
        if done is not None:
            messages.success(request, "Attendance recorded.")
            return redirect("recording:invitation", invitation.pk)
    context = {"form": form, "title": "Who came to the meeting", "button": "Save attendance"}
    return render(request, "recording/form_page.html", {**context, "episode": invitation.episode})
