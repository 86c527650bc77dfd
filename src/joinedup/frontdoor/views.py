"""Pages for raising requests, the front door's queue and triage, and episodes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.errors import ApplicationError
from joinedup.frontdoor import selectors, services
from joinedup.frontdoor.forms import (
    DecisionForm,
    ImmediateRiskForm,
    NewPersonForm,
    PeriodForm,
    RatingForm,
    ReassignForm,
    RequestDetailsForm,
    SecondOpinionForm,
)
from joinedup.frontdoor.timeliness import front_door_settings
from joinedup.identity import selectors as identity_selectors
from joinedup.people import selectors as people_selectors
from joinedup.web.forms import PersonSearchForm, call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


@login_required
def my_requests(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "frontdoor/my_requests.html",
        {
            "requests": selectors.my_requests(user=request.user),
            "sent_to_me": selectors.requests_sent_to_me(user=request.user),
        },
    )


@login_required
def request_new(request: AuthedRequest) -> HttpResponse:
    form = ImmediateRiskForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        draft = services.request_start(
            actor=request.user, immediate_risk=form.cleaned_data["immediate_risk"] == "yes"
        )
        if draft.immediate_risk:
            return redirect("frontdoor:request-call-now", draft.pk)
        return redirect("frontdoor:request-people", draft.pk)
    return render(request, "frontdoor/request_new.html", {"form": form})


@login_required
@not_found_as_404
def request_call_now(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get(user=request.user, request_id=pk)
    lines = [line for line in front_door_settings().call_now.splitlines() if line.strip()]
    return render(request, "frontdoor/request_call_now.html", {"draft": draft, "lines": lines})


@login_required
@not_found_as_404
def request_people(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get(user=request.user, request_id=pk)
    search = PersonSearchForm(request.GET or None)
    new_form = NewPersonForm(request.POST if "add_new" in request.POST else None)
    probable: list[Any] = []
    if request.method == "POST":
        if "add_existing" in request.POST:
            try:
                services.request_add_person(
                    actor=request.user, request=draft, person_id=int(request.POST["add_existing"])
                )
            except (ApplicationError, ValueError):
                messages.error(request, "That person could not be added. Search again.")
            return redirect("frontdoor:request-people", draft.pk)
        if "remove" in request.POST:
            services.request_remove_person(
                actor=request.user, request=draft, person_id=int(request.POST["remove"])
            )
            return redirect("frontdoor:request-people", draft.pk)
        if "add_new" in request.POST and new_form.is_valid():
            # "Probably the same person": only among those the asker may already see.
            if "confirm_new" not in request.POST:
                probable = identity_selectors.probable_matches(
                    user=request.user, details=new_form.cleaned_data
                )
            if not probable:
                person = call_service(
                    new_form,
                    services.request_add_person,
                    actor=request.user,
                    request=draft,
                    new_person=new_form.cleaned_data,
                )
                if person is not None:
                    return redirect("frontdoor:request-people", draft.pk)
        if "continue" in request.POST:
            if draft.people.filter(person__kind="child").exists():
                return redirect("frontdoor:request-details", draft.pk)
            messages.error(request, "Add at least one child the request is about.")
            return redirect("frontdoor:request-people", draft.pk)
    results = None
    if (
        search.is_bound
        and search.is_valid()
        and (search.cleaned_data["name"] or search.cleaned_data["date_of_birth"])
    ):
        results = people_selectors.my_people(
            user=request.user,
            name=search.cleaned_data["name"],
            date_of_birth=search.cleaned_data["date_of_birth"],
            per_page=10,
        )
    added = [rp.person for rp in draft.people.select_related("person")]
    return render(
        request,
        "frontdoor/request_people.html",
        {
            "draft": draft,
            "search": search,
            "results": results,
            "added": added,
            "form": new_form,
            "added_ids": {p.pk for p in added},
            "probable": probable,
        },
    )


@login_required
@not_found_as_404
def request_details(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get(user=request.user, request_id=pk)
    initial = {
        "concern": draft.concern,
        "needs": list(draft.needs.all()),
        "family_wants": draft.family_wants,
        "family_agreement": draft.family_agreement,
        "not_asked_reason": draft.not_asked_reason,
        "contact_telephone": draft.contact_telephone,
        "contact_email": draft.contact_email,
    }
    form = RequestDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.request_describe, actor=request.user, request=draft, **form.cleaned_data
        )
        if done is not None:
            return redirect("frontdoor:request-check", draft.pk)
    return render(request, "frontdoor/request_details.html", {"draft": draft, "form": form})


@login_required
@not_found_as_404
def request_check(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_get(user=request.user, request_id=pk)
    error = None
    if request.method == "POST":
        try:
            services.request_submit(actor=request.user, request=draft)
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("frontdoor:request-sent", draft.pk)
    return render(
        request,
        "frontdoor/request_check.html",
        {
            "draft": draft,
            "persons": [rp.person for rp in draft.people.select_related("person")],
            "error": error,
        },
    )


@login_required
@not_found_as_404
def request_sent(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.request_get(user=request.user, request_id=pk)
    return render(request, "frontdoor/request_sent.html", {"view": view})


def _triage_forms(request: AuthedRequest, view: Any, bound: str | None = None) -> dict[str, Any]:
    data = request.POST if request.method == "POST" else None
    version = {"version": view.request.version}
    colleagues = selectors.front_door_colleagues(user=request.user)
    leads = selectors.lead_professional_choices(user=request.user)
    return {
        "rate_form": RatingForm(
            data if bound == "rate" else None, initial={**version, "rating": view.request.rating}
        ),
        "assign_form": ReassignForm(
            data if bound == "assign" else None, initial=version, colleagues=colleagues
        ),
        "opinion_form": SecondOpinionForm(data if bound == "opinion" else None),
        "decide_form": DecisionForm(
            data if bound == "decide" else None, initial=version, leads=leads
        ),
    }


@login_required
@not_found_as_404
def request_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    view = selectors.request_get(user=request.user, request_id=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = _triage_forms(request, view, action) if view.may_triage else {}
    if action and view.may_triage:
        form = forms[f"{action}_form"]
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            service = {
                "rate": services.request_rate,
                "assign": services.request_reassign,
                "opinion": services.request_second_opinion,
                "decide": services.request_decide,
            }[action]
            kwargs = {"expected_version": version} if version is not None else {}
            if (
                call_service(
                    form, service, actor=request.user, request=view.request, **data, **kwargs
                )
                is not None
            ):
                messages.success(
                    request,
                    {
                        "rate": "Rating changed.",
                        "assign": "Request reassigned.",
                        "opinion": "Second opinion recorded.",
                        "decide": "Decision recorded.",
                    }[action],
                )
                return redirect("frontdoor:request", pk)
    return render(
        request,
        "frontdoor/request_detail.html",
        {
            "view": view,
            **forms,
            "triage_forms": list(forms.values()),
        },
    )


@login_required
@not_found_as_404
def front_door(request: AuthedRequest) -> HttpResponse:
    items = selectors.front_door_queue(user=request.user)
    return render(
        request,
        "frontdoor/front_door.html",
        {
            "items": items,
            "overdue": sum(1 for i in items if i.overdue),
        },
    )


@login_required
@not_found_as_404
def timeliness(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    start, end = today - timedelta(days=90), today
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    figures = selectors.timeliness_figures(user=request.user, start=start, end=end)
    return render(
        request,
        "frontdoor/timeliness.html",
        {
            "form": form,
            "figures": figures,
            "start": start,
            "end": end,
            "max_received": max([f.received for f in figures] + [1]),
            "chart_height": 40 * len(figures) + 10,
        },
    )
