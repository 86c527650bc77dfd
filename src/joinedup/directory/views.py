"""Pages of the service directory: find a service, refer, follow a referral, answer by link."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from joinedup.directory import reporting, selectors, services
from joinedup.directory.forms import (
    LinkForm,
    ReferralForm,
    ReferralUpdateForm,
    ServiceForm,
    ServiceSearchForm,
)
from joinedup.directory.models import ReferralStatus, SharedItem
from joinedup.errors import NotFound
from joinedup.sharing import policy
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


def _practitioner(request: AuthedRequest) -> None:
    """Security: the directory's pages are for practitioners; anyone else sees a missing page."""
    if not policy.is_practitioner(request.user):
        raise NotFound()


def _episode(request: AuthedRequest, episode_id: Any) -> Any:
    if episode_id in (None, ""):
        return None
    return policy.require_episode(request.user, episode_id, purpose="referral")


def _signposted(request: AuthedRequest, request_id: Any) -> Any:
    """The signposted request for support a search or a service page refers from, if any."""
    if request_id in (None, ""):
        return None
    return selectors.request_to_refer(user=request.user, request_id=request_id)[0]


@login_required
@not_found_as_404
def service_search(request: AuthedRequest) -> HttpResponse:
    _practitioner(request)
    needs, terms = selectors.needs_and_terms()
    form = ServiceSearchForm(request.GET or None, needs=needs, terms=terms)
    results, episode, signposted = None, None, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        episode = _episode(request, data["episode"])
        signposted = None if episode else _signposted(request, data["from_request"])
        query = selectors.ServiceQuery(
            text=data["text"].strip(),
            need=data["need"],
            term=data["term"],
            age=data["age"],
            district=data["district"].strip(),
            free_only=data["free_only"],
            open_now=data["open_now"],
            takes_referrals=data["takes_referrals"],
        )
        results = selectors.services_find(user=request.user, query=query)
    return render(
        request,
        "directory/search.html",
        {
            "form": form,
            "results": results,
            "episode": episode,
            "signposted": signposted,
            "may_follow_feeds": policy.may_follow_feeds(request.user),
        },
    )


@login_required
@not_found_as_404
def service_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _practitioner(request)
    service = selectors.service_get(user=request.user, service_id=pk)
    episode = _episode(request, request.GET.get("episode"))
    signposted = None if episode else _signposted(request, request.GET.get("from_request"))
    return render(
        request,
        "directory/service.html",
        {
            "service": service,
            "episode": episode,
            "signposted": signposted,
            "may_keep": policy.may_keep_service_organisation(request.user, service.organisation),
        },
    )


@login_required
@not_found_as_404
def service_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    _practitioner(request)
    service = selectors.service_get(user=request.user, service_id=pk)
    if not policy.may_keep_service_organisation(request.user, service.organisation):
        raise NotFound()
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        terms = data.pop("taxonomy_terms")
        fresh = selectors.service_get(user=request.user, service_id=pk)
        update = partial(services.service_update, service=fresh, taxonomy_terms=terms)
        if call_service(form, update, actor=request.user, **data):
            messages.success(request, "Service updated.")
            return redirect("directory:service", pk)
    return render(request, "directory/service_edit.html", {"form": form, "service": service})


@login_required
@not_found_as_404
def referral_new(request: AuthedRequest, episode_pk: int, pk: int) -> HttpResponse:
    episode = policy.require_episode(request.user, episode_pk, purpose="referral")
    if not policy.may_edit_episode(request.user, episode):
        raise NotFound()
    service = selectors.service_get(user=request.user, service_id=pk)
    persons = list(policy.persons_visible_to(request.user).filter(episodes=episode))
    form = ReferralForm(request.POST or None, persons=persons)
    if not service.takes_referrals:
        form.add_application_error(None, "This service does not take referrals through joinedup.")
    elif request.method == "POST" and form.is_valid():
        referral = _send(request.user, form, service, persons, episode=episode)
        if referral is not None:
            messages.success(request, f"Referral {referral.reference} sent to {service.name}.")
            return redirect("directory:referral", referral.pk)
    return render(
        request,
        "directory/referral_new.html",
        {"form": form, "service": service, "episode": episode},
    )


