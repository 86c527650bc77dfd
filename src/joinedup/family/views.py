"""The family's own pages, and the team's pages for family accounts and the family's voice.

Thin: each page asks one selector (through the policy) or calls one service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from joinedup.episodes.feedback import record_closure_feedback
from joinedup.episodes.models import ClosureFeedback
from joinedup.errors import NotFound
from joinedup.family import forms, selectors, services
from joinedup.sharing import policy, withholding
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404

EPISODE_PAGES = [
    ("family:plan", "Your plan"),
    ("family:team", "Your team"),
    ("family:meetings", "Meetings"),
    ("family:say", "Have your say"),
    ("outcomes:family", "How things are"),
]


def _navigation(request: HttpRequest, current: str, episode_pk: int | None = None) -> list[dict]:
    """The family's own menu, in place of the practitioners' one."""
    items: list[tuple[str, str, tuple[int, ...]]] = [("family:home", "Home", ())]
    if episode_pk is not None:
        items += [(name, text, (episode_pk,)) for name, text in EPISODE_PAGES]
    items.append(("family:consent", "Your consent", ()))
    return [
        {"href": reverse(name, args=args), "text": text, "current": name == current}
        for name, text, args in items
    ]


def _family_page(
    request: HttpRequest, template: str, current: str, episode_pk: int | None, **context: Any
) -> HttpResponse:
    context["navigation"] = _navigation(request, current, episode_pk)
    return render(request, f"family/{template}", context)


# --- The family's pages -------------------------------------------------------------------------


@login_required
@not_found_as_404
def home(request: AuthedRequest) -> HttpResponse:
    view = selectors.home(user=request.user)
    return _family_page(request, "home.html", "family:home", None, view=view)


@login_required
@not_found_as_404
def plan(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.plan_get(user=request.user, episode_id=pk)
    return _family_page(request, "plan.html", "family:plan", pk, view=view, base=view.base)


@login_required
@not_found_as_404
def team(request: AuthedRequest, pk: int) -> HttpResponse:
    base = selectors.team_get(user=request.user, episode_id=pk)
    return _family_page(request, "team.html", "family:team", pk, base=base)


@login_required
@not_found_as_404
def meetings(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.meetings_get(user=request.user, episode_id=pk)
    return _family_page(request, "meetings.html", "family:meetings", pk, view=view, base=view.base)


@login_required
@not_found_as_404
def say(request: AuthedRequest, pk: int) -> HttpResponse:
    """Have your say: a comment on the plan (and links to your own actions)."""
    form = forms.CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.family_comment_add,
            actor=request.user,
            episode_id=pk,
            text=form.cleaned_data["text"],
        )
        if done is not None:
            messages.success(request, "Thank you. Your team can now read your comment.")
            return redirect("family:say", pk)
    view = selectors.say_get(user=request.user, episode_id=pk)
    return _family_page(request, "say.html", "family:say", pk, view=view, base=view.base, form=form)


@login_required
@not_found_as_404
def progress(request: AuthedRequest, pk: int, action_pk: int) -> HttpResponse:
    """Tell the team how one of your own actions is going."""
    plan_view, action = selectors.own_action_get(
        user=request.user, episode_id=pk, action_id=action_pk
    )
    form = forms.ProgressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.action_progress_add,
            actor=request.user,
            episode_id=pk,
            action_id=action_pk,
            done=form.cleaned_data["how"] == "done",
            text=form.cleaned_data["text"],
        )
        if done is not None:
            messages.success(request, "Thank you. We have told your lead professional.")
            return redirect("family:plan", pk)
    return _family_page(
        request,
        "progress.html",
        "family:plan",
        pk,
        base=plan_view.base,
        action=action,
        form=form,
    )


@login_required
@not_found_as_404
def feedback(request: AuthedRequest, pk: int) -> HttpResponse:
    """At the end: how much the help made a difference (casework's closure feedback)."""
    view = selectors.say_get(user=request.user, episode_id=pk)
    if not view.feedback_open:
        raise NotFound()
    form = forms.FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            record_closure_feedback,
            actor=request.user,
            episode=view.base.episode,
            how=ClosureFeedback.How.ONLINE,
            rating=form.cleaned_data["rating"],
            what_helped=form.cleaned_data["what_helped"],
            could_be_better=form.cleaned_data["could_be_better"],
        )
        if done is not None:
            messages.success(request, "Thank you for telling us how it went.")
            return redirect("family:say", pk)
    return _family_page(
        request, "feedback.html", "family:say", pk, view=view, base=view.base, form=form
    )


@login_required
@not_found_as_404
def consent(request: AuthedRequest) -> HttpResponse:
    records = selectors.consent_get(user=request.user)
    return _family_page(request, "consent.html", "family:consent", None, records=records)


