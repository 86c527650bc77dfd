"""Every read of the sharing app a user sees: the data-protection officer's pages. Audited.

Each read asks the policy first; a user without the data-protection officer's role is refused
(audited) exactly as a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.dateformat import format as date_format

from joinedup.audit import services as audit
from joinedup.audit.models import AccessEvent, Action, ChainHead
from joinedup.partnership.models import Sector
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing.consent_export import consent_as_iso27560, consent_status
from joinedup.sharing.models import (
    AddressPermission,
    AdviceRequest,
    BreakGlass,
    ConsentEvent,
    ConsentPurpose,
    ConsentRecord,
    ReviewOutcome,
    SharingDecision,
    SharingNotice,
)

PAGE_SIZE = 50


def _require_dpo(user: Any, object_type: str, object_id: Any = "") -> None:
    policy.require_data_protection_officer(user, object_type=object_type, object_id=object_id)


@dataclass(frozen=True)
class DpoSummary:
    waiting_for_review: int
    events: int


def dpo_summary(*, user: Any) -> DpoSummary:
    _require_dpo(user, "sharing.data_protection")
    head = ChainHead.objects.filter(pk=1).first()
    return DpoSummary(
        BreakGlass.objects.filter(outcome=ReviewOutcome.PENDING).count(), head.seq if head else 0
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# -- Break-glass queue -------------------------------------------------------------------------


def break_glass_queue(*, user: Any, outcome: str = ReviewOutcome.PENDING, page: Any = 1) -> Page:
    _require_dpo(user, "sharing.breakglass_list")
    qs = BreakGlass.objects.select_related("practitioner", "organisation", "person", "reviewed_by")
    if outcome in ReviewOutcome.values:
        qs = qs.filter(outcome=outcome)
    result = Paginator(qs.order_by("-opened_at", "-pk"), PAGE_SIZE).get_page(page)
    if result.object_list:
        audit.record(
            actor=user,
            action=Action.VIEW,
            object_type="sharing.breakglass_list",
            persons=[g.person_id for g in result.object_list],
            purpose="data protection",
            detail={"outcome": outcome},
        )
    return result


@dataclass(frozen=True)
class BreakGlassView:
    grant: BreakGlass
    events: list[AccessEvent]
    active: bool


def break_glass_get(*, user: Any, grant_id: Any) -> BreakGlassView:
    _require_dpo(user, "sharing.breakglass", grant_id)
    try:
        grant = (
            BreakGlass.objects.select_related("practitioner", "organisation", "person")
            .filter(pk=int(grant_id))
            .first()
        )
    except (TypeError, ValueError):
        grant = None
    if grant is None:
        raise policy.refuse(user, object_type="sharing.breakglass", object_id=grant_id)
    # What the holder did with the grant: their events on this person while it lasted.
    events = list(
        AccessEvent.objects.filter(
            actor_id=grant.practitioner_id,
            persons__person_id=grant.person_id,
            occurred_at__gte=grant.opened_at,
            occurred_at__lte=grant.expires_at,
        ).order_by("seq")[:200]
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=grant,
        persons=[grant.person_id],
        purpose="data protection",
    )
    return BreakGlassView(grant, events, grant.expires_at > timezone.now())


# -- Audit search ------------------------------------------------------------------------------


# -- Who has seen this person's record ---------------------------------------------------------


# -- Unusual access ----------------------------------------------------------------------------


# -- The audit chain ---------------------------------------------------------------------------


# -- Consent records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentView:
    record: ConsentRecord
    status: str  # dpv:ConsentGiven / dpv:ConsentWithdrawn / dpv:ConsentExpired

    @property
    def status_label(self) -> str:
        return self.status.removeprefix("dpv:Consent")

    @property
    def purposes(self) -> str:
        labels = dict(ConsentPurpose.choices)
        return ", ".join(labels.get(p, p) for p in self.record.purposes)

    @property
    def recipients(self) -> str:
        sectors = dict(Sector.choices)
        names = [o.name for o in self.record.organisations.all()]
        names += [f"any {sectors.get(s, s).lower()} organisation" for s in self.record.sectors]
        return ", ".join(names)

    @property
    def summary(self) -> str:
        given = date_format(self.record.effective_on, "j F Y")
        return (
            f"Given {given} by {self.record.given_by_name}: {self.purposes}, with {self.recipients}"
        )


@dataclass(frozen=True)
class PersonConsents:
    person: Person
    given: list[ConsentView]

    @property
    def withdrawable(self) -> list[ConsentRecord]:
        return [v.record for v in self.given if v.status != "dpv:ConsentWithdrawn"]


def person_consents(*, user: Any, person_id: Any) -> PersonConsents:
    """A person's consent records, as the policy allows; the view is audited."""
    person, decision = policy.require_person(user, person_id, "consent")
    records = list(
        ConsentRecord.objects.filter(person=person, event=ConsentEvent.GIVEN)
        .select_related("recorded_by", "withdrawal", "withdrawal__recorded_by", "person")
        .prefetch_related("organisations")
        .order_by("-effective_on", "-pk")
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="sharing.consentrecord_list",
        object_id=str(person.pk),
        persons=[person],
        purpose=decision.purpose,
        lawful_basis=decision.basis,
    )
    return PersonConsents(person, [ConsentView(r, consent_status(r)) for r in records])


