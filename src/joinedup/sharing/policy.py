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
from functools import cached_property
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import Episode, TeamMember
from joinedup.errors import NotFound
from joinedup.frontdoor.models import RequestForSupport, RequestStatus
from joinedup.partnership.models import Role, Sector, SharingAgreement, Team
from joinedup.people.models import (
    HIDDEN_SERVICE_CATEGORIES,
    Involvement,
    Person,
    SensitiveCategory,
)
from joinedup.sharing.lawful import (
    SPECIAL_CATEGORIES,
    Basis,
    DataCategory,
    LawfulBasis,
    SpecialCondition,
    StatutoryDuty,
)
from joinedup.sharing.models import (
    AddressPermission,
    AdviceRequest,
    BreakGlass,
    ConsentEvent,
    ConsentPurpose,
    ConsentRecord,
    FamilyWithholding,
    SharingDecision,
)

# The basis written on each access event: Article 6 basis, the statutory duty a public task rests
# on, and (for special category data) the Schedule 1 condition. A practitioner reading the record
# of a person their own organisation works with reads their organisation's own casework.
BASIS_OWN_INVOLVEMENT = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S11, source="own organisation's involvement"
)
BASIS_FRONT_DOOR = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S10, source="triage of a request for support"
)
BASIS_EPISODE = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S10, source="the team around the family"
)
BASIS_SAFEGUARDING = Basis(
    LawfulBasis.PUBLIC_TASK,
    StatutoryDuty.CA1989_S47,
    SpecialCondition.SAFEGUARDING,
    source="enquiries after step-up to children's social care",
)
BASIS_OWN_REQUEST = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S11, source="the practitioner's own request"
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: Basis | None = None
    purpose: str = ""

    @property
    def lawful_basis(self) -> str:
        return self.basis.label if self.basis else ""


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


def _person_grounds(user: Any) -> list[tuple[Basis, Q]]:
    """Each ground on which a user may see a person, as (lawful basis, filter on Person)."""
    involved = current_involvements().filter(
        organisation_id=user.organisation_id, person_id=OuterRef("pk")
    )
    grounds = [(BASIS_OWN_INVOLVEMENT, Q(Exists(involved)))]
    led = Episode.objects.filter(persons=OuterRef("pk")).filter(
        Q(lead_professional=user) | Q(members__practitioner=user, members__left_at__isnull=True)
    )
    # Safeguarding first: after step-up the team works under s47, not only co-operation.
    grounds.append((BASIS_SAFEGUARDING, Q(Exists(led.filter(status="stepped_up")))))
    grounds.append((BASIS_EPISODE, Q(Exists(led.exclude(status="closed")))))
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
        user, requests_visible_to(user), request_id, "frontdoor.requestforsupport", purpose
    )


def require_episode(user: Any, episode_id: Any, purpose: str = "casework") -> Episode:
    return _require(user, episodes_visible_to(user), episode_id, "episodes.episode", purpose)


def involvements_visible_to(user: Any, person: Person) -> QuerySet[Involvement]:
    """The involvement index for a person, as this reader may know it.

    Involvement with a sexual-health, mental-health or substance-use service is itself special
    category information: it is listed only to that service's own organisation, or where a
    safeguarding basis applies (the reader's team holds the child's episode after step-up to
    children's social care, Children Act 1989 s47). Consent-based sharing extends this.
    """
    return _known_involvements(user, person, current_involvements().filter(person=person))


def involvement_history_visible_to(user: Any, person: Person) -> QuerySet[Involvement]:
    """Every involvement with the person, current and ended (the chronology), by the same rule."""
    return _known_involvements(user, person, Involvement.objects.filter(person=person))


def _known_involvements(
    user: Any, person: Person, involvements: QuerySet[Involvement]
) -> QuerySet[Involvement]:
    if not is_practitioner(user):
        return involvements.none()
    hidden = Q(sensitive_category__in=list(HIDDEN_SERVICE_CATEGORIES)) & ~Q(
        organisation_id=user.organisation_id
    )
    if _safeguarding_basis(user, person) or _explicit_consent(user, person):
        return involvements
    return involvements.exclude(hidden)


