"""The access policy: the one place that decides who may see what, and on what basis.

Selectors ask it both questions Zulip-style: "may this user see this record?" and "which records
may this user see?" (a queryset filter). Nothing else in joinedup decides access.

First version (the foundation): a practitioner sees a person while their organisation has a
current involvement with that person. Everything else is refused, and refusals are audited by the
caller through `refuse()` so that the refused page looks exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.errors import NotFound
from joinedup.people.models import Involvement, Person
from joinedup.sharing import audit
from joinedup.sharing.models import Action

# The basis written on an access event when a practitioner reads the record of a person their
# own organisation is working with: it is that organisation's own casework.
BASIS_OWN_INVOLVEMENT = "own organisation's current involvement"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    lawful_basis: str = ""
    purpose: str = ""


def is_practitioner(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "organisation_id", None))


def current_involvements(day: date | None = None) -> QuerySet[Involvement]:
    day = day or timezone.localdate()
    return Involvement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day
    )


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Every person this user may see: a filter, so lists stay one query."""
    if not is_practitioner(user):
        return Person.objects.none()
    involved = current_involvements().filter(
        organisation_id=user.organisation_id, person_id=OuterRef("pk")
    )
    return Person.objects.filter(Exists(involved))


def person_decision(user: Any, person: Person, purpose: str = "casework") -> Decision:
    if not is_practitioner(user):
        return Decision(False, purpose=purpose)
    involved = current_involvements().filter(
        organisation_id=user.organisation_id, person_id=person.pk
    )
    if involved.exists():
        return Decision(True, BASIS_OWN_INVOLVEMENT, purpose)
    return Decision(False, purpose=purpose)


def involvements_visible_to(user: Any, person: Person) -> QuerySet[Involvement]:
    """The involvements with a visible person that this user may see: all of them, for now."""
    return current_involvements().filter(person=person)


def refuse(user: Any, *, object_type: str, object_id: Any, purpose: str = "") -> NotFound:
    """Audit a refused attempt and return the NotFound to raise (same as a missing record)."""
    audit.record(
        actor=user,
        action=Action.REFUSED,
        object_type=object_type,
        object_id=str(object_id),
        purpose=purpose,
    )
    return NotFound()


def require_person(user: Any, person_id: Any, purpose: str = "casework") -> tuple[Person, Decision]:
    """Fetch-and-check in one step. Security: missing and forbidden raise the same NotFound."""
    person = None
    if is_practitioner(user):
        try:
            person = Person.objects.filter(pk=int(person_id)).first()
        except (TypeError, ValueError):
            person = None
    decision = person_decision(user, person, purpose) if person else Decision(False)
    if person is None or not decision.allowed:
        raise refuse(user, object_type="people.person", object_id=person_id, purpose=purpose)
    return person, decision