@login_required
@not_found_as_404
def withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    """Ask the team to withdraw a consent; a practitioner records the withdrawal."""
    record = selectors.consent_record_get(user=request.user, consent_id=pk)
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.consent_withdrawal_ask,
            actor=request.user,
            consent_id=pk,
            note=form.cleaned_data["note"],
        )
        if done is not None:
            messages.success(
                request, "We have told your lead professional. They will contact you soon."
            )
            return redirect("family:consent")
    return _family_page(request, "withdraw.html", "family:consent", None, record=record, form=form)


def activate(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time invitation link: the family member chooses a password."""
    account = services.account_for_token(token)
    if account is None:
        return render(request, "family/link_expired.html", {"navigation": []}, status=404)
    form = forms.ActivateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.family_account_activate,
            token=token,
            password=form.cleaned_data["password"],
            password_again=form.cleaned_data["password_again"],
        )
        if done is not None:
            messages.success(request, "Your account is ready. Sign in with your new password.")
            return redirect(reverse("web:sign-in") + "?next=" + reverse("family:home"))
    return render(
        request,
        "family/activate.html",
        {"form": form, "account": account, "navigation": []},
    )


# --- The team's pages ---------------------------------------------------------------------------


@login_required
@not_found_as_404
def accounts(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.accounts_for_episode(user=request.user, episode_id=pk)
    return render(request, "family/accounts.html", {"view": view, "episode": view.episode})


@login_required
@not_found_as_404
def invite(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.accounts_for_episode(user=request.user, episode_id=pk)
    if not view.may_invite:
        raise NotFound()
    people = policy.family_participants(view.episode).order_by("family_name", "given_name")
    form = forms.InviteForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        invitation = call_service(
            form,
            services.family_account_invite,
            actor=request.user,
            episode=view.episode,
            person=form.cleaned_data["person"],
            email=form.cleaned_data["email"],
            site_url=request.build_absolute_uri("/"),
        )
        if invitation is not None:
            # Shown once, not stored in a message: the link is a secret.
            return render(
                request,
                "family/invited.html",
                {
                    "episode": view.episode,
                    "invitation": invitation,
                    "url": request.build_absolute_uri(invitation.link),
                    "days": services.INVITATION_DAYS,
                },
            )
    return render(request, "family/invite.html", {"form": form, "episode": view.episode})


@login_required
@not_found_as_404
def revoke(request: AuthedRequest, pk: int, account_pk: int) -> HttpResponse:
    episode, account = selectors.account_get(
        user=request.user, episode_id=pk, account_id=account_pk
    )
    if request.method == "POST":
        if account.revoked_at is None:
            services.family_account_revoke(actor=request.user, episode=episode, account=account)
        messages.success(request, f"{account.person.full_name} can no longer sign in.")
        return redirect("family:accounts", pk)
    return render(request, "family/revoke.html", {"episode": episode, "account": account})


@login_required
@not_found_as_404
def withhold(request: AuthedRequest, pk: int, person_pk: int) -> HttpResponse:
    """The team decides an episode is not shared with one person in the family (audited)."""
    view = selectors.accounts_for_episode(user=request.user, episode_id=pk)
    participant = next((p for p in view.participants if p.person.pk == person_pk), None)
    if participant is None or not view.may_invite:
        raise NotFound()
    form = forms.WithholdForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            withholding.family_withhold,
            actor=request.user,
            episode=view.episode,
            person=participant.person,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(
                request,
                f"Episode {view.episode.reference} is no longer shared with {participant.name} "
                "on their own pages.",
            )
            return redirect("family:accounts", pk)
    return render(
        request,
        "family/withhold.html",
        {"form": form, "episode": view.episode, "participant": participant},
    )


@login_required
@not_found_as_404
def share_again(request: AuthedRequest, pk: int, withholding_pk: int) -> HttpResponse:
    view = selectors.accounts_for_episode(user=request.user, episode_id=pk)
    found = next(
        (p.withheld for p in view.participants if p.withheld and p.withheld.pk == withholding_pk),
        None,
    )
    if found is None or not view.may_invite:
        raise NotFound()
    if request.method == "POST":
        withholding.family_withhold_end(actor=request.user, withholding=found)
        messages.success(request, f"Shared with {found.person.full_name} again.")
        return redirect("family:accounts", pk)
    return render(request, "family/share_again.html", {"episode": view.episode, "withheld": found})


@login_required
@not_found_as_404
def team_voice(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.voice_for_episode(user=request.user, episode_id=pk)
    return render(request, "family/voice.html", {"view": view, "episode": view.episode})
