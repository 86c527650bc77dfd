"""Every read of people's records that a user sees: always through the access policy, audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.people.models import INVERSE_LABEL, Involvement, Person, Relationship
from joinedup.sharing import policy


def _search(qs: QuerySet[Person], name: str, date_of_birth: date | None) -> QuerySet[Person]:
    for word in name.split():
        qs = qs.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(preferred_name__icontains=word)
            | Q(reference__iexact=word)
        )
    if date_of_birth:
        qs = qs.filter(date_of_birth=date_of_birth)
    return qs


def my_people(
    *,
    user: Any,
    name: str = "",
    date_of_birth: date | None = None,
    page: Any = 1,
    per_page: int = 25,
) -> Page:
    """The persons my organisation works with, searchable; the page shown is audited."""
    qs = _search(policy.persons_visible_to(user), name.strip(), date_of_birth)
    paginator = Paginator(qs.order_by("family_name", "given_name", "pk"), per_page)
    result = paginator.get_page(page)
    if result.object_list:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type="people.person_list",
            persons=list(result.object_list),
            purpose="casework",
            lawful_basis=policy.BASIS_OWN_INVOLVEMENT,
            detail={"search": name.strip(), "date_of_birth": str(date_of_birth or "")},
        )
    return result


@dataclass(frozen=True)
class RelativeView:
    person: Person
    relationship: str
    parental_responsibility: bool
    visible: bool


@dataclass(frozen=True)
class PersonView:
    person: Person
    age: int | None
    relatives: list[RelativeView]
    involvements: list[Involvement]
    lawful_basis: str
    address: str
    postcode: str
    episodes: list[Any] = field(default_factory=list)

    @property
    def has_open_episode(self) -> bool:
        return bool(self.episodes)

    @property
    def address_withheld(self) -> bool:
        return self.address == policy.WITHHELD


def _relatives(user: Any, person: Person) -> list[RelativeView]:
    rels = Relationship.objects.filter(Q(person=person) | Q(relative=person)).select_related(
        "person", "relative"
    )
    other_ids = {r.relative_id if r.person_id == person.pk else r.person_id for r in rels}
    visible = set(
        policy.persons_visible_to(user).filter(pk__in=other_ids).values_list("pk", flat=True)
    )
    views = []
    for r in rels:
        if r.person_id == person.pk:  # "person is KIND of relative": the relative is the inverse
            other, label = r.relative, INVERSE_LABEL[r.kind]
        else:
            other, label = r.person, r.get_kind_display()
        views.append(RelativeView(other, label, r.parental_responsibility, other.pk in visible))
    return sorted(views, key=lambda v: (v.person.family_name, v.person.given_name))


def person_get(*, user: Any, person_id: Any, purpose: str = "casework") -> PersonView:
    """One person's record. Raises NotFound (and audits the refusal) when not allowed."""
    person, decision = policy.require_person(user, person_id, purpose)
    involvements = policy.annotate_involvements(
        user,
        person,
        list(
            policy.involvements_visible_to(user, person)
            .select_related("organisation", "team", "contact", "contact__team")
            .order_by("organisation__name")
        ),
    )
    withheld = policy.withheld_person_fields(user, person)
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=person,
        persons=[person],
        purpose=decision.purpose,
        lawful_basis=decision.basis,
        detail={"withheld": sorted(withheld)} if withheld else None,
    )
    return PersonView(
        person=person,
        age=person.age_on(timezone.localdate()),
        relatives=_relatives(user, person),
        involvements=involvements,
        lawful_basis=decision.lawful_basis,
        address=policy.WITHHELD if "address" in withheld else person.address,
        postcode=policy.WITHHELD if "postcode" in withheld else person.postcode,
        episodes=policy.open_episodes_about(user, [person.pk]).get(person.pk, []),
    )
