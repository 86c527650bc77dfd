"""Pages for sharing decisions, confidential addresses and advice without naming the family.
Thin: selectors and services decide and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from joinedup.sharing import policy, selectors, services
from joinedup.sharing.forms_sharing import (
    AddressConfidentialForm,
    AdviceAnswerForm,
    AdviceForm,
    SharingDecisionForm,
)
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


@login_required
@not_found_as_404
def sharing_decisions(request: AuthedRequest, person_id: int) -> HttpResponse:
    view = selectors.person_sharing(user=request.user, person_id=person_id)
    return render(request, "sharing/sharing_decisions.html", {"view": view, "person": view.person})


@login_required
@not_found_as_404
def sharing_decision_new(request: AuthedRequest, person_id: int) -> HttpResponse:
    view = selectors.person_sharing(user=request.user, person_id=person_id)
    form = SharingDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.sharing_decision_record,
            actor=request.user,
            person=view.person,
            choice=data["choice"],
            what=data["what"],
            categories=data["categories"],
            recipients=list(data["recipients"]),
            recipient_other=data["recipient_other"],
            purpose=data["purpose"],
            lawful_basis=data["lawful_basis"],
            statutory_duty=data["statutory_duty"],
            special_condition=data["special_condition"],
            reasons=data["reasons"],
            family_told=data["family_told"],
            not_told_reason=data["not_told_reason"],
            more_detrimental_reasons=data["more_detrimental_reasons"],
        )
        if done is not None:
            messages.success(request, "Sharing decision recorded.")
            return redirect("sharing:decisions", person_id)
    return render(
        request,
        "sharing/sharing_form.html",
        {
            "form": form,
            "person": view.person,
            "title": "Record a sharing decision",
            "intro": "Record your decision whether you share or not. Both are part of the record.",
            "button": "Record decision",
        },
    )


@login_required
@not_found_as_404
def address_confidential(request: AuthedRequest, person_id: int) -> HttpResponse:
    view = selectors.person_sharing(user=request.user, person_id=person_id)
    if not view.may_see_address:
        # Security: someone who cannot see the address cannot change who sees it either.
        return render(
            request,
            "sharing/sharing_form.html",
            {
                "person": view.person,
                "title": "Confidential address",
                "intro": "This address is confidential. Ask the organisation that protects it.",
            },
        )
    initial = {"confidential": "yes" if view.person.address_confidential else "no"}
    form = AddressConfidentialForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = call_service(
            form,
            services.address_confidential_set,
            actor=request.user,
            person=view.person,
            confidential=data["confidential"],
            reason=data["reason"],
            allow=list(data["allow"]),
        )
        if done is not None:
            messages.success(request, "Address protection saved.")
            return redirect("sharing:decisions", person_id)
    return render(
        request,
        "sharing/sharing_form.html",
        {
            "form": form,
            "person": view.person,
            "title": "Confidential address",
            "intro": (
                "A confidential address is shown only to the organisations you allow, in every "
                "page, export and the family's own pages. Everyone else sees “Withheld”."
            ),
            "button": "Save",
        },
    )


def _practitioners_only(request: AuthedRequest) -> None:
    if not policy.is_practitioner(request.user):
        raise Http404


@login_required
def advice_list(request: AuthedRequest) -> HttpResponse:
    _practitioners_only(request)
    return render(request, "sharing/advice_list.html", selectors.advice_list(user=request.user))


@login_required
def advice_new(request: AuthedRequest) -> HttpResponse:
    _practitioners_only(request)
    form = AdviceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        advice = call_service(
            form,
            services.advice_ask,
            actor=request.user,
            situation=data["situation"],
            question=data["question"],
            team=data["team"],
            colleague=data["colleague"],
        )
        if advice is not None:
            messages.success(request, "Your request for advice has been sent.")
            return redirect("sharing:advice", advice.pk)
    return render(request, "sharing/advice_form.html", {"form": form})


@login_required
@not_found_as_404
def advice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    advice = selectors.advice_get(user=request.user, advice_id=pk)
    may_answer = policy.may_answer_advice(request.user, advice)
    form = AdviceAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and may_answer and form.is_valid():
        done = call_service(
            form,
            services.advice_answer,
            actor=request.user,
            advice=advice,
            text=form.cleaned_data["advice"],
        )
        if done is not None:
            messages.success(request, "Your advice has been sent.")
            return redirect("sharing:advice", pk)
    return render(
        request,
        "sharing/advice_detail.html",
        {"advice": advice, "form": form, "may_answer": may_answer and not advice.advice},
    )