def _explicit_consent(user: Any, person: Person) -> bool:
    """The person's (or their parent's) consent to share with the reader's organisation."""
    organisation = getattr(user, "organisation", None)
    return organisation is not None and any(
        consent_covers(person, organisation, purpose) for purpose in ("assessment", "planning")
    )


def _safeguarding_basis(user: Any, person: Person) -> bool:
    """Section 47 enquiries: the team of a stepped-up episode may know of every service."""
    return episodes_visible_to(user).filter(persons=person, status="stepped_up").exists()


# Shares: one organisation seeing another organisation's information about a person. ----------


def agreements_in_force(on: date | None = None) -> list[SharingAgreement]:
    on = on or timezone.localdate()
    in_force = SharingAgreement.objects.filter(starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on)
    )
    return list(in_force.prefetch_related("parties"))


def _covers(
    agreement: SharingAgreement, reader_org: Any, owner_org: Any, category: str, purpose: str
) -> bool:
    """Both organisations are parties (a partnership-wide protocol includes everyone), and the
    agreement covers the category and the purpose."""
    parties = {o.pk for o in agreement.parties.all()}
    both = agreement.covers_all_partners or {reader_org.pk, owner_org.pk} <= parties
    return both and category in agreement.categories and purpose in agreement.purposes


class _Shares:
    """What decides every share between one reader and one person, each looked up at most once:
    the person page asks about every organisation involved."""

    def __init__(self, user: Any, person: Person, purpose: str):
        self.user, self.person, self.purpose = user, person, purpose

    @cached_property
    def safeguarding(self) -> bool:
        return _safeguarding_basis(self.user, self.person)

    @cached_property
    def agreements(self) -> list[SharingAgreement]:
        return agreements_in_force()

    @cached_property
    def consent(self) -> ConsentRecord | None:
        purpose = self.purpose if self.purpose in ConsentPurpose.values else "planning"
        return consent_covers(self.person, self.user.organisation, purpose)

    @cached_property
    def break_glass(self) -> bool:
        return _live_break_glass(self.user).filter(person=self.person).exists()

    def basis(self, owner_org: Any, category: str) -> Basis | None:
        """In order: safeguarding (s47 after step-up, with Sch. 1 para. 18 for special category
        data); a sharing agreement covering both organisations, the category and the purpose
        (with its Schedule 1 condition for special category data: an agreement without one does
        not open health information); the person's consent to this organisation for this purpose
        (explicit consent, for special category data); break-glass (vital interests). Consent
        comes after the other bases on purpose: for safeguarding it is rarely the right one."""
        if owner_org is not None and owner_org.pk == self.user.organisation_id:
            return BASIS_OWN_INVOLVEMENT
        special = category in SPECIAL_CATEGORIES
        if self.safeguarding:
            return BASIS_SAFEGUARDING
        if owner_org is not None:
            for agreement in self.agreements:
                if special and not agreement.special_condition:
                    continue
                if _covers(agreement, self.user.organisation, owner_org, category, self.purpose):
                    return Basis(
                        agreement.lawful_basis,
                        agreement.statutory_duty,
                        agreement.special_condition if special else "",
                        source=f"agreement: {agreement.name}",
                    )
        if self.consent is not None:
            return Basis(
                LawfulBasis.CONSENT,
                condition=SpecialCondition.EXPLICIT_CONSENT if special else "",
                source=f"consent record {self.consent.record_id}",
            )
        return BASIS_BREAK_GLASS if self.break_glass else None


def share_basis(
    user: Any, person: Person, owner_org: Any, category: str, purpose: str = "planning"
) -> Basis | None:
    """The lawful basis on which this reader may see what another organisation holds about this
    person in this category, or None (then the reader sees "withheld"). See `_Shares.basis`."""
    if not is_practitioner(user):
        return None
    return _Shares(user, person, purpose).basis(owner_org, category)


