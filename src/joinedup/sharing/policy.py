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

from joinedup.casework.models import Episode, RequestForSupport, RequestStatus, TeamMember
from joinedup.errors import NotFound
from joinedup.partnership.models import Role, Team
from joinedup.people.models import HIDDEN_SERVICE_CATEGORIES, Involvement, Person
from joinedup.sharing import audit
from joinedup.sharing.models import Action, BreakGlass, ConsentEvent, ConsentRecord

# The basis written on an access event when a practitioner reads the record of a person their
# own organisation is working with: it is that organisation's own casework.
BASIS_OWN_INVOLVEMENT = "own organisation's current involvement"
BASIS_FRONT_DOOR = "public task: triage of a request for support (Children Act 2004 s10)"
BASIS_EPISODE = "public task: the team around the family (Children Act 2004 s10)"
BASIS_OWN_REQUEST = "the practitioner's own request for support"


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


def is_front_door(user: Any) -> bool:
    """Front-door practitioners: the role, or membership of a team flagged as the front door."""
    if not is_practitioner(user):
        return False
    cached = getattr(user, "_is_front_door", None)
    if cached is None:
        cached = user.has_role(Role.Code.FRONT_DOOR) or (
            user.team_id is not None
            and Team.objects.filter(pk=user.team_id, is_front_door=True).exists()
        )
        user._is_front_door = cached
    return bool(cached)


def _person_grounds(user: Any) -> list[tuple[str, Q]]:
    """Each ground on which a user may see a person, as (lawful basis, filter on Person)."""
    involved = current_involvements().filter(
        organisation_id=user.organisation_id, person_id=OuterRef("pk")
    )
    grounds = [(BASIS_OWN_INVOLVEMENT, Q(Exists(involved)))]
    led = (
        Episode.objects.filter(persons=OuterRef("pk"))
        .filter(
            Q(lead_professional=user) | Q(members__practitioner=user, members__left_at__isnull=True)
        )
        .exclude(status="closed")
    )
    grounds.append((BASIS_EPISODE, Q(Exists(led))))
    if is_front_door(user):
        open_request = RequestForSupport.objects.filter(
            status=RequestStatus.RECEIVED, people__person=OuterRef("pk")
        )
        grounds.append((BASIS_FRONT_DOOR, Q(Exists(open_request))))
    grounds.append(_break_glass_ground(user))  # last: an ordinary basis is named first
    return grounds


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Every person this user may see: a filter, so lists stay one query."""
    if not is_practitioner(user):
        return Person.objects.none()
    allowed = Q()
    for _, condition in _person_grounds(user):
        allowed |= condition
    # A person merged into another is reached through the one they were merged into.
    return Person.objects.filter(allowed, merged_into__isnull=True)


def person_decision(user: Any, person: Person, purpose: str = "casework") -> Decision:
    if not is_practitioner(user):
        return Decision(False, purpose=purpose)
    for basis, condition in _person_grounds(user):
        if Person.objects.filter(condition, pk=person.pk).exists():
            return Decision(True, basis, purpose)
    return Decision(False, purpose=purpose)


def requests_visible_to(user: Any) -> QuerySet[RequestForSupport]:
    """The asker sees their own; the front door the open and decided ones; a lead those sent."""
    if not is_practitioner(user):
        return RequestForSupport.objects.none()
    allowed = Q(raised_by=user) | Q(assigned_to=user, status=RequestStatus.ROUTED)
    if is_front_door(user):
        allowed |= Q(status__in=[RequestStatus.RECEIVED, RequestStatus.DECIDED])
    return RequestForSupport.objects.filter(allowed)


def request_decision(user: Any, request: RequestForSupport) -> Decision:
    if not requests_visible_to(user).filter(pk=request.pk).exists():
        return Decision(False)
    if request.raised_by_id == user.pk:
        return Decision(True, BASIS_OWN_REQUEST, "request for support")
    return Decision(True, BASIS_FRONT_DOOR, "triage")


def may_triage(user: Any, request: RequestForSupport) -> bool:
    """Rate, reassign and decide: the front door while it is open; the lead when sent to them."""
    if request.status == RequestStatus.RECEIVED:
        return is_front_door(user)
    if request.status == RequestStatus.ROUTED:
        return request.assigned_to_id == getattr(user, "pk", None)
    return False


def episodes_visible_to(user: Any) -> QuerySet[Episode]:
    """The lead professional and every current member of the team around the family."""
    if not is_practitioner(user):
        return Episode.objects.none()
    member = TeamMember.objects.filter(
        episode=OuterRef("pk"), practitioner=user, left_at__isnull=True
    )
    return Episode.objects.filter(Q(lead_professional=user) | Q(Exists(member)))


def may_edit_episode(user: Any, episode: Episode) -> bool:
    """Team members work on the plan; a closed episode is read-only."""
    return episode.status != "closed" and episodes_visible_to(user).filter(pk=episode.pk).exists()


def _require(user: Any, qs: QuerySet[Any], object_id: Any, object_type: str, purpose: str) -> Any:
    found = None
    if is_practitioner(user):
        try:
            found = qs.filter(pk=int(object_id)).first()
        except (TypeError, ValueError):
            found = None
    if found is None:
        raise refuse(user, object_type=object_type, object_id=object_id, purpose=purpose)
    return found


def require_request(user: Any, request_id: Any, purpose: str = "triage") -> RequestForSupport:
    """Security: a request the user may not see answers exactly as a missing one."""
    return _require(
        user, requests_visible_to(user), request_id, "casework.requestforsupport", purpose
    )


def require_episode(user: Any, episode_id: Any, purpose: str = "casework") -> Episode:
    return _require(user, episodes_visible_to(user), episode_id, "casework.episode", purpose)


def involvements_visible_to(user: Any, person: Person) -> QuerySet[Involvement]:
    """The involvement index for a person, as this reader may know it.

    Involvement with a sexual-health, mental-health or substance-use service is itself special
    category information: it is listed only to that service's own organisation, or where a
    safeguarding basis applies (the reader's team holds the child's episode after step-up to
    children's social care, Children Act 1989 s47). Consent-based sharing extends this.
    """
    current = current_involvements().filter(person=person)
    if not is_practitioner(user):
        return current.none()
    hidden = Q(sensitive_category__in=list(HIDDEN_SERVICE_CATEGORIES)) & ~Q(
        organisation_id=user.organisation_id
    )
    if _safeguarding_basis(user, person) or _explicit_consent(user, person):
        return current
    return current.exclude(hidden)


def _explicit_consent(user: Any, person: Person) -> bool:
    """The person's (or their parent's) consent to share with the reader's organisation."""
    organisation = getattr(user, "organisation", None)
    return organisation is not None and any(
        consent_covers(person, organisation, purpose) for purpose in ("assessment", "planning")
    )


