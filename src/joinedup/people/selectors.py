"""Every read of people's records that a user sees: always through the access policy, audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.people.models import (
    INVERSE_LABEL,
    HouseholdMembership,
    Involvement,
    Person,
    Relationship,
)
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


# From this many persons on, a page of "my people" walks the name index (see persons_visible_to).
LONG_LIST = 2000
ORDER = ("family_name", "given_name", "pk")


class _CountedPaginator(Paginator):
    """A paginator told its count, so the list's own query runs once, for the page."""

    def __init__(self, object_list: Any, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # Paginator.count is a cached property


def _page_number(page: Any) -> int:
    try:
        return max(int(page), 1)
    except (TypeError, ValueError):
        return 1


def _searched_page(qs: QuerySet[Person], page: Any, per_page: int) -> Page:
    """One query for the page and the number found (a window count over the matches)."""
    number = _page_number(page)
    start = (number - 1) * per_page
    rows = list(qs.annotate(found=Window(Count("pk"))).order_by(*ORDER)[start : start + per_page])
    if rows:
        paginator = _CountedPaginator(qs.order_by(*ORDER), per_page, rows[0].found)
        return Page(rows, number, paginator)
    # Past the last page (or nothing found): count, then show the last page as Django does.
    return _CountedPaginator(qs.order_by(*ORDER), per_page, qs.count()).get_page(number)


def _visible_page(user: Any, page: Any, per_page: int) -> Page:
    """The page and the count with the grounds worked out once (see persons_visible_page)."""
    number = _page_number(page)
    start = (number - 1) * per_page
    rows, count = policy.persons_visible_page(user, order=ORDER, start=start, stop=start + per_page)
    listed = policy.persons_visible_to(user, long_list=count >= LONG_LIST).order_by(*ORDER)
    paginator = _CountedPaginator(listed, per_page, count)
    if rows:
        return Page(rows, number, paginator)
    return paginator.get_page(number)  # past the last page: the last page, as Django does


def my_people(
    *,
    user: Any,
    name: str = "",
    date_of_birth: date | None = None,
    page: Any = 1,
    per_page: int = 25,
) -> Page:
    """The persons my organisation works with, searchable; the page shown is audited."""
    name = name.strip()
    if name or date_of_birth:
        result = _searched_page(
            _search(policy.persons_visible_to(user), name, date_of_birth), page, per_page
        )
    else:
        result = _visible_page(user, page, per_page)
    if result.object_list:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type="people.person_list",
            persons=list(result.object_list),
            purpose="casework",
            lawful_basis=policy.BASIS_OWN_INVOLVEMENT,
            detail={"search": name, "date_of_birth": str(date_of_birth or "")},
        )
    return result


@dataclass(frozen=True)
class RelativeView:
    person: Person
    relationship: str
    parental_responsibility: bool
    visible: bool
    pk: int = 0
    basis: str = ""
    started_on: date | None = None


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
    rels = (
        Relationship.objects.filter(Q(person=person) | Q(relative=person))
        .filter(ended_on__isnull=True)
        .select_related("person", "relative")
    )
    other_ids = {r.relative_id if r.person_id == person.pk else r.person_id for r in rels}
    visible = policy.persons_visible_among(user, other_ids)
    views = []
    for r in rels:
        if r.person_id == person.pk:  # "person is KIND of relative": the relative is the inverse
            other, label = r.relative, INVERSE_LABEL[r.kind]
        else:
            other, label = r.person, r.get_kind_display()
        views.append(
            RelativeView(
                other,
                label,
                r.parental_responsibility,
                other.pk in visible,
                r.pk,
                r.get_parental_responsibility_basis_display(),
                r.started_on,
            )
        )
    return sorted(views, key=lambda v: (v.person.family_name, v.person.given_name))


def person_get(*, user: Any, person_id: Any, purpose: str = "casework") -> PersonView:
    """One person's record. Raises NotFound (and audits the refusal) when not allowed."""
    person, decision = policy.require_person(user, person_id, purpose)
    facts = policy.person_facts(user, person)  # safeguarding, consent...: each asked once
    involvements = policy.annotate_involvements(
        user,
        person,
        list(
            policy.involvements_visible_to(user, person, facts)
            .select_related("organisation", "team", "contact", "contact__team")
            .order_by("organisation__name")
        ),
        facts=facts,
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


# Households and relationships, read for the pages that change them. -----------------------------


@dataclass(frozen=True)
class HomeView:
    """One of a person's homes: when they lived there, and who else did in that time."""

    membership: HouseholdMembership
    others: list[HouseholdMembership]


def households_for(*, user: Any, person: Person) -> list[HomeView]:
    """The person's homes, newest first. The caller has fetched the person through the policy
    (person_get or require_person); co-residents are named as relatives are (names only)."""
    mine = list(
        HouseholdMembership.objects.filter(person=person)
        .select_related("household")
        .order_by("-moved_in_on", "-pk")
    )
    others = HouseholdMembership.objects.filter(
        household_id__in=[m.household_id for m in mine]
    ).exclude(person=person)
    by_home: dict[int, list[HouseholdMembership]] = {}
    for other in others.select_related("person").order_by("moved_in_on", "pk"):
        by_home.setdefault(other.household_id, []).append(other)
    return [HomeView(m, by_home.get(m.household_id, [])) for m in mine]


def person_for_family_change(*, user: Any, person_id: Any) -> Person:
    """The person whose family a practitioner changes: same 404 as a missing one."""
    person, _ = policy.require_person(user, person_id, purpose="casework")
    return person


def relationship_get(*, user: Any, person: Person, relationship_id: Any) -> Relationship:
    """A current relationship of a person the user may see (see person_for_family_change)."""
    found = (
        Relationship.objects.filter(Q(person=person) | Q(relative=person), ended_on__isnull=True)
        .filter(pk=_int(relationship_id))
        .select_related("person", "relative")
        .first()
    )
    if found is None:
        raise policy.refuse(
            user, object_type="people.relationship", object_id=relationship_id, purpose="casework"
        )
    return found


def membership_get(*, user: Any, person: Person, membership_id: Any) -> HouseholdMembership:
    found = (
        HouseholdMembership.objects.filter(person=person, pk=_int(membership_id))
        .select_related("household")
        .first()
    )
    if found is None:
        raise policy.refuse(
            user,
            object_type="people.householdmembership",
            object_id=membership_id,
            purpose="casework",
        )
    return found


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def relationship_for_change(*, user: Any, relationship_id: Any) -> Relationship:
    """A current relationship, to end: the user may see the person it is recorded for (the
    relative). Security: same 404, audited, when missing or not allowed."""
    found = (
        Relationship.objects.filter(pk=_int(relationship_id), ended_on__isnull=True)
        .select_related("person", "relative")
        .first()
    )
    if found is None or not policy.person_decision(user, found.relative).allowed:
        raise policy.refuse(
            user, object_type="people.relationship", object_id=relationship_id, purpose="casework"
        )
    return found


def membership_for_change(*, user: Any, membership_id: Any) -> HouseholdMembership:
    """A household membership, to record the move out of: the user may see its person."""
    found = (
        HouseholdMembership.objects.filter(pk=_int(membership_id))
        .select_related("household", "person")
        .first()
    )
    if found is None or not policy.person_decision(user, found.person).allowed:
        raise policy.refuse(
            user,
            object_type="people.householdmembership",
            object_id=membership_id,
            purpose="casework",
        )
    return found