def involvement_category(involvement: Involvement) -> str:
    """What knowing the detail of an involvement reveals: health, criminal justice, or neither."""
    sector = involvement.organisation.sector
    if sector == Sector.HEALTH or involvement.sensitive_category in HIDDEN_SERVICE_CATEGORIES:
        return DataCategory.HEALTH
    if (
        sector in (Sector.POLICE, Sector.JUSTICE)
        or involvement.sensitive_category == SensitiveCategory.CRIMINAL_JUSTICE
    ):
        return DataCategory.CRIMINAL_JUSTICE
    return DataCategory.INVOLVEMENT


# The fields of an involvement that say what the organisation is doing; the organisation and its
# contact stay visible, so everyone knows whom to call.
INVOLVEMENT_DETAIL_FIELDS = frozenset({"service", "flags"})
INVOLVEMENT_FLAGS = (
    "child_protection_plan",
    "child_looked_after",
    "ehc_plan",
    "youth_justice_order",
)
WITHHELD = "Withheld"


def annotate_involvements(
    user: Any, person: Person, involvements: list[Involvement], purpose: str = "planning"
) -> list[Involvement]:
    """Mark on each involvement which fields this reader may not see (`withheld`) and the basis
    (`share_basis`) on which they see the rest. Pages, API and exports show "Withheld"."""
    shares = _Shares(user, person, purpose) if is_practitioner(user) else None
    bases: dict[tuple[int, str], Basis | None] = {}
    for involvement in involvements:
        key = (involvement.organisation_id, involvement_category(involvement))
        if key not in bases:
            bases[key] = shares.basis(involvement.organisation, key[1]) if shares else None
        basis = bases[key]
        involvement.share_basis = basis  # type: ignore[attr-defined]
        if basis is None:
            # Redacted in memory, so every output built from it says "withheld";
            # Involvement.save refuses a redacted instance.
            involvement.withheld = INVOLVEMENT_DETAIL_FIELDS  # type: ignore[attr-defined]
            involvement.service = WITHHELD
            for flag in INVOLVEMENT_FLAGS:
                setattr(involvement, flag, False)
    return involvements


def may_see_address(user: Any, person: Person) -> bool:
    """An address marked confidential (a refuge, witness protection) is seen only by those
    explicitly allowed: an organisation or a practitioner named on a current permission, and the
    person themselves on the family's pages. Everyone else, in every output, sees "withheld"."""
    if not person.address_confidential:
        return True
    own = family_person_id(user)
    if own is not None:
        return own == person.pk
    if not is_practitioner(user):
        return False
    return AddressPermission.objects.filter(
        Q(organisation_id=user.organisation_id) | Q(practitioner_id=user.pk),
        person=person,
        revoked_at__isnull=True,
    ).exists()


def family_person_id(user: Any) -> int | None:
    """The person a family member's account belongs to (the family's own pages), or None."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "organisation_id", None):
        return None
    try:
        return int(user.family_account.person_id)
    except ObjectDoesNotExist:
        return None
    except AttributeError:
        return None


PERSON_ADDRESS_FIELDS = frozenset({"address", "postcode"})


def withheld_person_fields(user: Any, person: Person) -> frozenset[str]:
    """The fields of a person's record this reader may not see."""
    return frozenset() if may_see_address(user, person) else PERSON_ADDRESS_FIELDS


# Advice without naming the family: the asker, and whoever was asked (a colleague, or every member
# of the team asked, such as the front door).


def advice_visible_to(user: Any) -> QuerySet[AdviceRequest]:
    if not is_practitioner(user):
        return AdviceRequest.objects.none()
    allowed = Q(asked_by=user) | Q(asked_of=user)
    if user.team_id is not None:
        allowed |= Q(asked_of_team_id=user.team_id)
    return AdviceRequest.objects.filter(allowed)


def may_answer_advice(user: Any, advice: AdviceRequest) -> bool:
    if not is_practitioner(user) or advice.asked_by_id == user.pk:
        return False
    return advice.asked_of_id == user.pk or (
        advice.asked_of_team_id is not None and advice.asked_of_team_id == user.team_id
    )


def require_advice(user: Any, advice_id: Any) -> AdviceRequest:
    return _require(user, advice_visible_to(user), advice_id, "sharing.advicerequest", "advice")