def person_consents_iso27560(*, user: Any, person_id: Any) -> list[dict[str, Any]]:
    """Every consent record of a person (withdrawals too) in ISO/IEC TS 27560 form."""
    person, decision = policy.require_person(user, person_id, "consent")
    records = (
        ConsentRecord.objects.filter(person=person)
        .select_related("person", "recorded_by", "withdraws", "withdrawal")
        .prefetch_related("organisations")
        .order_by("pk")
    )
    audit.record(
        actor=user,
        action=Action.EXPORT,
        object_type="sharing.consentrecord_list",
        object_id=str(person.pk),
        persons=[person],
        purpose=decision.purpose,
        lawful_basis=decision.basis,
        detail={"format": "ISO/IEC TS 27560"},
    )
    return [consent_as_iso27560(r) for r in records]


# Sharing decisions, confidential addresses and anonymous advice. ------------------------------


@dataclass(frozen=True)
class PersonSharing:
    person: Person
    decisions: list[SharingDecision]
    notices: list[SharingNotice]
    permissions: list[AddressPermission]
    may_see_address: bool


def person_sharing(*, user: Any, person_id: Any) -> PersonSharing:
    """Sharing decisions about a person, whether the family was told, and who may see a
    confidential address (listed only to those who may see the address). Audited."""
    person, decision = policy.require_person(user, person_id, "sharing decisions")
    decisions = list(
        policy.sharing_decisions_visible_to(user, person)
        .select_related("decided_by", "organisation")
        .prefetch_related("recipients")
    )
    notices = list(SharingNotice.objects.filter(person=person).select_related("recorded_by"))
    may_see = policy.may_see_address(user, person)
    permissions = (
        list(
            AddressPermission.objects.filter(person=person, revoked_at__isnull=True).select_related(
                "organisation", "practitioner", "granted_by"
            )
        )
        if may_see
        else []
    )
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="sharing.sharingdecision_list",
        object_id=str(person.pk),
        persons=[person],
        purpose=decision.purpose,
        lawful_basis=decision.basis,
    )
    return PersonSharing(person, decisions, notices, permissions, may_see)


def advice_list(*, user: Any) -> dict[str, list[AdviceRequest]]:
    """Advice I asked for, and advice asked of me or my team."""
    visible = policy.advice_visible_to(user).select_related(
        "asked_by", "organisation", "asked_of", "asked_of_team", "answered_by"
    )
    asked = [a for a in visible if a.asked_by_id == user.pk]
    for_me = [a for a in visible if a.asked_by_id != user.pk]
    return {"asked": asked, "for_me": for_me}


def advice_get(*, user: Any, advice_id: Any) -> AdviceRequest:
    advice = policy.require_advice(user, advice_id)
    audit.record(actor=user, action=Action.VIEW, obj=advice, purpose="advice")
    return advice
