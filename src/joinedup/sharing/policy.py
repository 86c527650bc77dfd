"""The access policy: the one place that decides who may see what, and on what basis.

Selectors ask it both questions Zulip-style: "may this user see this record?" and "which records
may this user see?" (a queryset filter). Nothing else in joinedup decides access.

First version (the foundation): a practitioner sees a person while their organisation has a
current involvement with that person. Everything else is refused, and refusals are audited by the
caller through `refuse()` so that the refused page looks exactly like a missing one.

The queries behind "which may I see" live in `sharing/visibility.py` (one indexed branch per
ground, combined with UNION) and the family's own pages in `sharing/family_policy.py`; both are
part of this policy, and every name is imported from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.casework.models import Episode, RequestForSupport, RequestStatus
from joinedup.errors import NotFound
from joinedup.partnership.models import Role, Sector, SharingAgreement, Team
from joinedup.people.models import (
    HIDDEN_SERVICE_CATEGORIES,
    Involvement,
    Person,
    SensitiveCategory,
)
from joinedup.sharing import audit, visibility
from joinedup.sharing.family_policy import (  # the family's own pages: see that module
    BASIS_FAMILY_OWN,
    FAMILY_CLOSED_EPISODE_DAYS,
    FAMILY_LOCATING_SECTORS,
    FAMILY_WITHHELD_MEETING_FIELDS,
    FAMILY_YOUNG_PERSON_MIN_AGE,
    family_account,
    family_consent_visible_to,
    family_episodes_visible_to,
    family_hidden_organisations,
    family_may_be_invited,
    family_owns_action,
    family_participants,
    family_team_visible_to,
    is_family,
    require_family_episode,
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
    Action,
    AddressPermission,
    AdviceRequest,
    ConsentEvent,
    ConsentPurpose,
    ConsentRecord,
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


current_involvements = visibility.current_involvements


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


_GROUND_BASES = {
    visibility.OWN_INVOLVEMENT: BASIS_OWN_INVOLVEMENT,
    visibility.SAFEGUARDING: BASIS_SAFEGUARDING,
    visibility.EPISODE: BASIS_EPISODE,
    visibility.FRONT_DOOR: BASIS_FRONT_DOOR,
}


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Every person this user may see: a filter, so lists stay one query. The grounds (own
    organisation's current involvement, the team around the family, an open request at the
    front door, live break-glass) are a UNION of indexed lookups: see sharing/visibility.py."""
    if not is_practitioner(user):
        return Person.objects.none()
    grounds = visibility.visible_person_ids(user, front_door=is_front_door(user))
    # A person merged into another is reached through the one they were merged into.
    return Person.objects.filter(pk__in=grounds, merged_into__isnull=True)


def person_decision(user: Any, person: Person, purpose: str = "casework") -> Decision:
    """May this user see this person, and on what basis: one query for every ground at once."""
    if not is_practitioner(user):
        return Decision(False, purpose=purpose)
    ground = visibility.person_ground(user, person.pk, front_door=is_front_door(user))
    if ground is None:
        return Decision(False, purpose=purpose)
    return Decision(True, _GROUND_BASES.get(ground, BASIS_BREAK_GLASS), purpose)


def requests_visible_to(user: Any) -> QuerySet[RequestForSupport]:
    """The asker sees their own; the front door the open and decided ones; a lead those sent."""
    if not is_practitioner(user):
        return RequestForSupport.objects.none()
    ids = visibility.visible_request_ids(user, front_door=is_front_door(user))
    return RequestForSupport.objects.filter(pk__in=ids)


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
    return Episode.objects.filter(pk__in=visibility.visible_episode_ids(user))


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
    current = visibility.current_involvements().filter(person=person)
    return _known_involvements(user, person, current)


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
        return visibility.live_break_glass(self.user).filter(person=self.person).exists()

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


__all__ = [
    "BASIS_FAMILY_OWN",
    "FAMILY_CLOSED_EPISODE_DAYS",
    "FAMILY_LOCATING_SECTORS",
    "FAMILY_WITHHELD_MEETING_FIELDS",
    "FAMILY_YOUNG_PERSON_MIN_AGE",
    "family_account",
    "family_consent_visible_to",
    "family_episodes_visible_to",
    "family_hidden_organisations",
    "family_may_be_invited",
    "family_owns_action",
    "family_participants",
    "family_team_visible_to",
    "is_family",
    "require_family_episode",
]