def sharing_decisions_visible_to(user: Any, person: Person) -> QuerySet[SharingDecision]:
    """Decisions about a person the reader may see: a reader of the person's record sees them
    all (a decision not to share says what was held back, not the information itself)."""
    if not person_decision(user, person).allowed:
        return SharingDecision.objects.none()
    return SharingDecision.objects.filter(person=person)


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
BASIS_BREAK_GLASS = Basis(
    LawfulBasis.VITAL_INTERESTS, condition=SpecialCondition.VITAL_INTERESTS, source="break-glass"
)


def _live_break_glass(user: Any) -> QuerySet[BreakGlass]:
    """Security: only the holder's grants, and only until they expire."""
    return BreakGlass.objects.filter(practitioner_id=user.pk, expires_at__gt=timezone.now())


def _break_glass_ground(user: Any) -> tuple[Basis, Q]:
    held = _live_break_glass(user).filter(person_id=OuterRef("pk"))
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
        ConsentRecord.objects.filter(
            person_id__in=same_person_ids(person.pk), event=ConsentEvent.GIVEN, effective_on__lte=on
        )
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


# The family's own pages ------------------------------------------------------------------------
#
# A family account (joinedup.family) is a user with no organisation, tied to one person: it is
# never a practitioner, so every practitioner page and API route refuses it. What it may see is
# decided here and nowhere else.
#
# Decided: a family member sees an episode while they take part in it, that is while they are
#   - one of the episode's persons, or
#   - a family member in its team, or
#   - someone with parental responsibility for a child in it (the front door opens an episode
#     for the child, so parents are often not among its persons).
# A closed episode stays visible for FAMILY_CLOSED_EPISODE_DAYS after it closed, so the family
# can see what happened and say how it went; after that, a subject access request is the route.
#
# A family member may see: the plan (wanted outcomes, actions with who, when and status, including
# their own), the team (name, organisation, part in the team, work contact), meetings (date, kind,
# whether the family came, what the family said, decisions, how each outcome is going), and their
# own consent records. Never: a meeting's notes or an action's notes (practitioners' own), the
# involvement index or its sensitive categories, assessments, the chronology, incidents,
# disagreements, requests, another person's comments, and another person's address when it is
# confidential (always ask may_see_address). Some team members are not shown either (see
# family_hidden_organisations): one whose organisation provides a sensitive service to someone
# else in the family (their name would tell of that service), and one from a school, GP,
# nursery, landlord or local group working with someone whose address is withheld from the
# reader (their name would tell where that person is: the classic refuge failure, by another
# route).

FAMILY_CLOSED_EPISODE_DAYS = 183
FAMILY_YOUNG_PERSON_MIN_AGE = 12
FAMILY_WITHHELD_MEETING_FIELDS = frozenset({"notes"})
BASIS_FAMILY_OWN = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S10, source="the family's own information"
)


