"""Pages of the team around the family. Each change is one small form page over one service."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from joinedup.episodes import feedback, selectors, services
from joinedup.episodes import forms as f
from joinedup.episodes.models import (
    Action,
    ActionStatus,
    CriticalIncident,
    Disagreement,
    EpisodeStatus,
    LeadProposal,
    PlanVersion,
    TeamDecision,
)
from joinedup.errors import NotFound
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


@login_required
@not_found_as_404
def episode_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.episode_get(user=request.user, episode_id=pk)
    return render(request, "episodes/episode.html", {"view": view, "episode": view.episode})


@login_required
def my_work(request: AuthedRequest) -> HttpResponse:
    work = selectors.my_work(user=request.user, page=request.GET.get("page") or 1)
    return render(request, "episodes/my_work.html", {"work": work})


def _form_page(
    request: AuthedRequest,
    pk: int,
    form_class: type,
    service: Callable[..., Any],
    *,
    title: str,
    button: str,
    done: str,
    form_kwargs: dict[str, Any] | None = None,
    service_kwargs: Callable[[Any], dict[str, Any]] | None = None,
    intro: str = "",
    initial: dict[str, Any] | None = None,
    next_url: Callable[[Any], str | None] | None = None,
) -> HttpResponse:
    """Show a form for one change to an episode; on a valid post, run the service."""
    view = selectors.episode_get(user=request.user, episode_id=pk)
    if not view.may_edit:
        raise NotFound()
    episode = view.episode
    # Forms whose choices depend on the team take the episode.
    takes_episode = "episode" in inspect.signature(form_class).parameters
    kwargs: dict[str, Any] = {"episode": episode} if takes_episode else {}
    kwargs |= form_kwargs or {}
    if initial is not None:  # a form's own initial values (its version, say) stay otherwise
        kwargs["initial"] = initial
    form = form_class(request.POST if request.method == "POST" else None, **kwargs)
    form.episode = episode
    if request.method == "POST" and form.is_valid():
        # By default a form's answers go to the service with the episode they change.
        values = (
            service_kwargs(form) if service_kwargs else {**form.cleaned_data, "episode": episode}
        )
        result = call_service(form, service, actor=request.user, **values)
        if result is not None:
            messages.success(request, done)
            return redirect(
                (next_url and next_url(result)) or reverse("episodes:episode", args=[pk])
            )
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "episode": episode,
            "title": title,
            "button": button,
            "intro": intro,
        },
    )


def _owned(model: Any, pk: int, episode_pk: int, path: str = "episode_id") -> Any:
    found = model.objects.filter(pk=pk, **{path: episode_pk}).first()
    if found is None:
        raise NotFound()
    return found


@login_required
@not_found_as_404
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.MemberForm,
        services.member_add,
        title="Add someone to the team",
        button="Add to the team",
        done="Added to the team.",
    )


@login_required
@not_found_as_404
def hand_over(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.HandoverForm,
        services.lead_professional_hand_over,
        title="Change the lead professional",
        button="Ask them to take the lead",
        done="Asked. The lead changes when they accept; you will be told if they decline.",
        intro="There is always exactly one lead professional. Record why it is "
        "changing, and what the family would prefer. The person you choose is asked first.",
    )


@login_required
@not_found_as_404
def outcome_add(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.OutcomeForm,
        services.outcome_add,
        title="Add an outcome to the plan",
        button="Add the outcome",
        done="Outcome added to the plan.",
    )


@login_required
@not_found_as_404
def action_add(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.ActionForm,
        services.action_add,
        title="Add an action to the plan",
        button="Add the action",
        done="Action added to the plan.",
    )


@login_required
@not_found_as_404
def action_update(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    view = selectors.episode_get(user=request.user, episode_id=pk)  # policy first
    if not view.may_edit:
        raise NotFound()
    action = _owned(Action, action_pk, pk)
    initial = {"status": action.status, "expected_version": action.version}
    form = f.ActionUpdateForm(request.POST if request.method == "POST" else None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "action": action}
        if call_service(form, services.action_update, actor=request.user, **values) is not None:
            messages.success(request, "Action updated.")
            return redirect("episodes:episode", pk)
        saved = selectors.action_as_saved(action_id=action.pk)
        if saved.version != form.cleaned_data["expected_version"]:
            # Someone saved first: show both, and let them save theirs over the new version.
            conflict = {
                "theirs": form.cleaned_data,
                "theirs_status": ActionStatus(form.cleaned_data["status"]).label,
                "saved": saved,
                "saved_note": saved.notes.order_by("-at", "-pk").first(),
            }
            data = request.POST.copy()
            data["expected_version"] = str(saved.version)
            told = form.non_field_errors()
            form = f.ActionUpdateForm(data)
            for message in told:
                form.add_error(None, message)
    return render(
        request,
        "episodes/action_update.html",
        {"form": form, "episode": view.episode, "action": action, "conflict": conflict},
    )


@login_required
@not_found_as_404
def meeting_add(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.MeetingForm,
        services.meeting_record,
        title="Record a meeting",
        button="Save the meeting",
        done="Meeting recorded; the plan as it stood has been kept as a version.",
        service_kwargs=lambda form: {**form.service_kwargs(), "episode": form.episode},
        # Every review asks for the outcome scores, in the team's and the family's view.
        next_url=lambda meeting: (
            f"{reverse('outcomes:record', args=[pk])}?meeting={meeting.pk}"
            if meeting.kind == "review" and meeting.episode.outcomes.exists()
            else None
        ),
    )


@login_required
@not_found_as_404
def decision_add(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.TeamDecisionForm,
        services.decision_record,
        title="Record a team decision",
        button="Record the decision",
        done="Decision recorded.",
    )


@login_required
@not_found_as_404
def disagreement_add(request: AuthedRequest, pk: int, decision_pk: int) -> HttpResponse:
    selectors.episode_get(user=request.user, episode_id=pk)
    decision = _owned(TeamDecision, decision_pk, pk)
    return _form_page(
        request,
        pk,
        f.DisagreementForm,
        services.disagreement_raise,
        title="Record a disagreement",
        button="Record the disagreement",
        done="Disagreement recorded. The whole team has been told.",
        intro=f"Decision: {decision.text}",
        service_kwargs=lambda form: {**form.cleaned_data, "decision": decision},
    )


@login_required
@not_found_as_404
def disagreement_escalate(request: AuthedRequest, pk: int, d_pk: int) -> HttpResponse:
    selectors.episode_get(user=request.user, episode_id=pk)
    d = _owned(Disagreement, d_pk, pk, "decision__episode_id")
    return _form_page(
        request,
        pk,
        f.EscalateForm,
        services.disagreement_escalate,
        title="Escalate the disagreement",
        button="Escalate",
        done="Disagreement escalated.",
        initial={"expected_version": d.version},
        intro=f"Now at level {d.level}: {d.level_label.lower()}.",
        service_kwargs=lambda form: {**form.cleaned_data, "disagreement": d},
    )


@login_required
@not_found_as_404
def disagreement_resolve(request: AuthedRequest, pk: int, d_pk: int) -> HttpResponse:
    selectors.episode_get(user=request.user, episode_id=pk)
    d = _owned(Disagreement, d_pk, pk, "decision__episode_id")
    return _form_page(
        request,
        pk,
        f.ResolveForm,
        services.disagreement_resolve,
        title="Resolve the disagreement",
        button="Record the resolution",
        done="Disagreement resolved.",
        initial={"expected_version": d.version},
        service_kwargs=lambda form: {
            **form.cleaned_data,
            "disagreement": d,
            "upheld": form.cleaned_data["upheld"] == "yes",
        },
    )


@login_required
@not_found_as_404
def incident_add(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.IncidentForm,
        services.incident_record,
        title="Record a critical incident",
        button="Record and tell the team",
        done="Incident recorded. Every member of the team has been told.",
        service_kwargs=lambda form: {**form.service_kwargs(), "episode": form.episode},
    )


@login_required
@not_found_as_404
def incident_acknowledge(request: AuthedRequest, pk: int, incident_pk: int) -> HttpResponse:
    selectors.episode_get(user=request.user, episode_id=pk)
    incident = _owned(CriticalIncident, incident_pk, pk)
    if request.method == "POST":
        try:
            services.incident_acknowledge(actor=request.user, incident=incident)
            messages.success(request, "Incident acknowledged.")
        except Exception as error:  # ApplicationError: shown as a message on the episode page
            messages.error(request, getattr(error, "message", "Could not acknowledge."))
    return redirect("episodes:episode", pk)


@login_required
@not_found_as_404
def step_up(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.StepForm,
        services.episode_step_up,
        title="Step up to children's social care",
        button="Step up",
        done="Done. The social worker you named is asked to take the lead; the episode steps up "
        "when they accept (at once if you named yourself). The history continues in this episode.",
        form_kwargs={"kind": LeadProposal.Kind.STEP_UP},
    )


@login_required
@not_found_as_404
def step_down(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.StepForm,
        services.episode_step_down,
        title="Step down to early help",
        button="Step down",
        done="Done. The episode steps down when the new lead accepts (at once if the lead stays "
        "or you named yourself).",
        form_kwargs={"kind": LeadProposal.Kind.STEP_DOWN},
    )


@login_required
@not_found_as_404
def lead_proposal(request: AuthedRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The proposed lead answers: accept, or decline with a reason. Nobody else sees this page."""
    proposal = selectors.lead_proposal_get(
        user=request.user, episode_id=pk, proposal_id=proposal_pk
    )
    form = f.LeadDeclineForm(request.POST if request.POST.get("answer") == "decline" else None)
    if request.method == "POST":
        if request.POST.get("answer") == "accept":
            if call_service(
                form, services.lead_proposal_accept, actor=request.user, proposal=proposal
            ):
                messages.success(
                    request, f"You are now the lead professional for {proposal.episode.reference}."
                )
                return redirect("episodes:episode", pk)
        elif form.is_valid() and call_service(
            form,
            services.lead_proposal_decline,
            actor=request.user,
            proposal=proposal,
            **form.cleaned_data,
        ):
            messages.success(request, "Declined. Whoever asked you has been told why.")
            return redirect("episodes:my-work")
    return render(request, "episodes/lead_proposal.html", {"proposal": proposal, "form": form})