def _safeguarding_basis(user: Any, person: Person) -> bool:
    """Section 47 enquiries: the team of a stepped-up episode may know of every service."""
    return episodes_visible_to(user).filter(persons=person, status="stepped_up").exists()


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


# Break-glass: emergency access beyond the user's rights, given a reason, for a limited time.
# UK GDPR Art. 6(1)(d) and 9(2)(c): to protect someone's vital interests.
BASIS_BREAK_GLASS = "break-glass: vital interests"


def _break_glass_ground(user: Any) -> tuple[str, Q]:
    """Security: only the holder of the grant, and only until it expires."""
    held = BreakGlass.objects.filter(
        practitioner_id=user.pk, person_id=OuterRef("pk"), expires_at__gt=timezone.now()
    )
    return (BASIS_BREAK_GLASS, Q(Exists(held)))


def is_data_protection_officer(user: Any) -> bool:
    return is_practitioner(user) and user.has_role(Role.Code.DATA_PROTECTION_OFFICER)


def require_data_protection_officer(user: Any, *, object_type: str, object_id: Any = "") -> None:
    """The data-protection officer's pages. Security: anyone else is refused (audited) as 404."""
    if not is_data_protection_officer(user):
        raise refuse(user, object_type=object_type, object_id=object_id, purpose="data protection")


def consent_covers(
    person: Person, organisation: Any, purpose: str, on: date | None = None
) -> ConsentRecord | None:
    """The newest consent that covers sharing this person's information with this organisation
    for this purpose on this day, or None.

    Covered: given on or before the day, not expired, not withdrawn on or before the day (a
    withdrawal counts at once), naming the organisation or its whole sector, and the purpose.
    """
    on = on or timezone.localdate()
    withdrawn = ConsentRecord.objects.filter(
        withdraws=OuterRef("pk"), event=ConsentEvent.WITHDRAWN, effective_on__lte=on
    )
    candidates = (
        ConsentRecord.objects.filter(person=person, event=ConsentEvent.GIVEN, effective_on__lte=on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
        .exclude(Exists(withdrawn))
        .prefetch_related("organisations")
        .order_by("-effective_on", "-pk")
    )
    for record in candidates:
        named = any(o.pk == organisation.pk for o in record.organisations.all())
        if purpose in record.purposes and (named or organisation.sector in record.sectors):
            return record
    return None