@login_required
@not_found_as_404
def request_referral_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Refer from a request for support the front door signposted, with the family's agreement."""
    signposted, persons = selectors.request_to_refer(user=request.user, request_id=pk)
    service = selectors.service_get(user=request.user, service_id=request.GET.get("service"))
    form = ReferralForm(request.POST or None, persons=persons)
    if not service.takes_referrals:
        form.add_application_error(None, "This service does not take referrals through joinedup.")
    elif request.method == "POST" and form.is_valid():
        referral = _send(request.user, form, service, persons, request=signposted)
        if referral is not None:
            messages.success(request, f"Referral {referral.reference} sent to {service.name}.")
            return redirect("frontdoor:request", signposted.pk)
    return render(
        request,
        "directory/request_referral_new.html",
        {"form": form, "service": service, "signposted": signposted},
    )


def _send(actor: Any, form: ReferralForm, service: Any, persons: list[Any], **origin: Any) -> Any:
    """Send the referral the valid form describes, from an episode or a signposted request
    (`origin`); None, with the service's refusal on the form, if it was refused."""
    data = form.cleaned_data
    return call_service(
        form,
        partial(services.referral_send, service=service),
        actor=actor,
        person=next(p for p in persons if p.pk == data["person"]),
        asked=data["asked"],
        urgency=data["urgency"],
        family_agreed=data["family_agreed"],
        shared=data["shared"],
        contact=data["contact"],
        **origin,
    )


def _update_statuses(user: Any, referral: Any) -> list[str]:
    statuses = []
    for status, who in services.TRANSITIONS.get(referral.status, {}).items():
        receiver = "R" in who and policy.may_receive_referral(user, referral)
        follower = "F" in who and policy.may_follow_referral(user, referral)
        if receiver or follower:
            statuses.append(status)
    return statuses


@login_required
@not_found_as_404
def referral_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, referral_id=pk)
    statuses = _update_statuses(request.user, referral)
    form = (
        ReferralUpdateForm(statuses=statuses, initial={"expected_version": referral.version})
        if statuses
        else None
    )
    return render(request, "directory/referral.html", _referral_page(request, referral, form))


def _referral_page(request: AuthedRequest, referral: Any, form: Any) -> dict[str, Any]:
    back_to_request = referral.request_id is not None and (
        policy.requests_visible_to(request.user).filter(pk=referral.request_id).exists()
    )
    return {
        "referral": referral,
        "form": form,
        "shared_labels": _shared(referral),
        "back_to_request": back_to_request,
    }


def _shared(referral: Any) -> list[str]:
    return [SharedItem(s).label for s in referral.shared if s in SharedItem.values]


@login_required
@not_found_as_404
def referral_update(request: AuthedRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, referral_id=pk)
    statuses = _update_statuses(request.user, referral)
    if not statuses:
        raise NotFound()
    form = ReferralUpdateForm(request.POST or None, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.referral_update,
            actor=request.user,
            referral=referral,
            status=data["status"],
            reason=data["reason"],
            what_changed=data["what_changed"],
            expected_version=data["expected_version"],
        )
        if done is not None:
            messages.success(request, f"Referral {done.reference}: {done.get_status_display()}.")
            return redirect("directory:referral", pk)
    return render(request, "directory/referral.html", _referral_page(request, referral, form))


@never_cache
def link_page(request: HttpRequest, token: str) -> HttpResponse:
    """No account: the emailed link. Security: an unknown, expired or spent link shows only
    that, with nothing about the referral, and is audited."""
    try:
        link = services.link_view(token=token) if request.method != "POST" else None
        if link is None:
            link = services.link_find(token)
    except services.LinkRefused as refused:
        return render(
            request, "directory/link_refused.html", {"reason": refused.reason}, status=410
        )
    form = LinkForm(request.POST or None, stage=link.stage)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = call_service(
                form,
                services.link_act,
                token=token,
                status=data["status"],
                reason=data.get("reason", ""),
                what_changed=data.get("what_changed", ""),
            )
        except services.LinkRefused as refused:
            return render(
                request, "directory/link_refused.html", {"reason": refused.reason}, status=410
            )
        if referral is not None:
            return render(
                request,
                "directory/link_done.html",
                {"referral": referral, "status": ReferralStatus(referral.status).label},
            )
    referral = link.referral
    return render(
        request,
        "directory/link.html",
        {
            "link": link,
            "referral": referral,
            "form": form,
            "shared": referral.shared,
            "person": referral.person,
            "age": referral.person.age_on(timezone.localdate())
            if "date_of_birth" in referral.shared
            else None,
        },
    )


@login_required
@not_found_as_404
def referral_rates(request: AuthedRequest) -> HttpResponse:
    policy.require_partnership_manager(request.user, object_type="directory.referral_rates")
    return render(
        request,
        "directory/rates.html",
        {"rows": reporting.rates_by_organisation(), "formulas": reporting.FORMULAS},
    )