def family_account(user: Any) -> Any | None:
    """The user's family account while it may be used (activated, not revoked), or None."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "organisation_id", None):
        return None
    if not getattr(user, "is_active", False):
        return None
    try:
        account = user.family_account
    except (ObjectDoesNotExist, AttributeError):
        return None
    if account.revoked_at is not None or account.activated_at is None:
        return None
    return account


def is_family(user: Any) -> bool:
    return family_account(user) is not None


def _taking_part(person_id: Any) -> Q:
    """A filter on Episode: the person takes part in it (see the decision above)."""
    from joinedup.people.models import Relationship

    in_episode = Episode.persons.through.objects.filter(
        episode_id=OuterRef("pk"), person_id=person_id
    )
    in_team = TeamMember.objects.filter(
        episode_id=OuterRef("pk"), person_id=person_id, left_at__isnull=True
    )
    children = Relationship.objects.filter(
        person_id=person_id, parental_responsibility=True, relative__kind="child"
    ).values("relative_id")
    their_child = Episode.persons.through.objects.filter(
        episode_id=OuterRef("pk"), person_id__in=children
    )
    withheld = FamilyWithholding.objects.filter(
        episode_id=OuterRef("pk"), person_id=person_id, ended_at__isnull=True
    )
    return (Q(Exists(in_episode)) | Q(Exists(in_team)) | Q(Exists(their_child))) & ~Q(
        Exists(withheld)
    )


def family_participants(episode: Episode, *, withheld_too: bool = False) -> QuerySet[Person]:
    """Everyone who takes part in an episode as family (the same rule, from the other side);
    with `withheld_too`, also those the team decided not to share it with (for the team's own
    page about the family's accounts)."""
    from joinedup.people.models import Relationship

    children = episode.persons.filter(kind="child")
    responsible = Relationship.objects.filter(
        person_id=OuterRef("pk"), relative__in=children, parental_responsibility=True
    )
    in_team = TeamMember.objects.filter(
        episode=episode, person_id=OuterRef("pk"), left_at__isnull=True
    )
    people = Person.objects.filter(
        Q(episodes=episode) | Q(Exists(in_team)) | Q(Exists(responsible))
    ).distinct()
    if withheld_too:
        return people
    return people.exclude(
        pk__in=FamilyWithholding.objects.filter(episode=episode, ended_at__isnull=True).values(
            "person_id"
        )
    )


def family_withholding_suggested(episode: Episode, person: Person) -> bool:
    """Suggest not sharing an episode with someone in the family when it protects another
    person's confidential address (a refuge) and they do not live there themselves."""
    if person.address_confidential:
        return False
    return (
        family_participants(episode, withheld_too=True)
        .filter(address_confidential=True)
        .exclude(pk=person.pk)
        .exists()
    )


def family_episodes_visible_to(user: Any) -> QuerySet[Episode]:
    account = family_account(user)
    if account is None:
        return Episode.objects.none()
    from datetime import timedelta

    closed_long_ago = timezone.now() - timedelta(days=FAMILY_CLOSED_EPISODE_DAYS)
    return (
        Episode.objects.filter(_taking_part(account.person_id))
        .exclude(status="closed", closed_at__lt=closed_long_ago)
        .exclude(status="closed", closed_at__isnull=True)
    )


def require_family_episode(user: Any, episode_id: Any, purpose: str = "family") -> Episode:
    """Security: an episode the family member does not take part in answers as a missing one."""
    found = None
    if family_account(user) is not None:
        try:
            found = family_episodes_visible_to(user).filter(pk=int(episode_id)).first()
        except (TypeError, ValueError):
            found = None
    if found is None:
        raise refuse(user, object_type="episodes.episode", object_id=episode_id, purpose=purpose)
    return found


def family_may_be_invited(person: Person, episode: Episode) -> bool:
    """A parent or carer taking part, or a young person of FAMILY_YOUNG_PERSON_MIN_AGE or more."""
    if not Episode.objects.filter(_taking_part(person.pk), pk=episode.pk).exists():
        return False
    if person.kind != "child":
        return True
    age = person.age_on(timezone.localdate())
    return age is not None and age >= FAMILY_YOUNG_PERSON_MIN_AGE


# Sectors whose work with someone tells where they are: a school or nursery, a GP practice or
# clinic, a landlord, a local group or provider.
FAMILY_LOCATING_SECTORS = frozenset(
    {Sector.EDUCATION, Sector.HEALTH, Sector.HOUSING, Sector.COMMUNITY, Sector.PRIVATE}
)


def family_hidden_organisations(user: Any, episode: Episode) -> frozenset[int]:
    """Organisations whose membership of the team this family member may not know of:
    - those providing a sensitive service (sexual or mental health, substance use, domestic
      abuse, criminal justice, immigration) to someone else in the family, unless they work with
      the family member too;
    - those in a locating sector working with someone whose address is withheld from the family
      member (a refuge: the children's new school or GP would say where they are)."""
    account = family_account(user)
    if account is None:
        return frozenset()
    others = list(family_participants(episode).exclude(pk=account.person_id))
    involvements = current_involvements().filter(person__in=others)
    sensitive = set(
        involvements.exclude(sensitive_category="").values_list("organisation_id", flat=True)
    )
    own = current_involvements().filter(person_id=account.person_id)
    sensitive -= set(own.values_list("organisation_id", flat=True))
    own_home = (account.person.address, account.person.postcode)
    # Someone living at the reader's own address (their household) is no secret to them.
    withheld = [
        p.pk
        for p in others
        if not may_see_address(user, p) and (not p.postcode or (p.address, p.postcode) != own_home)
    ]
    locating = involvements.filter(
        person_id__in=withheld, organisation__sector__in=FAMILY_LOCATING_SECTORS
    ).values_list("organisation_id", flat=True)
    return frozenset(sensitive | set(locating))


def family_team_visible_to(user: Any, episode: Episode) -> QuerySet[TeamMember]:
    """The current team as this family member may know it: practitioners (but see
    family_hidden_organisations) and the family's own members of this episode."""
    if family_account(user) is None:
        return TeamMember.objects.none()
    hidden = family_hidden_organisations(user, episode)
    return (
        TeamMember.objects.filter(episode=episode, left_at__isnull=True)
        .exclude(practitioner__organisation_id__in=hidden)
        .select_related("practitioner__organisation", "practitioner__team", "person")
    )


def family_owns_action(user: Any, action: Any) -> bool:
    """An action whose owner is the family member themselves, in the team of its episode."""
    account = family_account(user)
    return (
        account is not None
        and action.owner.person_id == account.person_id
        and action.owner.episode_id == action.episode_id
    )


def family_consent_visible_to(user: Any) -> QuerySet[ConsentRecord]:
    """The family member's own consent records (about them), given and withdrawn."""
    account = family_account(user)
    if account is None:
        return ConsentRecord.objects.none()
    return ConsentRecord.objects.filter(person_id__in=same_person_ids(account.person_id))


def same_person_ids(person_id: int) -> list[int]:
    """A person and every person merged into them: append-only records (consent) stay on the
    person they were made for, and are read for both after a merge."""
    return [
        person_id,
        *Person.objects.filter(merged_into_id=person_id).values_list("pk", flat=True),
    ]


# Partnership health (insight, issue #7) -----------------------------------------------------
# Partnership managers and administrators see every partnership-health page; any practitioner
# may answer an open survey round. Insight pages show organisations, teams and professions only,
# never a person, so no lawful basis for a person's record is involved.


def may_view_partnership_health(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "has_role"):
        return False
    return bool(
        user.is_superuser
        or user.has_role(Role.Code.PARTNERSHIP_MANAGER)
        or user.has_role(Role.Code.ADMINISTRATOR)
    )


def require_partnership_manager(user: Any, *, object_type: str, object_id: Any = "") -> None:
    """Security: anyone else is refused (audited) exactly as a missing page."""
    if not may_view_partnership_health(user):
        raise refuse(
            user, object_type=object_type, object_id=object_id, purpose="partnership health"
        )


def may_answer_surveys(user: Any) -> bool:
    """Any practitioner of a partner organisation answers for themselves (anonymously)."""
    return is_practitioner(user)


@dataclass(frozen=True)
class EpisodeSighting:
    """An open team around a person, as shown to a reader who may see the person: who leads and
    how to reach them, and whether the reader may open the episode (its team only)."""

    episode: Episode
    may_open: bool


def open_episodes_about(user: Any, person_ids: list[int]) -> dict[int, list[EpisodeSighting]]:
    """For a reader already allowed to see these persons: every open team around each of them.
    That a family has a lead professional is what every agency working with them must know; what
    the team records stays with the team (`may_open`)."""
    if not is_practitioner(user) or not person_ids:
        return {}
    episodes = list(
        Episode.objects.filter(persons__in=person_ids)
        .exclude(status="closed")
        .select_related("lead_professional__organisation", "lead_professional__team", "lead_team")
        .prefetch_related("persons")
        .distinct()
    )
    mine = set(
        episodes_visible_to(user)
        .filter(pk__in=[e.pk for e in episodes])
        .values_list("pk", flat=True)
    )
    found: dict[int, list[EpisodeSighting]] = {}
    for episode in episodes:
        for person in episode.persons.all():
            if person.pk in person_ids:
                found.setdefault(person.pk, []).append(EpisodeSighting(episode, episode.pk in mine))
    return found


def family_may_read_words(user: Any, meeting: Any) -> bool:
    """What someone in the family said at a meeting: the speaker sees their own words; the rest
    of the family only what the team shared. Words nobody is named for stay with the team."""
    account = family_account(user)
    if account is None or not meeting.family_said:
        return False
    return bool(meeting.family_said_shared or meeting.family_said_by_id == account.person_id)


def family_may_read_decision(user: Any, decision: Any) -> bool:
    """Only decisions the team marked as shared with the family; internal ones never."""
    return family_account(user) is not None and bool(decision.shared_with_family)


# Service directory and referrals (directory, issue 18) ----------------------------------------
# Decided: any practitioner may search the directory (it holds no one's information). Services
# are kept by administrators, and by a partner organisation's practitioners for its own. A
# referral is seen by whoever made it, the lead professional and current team of its episode,
# and the receiving organisation's practitioners (a partner); the family sees referrals of the
# episodes they take part in. A referral tells the service about someone only with the family's
# agreement and a lawful basis: a sharing agreement covering the purpose "referral" (partners),
# or consent to share for a referral naming the organisation or its sector.


def may_keep_service_organisation(user: Any, organisation: Any) -> bool:
    if not is_practitioner(user):
        return False
    if user.is_superuser or user.has_role(Role.Code.ADMINISTRATOR):
        return True
    return organisation.partner_id is not None and organisation.partner_id == user.organisation_id


def referrals_visible_to(user: Any) -> QuerySet[Any]:
    from joinedup.directory.models import Referral

    if not is_practitioner(user):
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(referred_by=user)
        | Q(episode__in=episodes_visible_to(user).values("pk"))
        | Q(service__organisation__partner_id=user.organisation_id)
    )


