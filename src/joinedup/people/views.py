"""Pages that change a person's family: relatives, relationships ending, households over time."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.identity import selectors as identity_selectors
from joinedup.people import selectors, services
from joinedup.people.forms import FamilyMemberForm, MoveInForm, MoveOutForm, RelationshipEndForm
from joinedup.web.forms import call_service
from joinedup.web.http import AuthedRequest
from joinedup.web.views import not_found_as_404


def _chosen_person(request: AuthedRequest, probable: list[Any]) -> Any:
    """The probable match the practitioner chose instead of adding someone new, if any."""
    chosen = request.POST.get("use_person", "")
    return next((item.person for item in probable if str(item.person.pk) == chosen), None)


@login_required
@not_found_as_404
def family_add(request: AuthedRequest, person_id: int) -> HttpResponse:
    anchor = selectors.person_for_family_change(user=request.user, person_id=person_id)
    form = FamilyMemberForm(
        request.POST if request.method == "POST" else None, anchor_name=anchor.given_name
    )
    probable: list[Any] = []
    if request.method == "POST" and form.is_valid():
        # "Probably the same person": among those the practitioner may already see.
        probable = identity_selectors.probable_matches(
            user=request.user, details=form.person_details()
        )
        chosen = _chosen_person(request, probable)
        if chosen is not None or not probable or request.POST.get("use_person") == "new":
            result = call_service(
                form,
                services.family_member_add,
                actor=request.user,
                anchor=anchor,
                person=chosen,
                new_person=None if chosen else form.person_details(),
                **form.relationship_details(),
            )
            if result is not None:
                messages.success(request, f"{result.person.full_name} added to the family.")
                return redirect("web:person", anchor.pk)
    return render(
        request,
        "people/family_add.html",
        {"form": form, "person": anchor, "probable": probable},
    )


@login_required
@not_found_as_404
def relationship_end(request: AuthedRequest, pk: int) -> HttpResponse:
    relationship = selectors.relationship_for_change(user=request.user, relationship_id=pk)
    person = relationship.relative
    form = RelationshipEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.relationship_end,
            actor=request.user,
            relationship=relationship,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, "The relationship has been recorded as ended.")
            return redirect("web:person", person.pk)
    title = (
        f"End the relationship: {relationship.person.full_name}, "
        f"{relationship.get_kind_display().lower()} of {relationship.relative.full_name}"
    )
    return render(
        request,
        "people/form_page.html",
        {"form": form, "person": person, "title": title, "button": "Record the end"},
    )


@login_required
@not_found_as_404
def household(request: AuthedRequest, person_id: int) -> HttpResponse:
    person = selectors.person_for_family_change(user=request.user, person_id=person_id)
    form = MoveInForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form, services.household_join, actor=request.user, person=person, **form.cleaned_data
        )
        if done is not None:
            messages.success(request, "The move has been recorded.")
            return redirect("people:household", person.pk)
    homes = selectors.households_for(user=request.user, person=person)
    return render(
        request, "people/household.html", {"form": form, "person": person, "homes": homes}
    )


@login_required
@not_found_as_404
def household_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_for_change(user=request.user, membership_id=pk)
    person = membership.person
    form = MoveOutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            services.household_leave,
            actor=request.user,
            membership=membership,
            **form.cleaned_data,
        )
        if done is not None:
            messages.success(request, "The move out has been recorded.")
            return redirect("people:household", person.pk)
    return render(
        request,
        "people/form_page.html",
        {
            "form": form,
            "person": person,
            "title": f"{person.full_name} moved out",
            "button": "Record the move out",
        },
    )