@login_required
@not_found_as_404
def close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _form_page(
        request,
        pk,
        f.CloseForm,
        services.episode_close,
        title="Close the episode",
        button="Close the episode",
        done="Episode closed. The family has been asked for their feedback.",
    )


@login_required
@not_found_as_404
def plan_versions(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.episode_get(user=request.user, episode_id=pk)
    versions = list(PlanVersion.objects.filter(episode=view.episode).order_by("number"))
    number = int(request.GET.get("version", versions[-1].number if versions else 0) or 0)
    chosen = next((v for v in versions if v.number == number), None)
    previous = next((v for v in versions if v.number == number - 1), None)
    diff = services.plan_diff(previous, chosen) if chosen else []
    return render(
        request,
        "episodes/plan_versions.html",
        {
            "episode": view.episode,
            "versions": versions,
            "chosen": chosen,
            "previous": previous,
            "diff": diff,
        },
    )


@login_required
@not_found_as_404
def episode_start(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A practitioner already working with the family starts a team around it (practitioner-led)."""
    from joinedup.people import selectors as people_selectors

    view = people_selectors.person_get(user=request.user, person_id=person_id)
    candidates = [view.person] + [r.person for r in view.relatives if r.visible]
    form = f.EpisodeStartForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        initial={"persons": [view.person.pk]},
    )
    if request.method == "POST" and form.is_valid():
        chosen = [p for p in candidates if str(p.pk) in form.cleaned_data["persons"]]
        episode = call_service(
            form,
            services.episode_open_practitioner_led,
            actor=request.user,
            persons=chosen,
            reason=form.cleaned_data["reason"],
        )
        if episode is not None:
            messages.success(
                request,
                "Team around the family started. You are the lead "
                "professional until the first meeting agrees who.",
            )
            return redirect("episodes:episode", episode.pk)
    return render(
        request,
        "episodes/episode_start.html",
        {"form": form, "person": view.person, "open_episodes": view.episodes},
    )


@login_required
@not_found_as_404
def closure_feedback_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """The family's feedback at closure, given in person or by phone, written down by the team."""
    episode, _ = feedback.closure_feedback_for_episode(user=request.user, episode_id=pk)
    if episode.status != EpisodeStatus.CLOSED:
        raise NotFound()
    form = f.ClosureFeedbackForm(
        request.POST if request.method == "POST" else None,
        episode=episode,
        initial={"given_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            feedback.record_closure_feedback,
            actor=request.user,
            episode=episode,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, "The family's feedback has been recorded.")
            return redirect("episodes:episode", pk)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "episode": episode,
            "title": "Record the family's feedback",
            "button": "Save the feedback",
            "intro": "What the family told you, in person or by phone, about the help they "
            "had. Family members can also give their feedback online on their own pages.",
        },
    )