def require_referral(user: Any, referral_id: Any, purpose: str = "referral") -> Any:
    """Security: a referral the user may not see answers exactly as a missing one."""
    return _require(user, referrals_visible_to(user), referral_id, "directory.referral", purpose)


def may_receive_referral(user: Any, referral: Any) -> bool:
    """The receiving organisation's practitioners accept, decline, start and complete it."""
    partner_id = referral.service.organisation.partner_id
    return is_practitioner(user) and partner_id is not None and partner_id == user.organisation_id


def may_follow_referral(user: Any, referral: Any) -> bool:
    """The referrer, and the lead and team of its episode, record that the family did not take
    it up."""
    if not is_practitioner(user):
        return False
    if referral.referred_by_id == user.pk:
        return True
    return referral.episode_id is not None and (
        episodes_visible_to(user).filter(pk=referral.episode_id).exists()
    )


def referral_basis(user: Any, person: Person, service_organisation: Any) -> Basis | None:
    """The lawful basis for telling a service's organisation about this person, or None: the
    receiving organisation is the one told, so agreements and consent are read towards it."""
    if not is_practitioner(user):
        return None
    partner = service_organisation.partner
    if partner is not None and partner.pk == user.organisation_id:
        return BASIS_OWN_INVOLVEMENT
    if partner is not None:
        for agreement in agreements_in_force():
            if _covers(agreement, user.organisation, partner, DataCategory.IDENTITY, "referral"):
                return Basis(
                    agreement.lawful_basis,
                    agreement.statutory_duty,
                    source=f"agreement: {agreement.name}",
                )
    # Consent naming the organisation (a partner) or its sector (anyone, inside or outside).
    told = partner or type("Outside", (), {"pk": None, "sector": service_organisation.sector})()
    consent = consent_covers(person, told, "referral")
    if consent is None:
        return None
    return Basis(LawfulBasis.CONSENT, source=f"consent record {consent.record_id}")


def family_referrals_visible_to(user: Any) -> QuerySet[Any]:
    from joinedup.directory.models import Referral

    if family_account(user) is None:
        return Referral.objects.none()
    return Referral.objects.filter(episode__in=family_episodes_visible_to(user).values("pk"))
