"""Every write of the sharing app: break-glass and its review, consent records. Atomic, audited."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import Episode
from joinedup.errors import ApplicationError
from joinedup.partnership import notify
from joinedup.partnership.models import Organisation, Practitioner, Role, Sector, Team
from joinedup.people.models import Person, PersonKind
from joinedup.sharing import policy
from joinedup.sharing.lawful import (
    SPECIAL_CATEGORIES,
    Basis,
    DataCategory,
    LawfulBasis,
    SharePurpose,
    SpecialCondition,
    StatutoryDuty,
)
from joinedup.sharing.models import (
    AddressPermission,
    AdviceRequest,
    AdviceStatus,
    BreakGlass,
    ConsentEvent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    NoticeKind,
    ReviewOutcome,
    ShareChoice,
    SharingDecision,
    SharingNotice,
)

DEFAULT_BREAK_GLASS_HOURS = 2


def break_glass_hours() -> float:
    """How long a break-glass grant lasts: the JOINEDUP_BREAK_GLASS_HOURS setting, default 2."""
    return float(getattr(settings, "JOINEDUP_BREAK_GLASS_HOURS", DEFAULT_BREAK_GLASS_HOURS))


def break_glass_recipients(person: Person) -> list[Practitioner]:
    """Who is told at once when someone breaks the glass on this person's record: every
    data-protection officer, and the lead professional of each open episode the person is in."""
    leads = Episode.objects.filter(persons=person).exclude(status="closed")
    return list(
        Practitioner.objects.filter(is_active=True)
        .filter(
            Q(roles__code=Role.Code.DATA_PROTECTION_OFFICER)
            | Q(pk__in=leads.values("lead_professional_id"))
        )
        .distinct()
    )


def _person_by_reference(reference: str) -> Person | None:
    person = Person.objects.filter(reference__iexact=reference.strip()).first()
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into  # a merged record is reached through the one it joined
    return person


def break_glass_open(
    *,
    actor: Practitioner,
    reason: str,
    reference: str = "",
    name: str = "",
    date_of_birth: date | None = None,
) -> BreakGlass:
    """Open a person's record in an emergency, beyond the actor's rights, for a limited time:
    found by their reference, or by full name and date of birth when exactly one person has
    them."""
    if not policy.is_practitioner(actor):
        raise ApplicationError("Only practitioners can use emergency access.")
    if not reference.strip() and not (name.strip() and date_of_birth):
        field = (
            "reference"
            if not name.strip() and not date_of_birth
            else ("date_of_birth" if name.strip() else "name")
        )
        raise ApplicationError(
            "Enter the person's reference, or their full name and date of birth", field=field
        )
    if not reason.strip():
        raise ApplicationError("Enter why you need to open this record now", field="reason")
    if not reference.strip():
        assert date_of_birth is not None
        return _break_glass_by_name(actor, name.strip(), date_of_birth, reason.strip())
    person = _person_by_reference(reference)
    if person is None:
        # Audited outside the grant's transaction, so the refusal is kept.
        policy.refuse(
            actor,
            object_type="people.person",
            object_id=reference.strip()[:60],
            purpose="break-glass",
        )
        raise ApplicationError(
            "No record has this reference. Check it with the person who gave it to you",
            field="reference",
        )
    return _break_glass_grant(actor=actor, person=person, reason=reason.strip())


def _break_glass_by_name(actor: Practitioner, name: str, born: date, reason: str) -> BreakGlass:
    words = name.split()
    if len(words) < 2:
        raise ApplicationError("Enter their first and last name", field="name")
    found = list(
        Person.objects.filter(
            merged_into__isnull=True,
            date_of_birth=born,
            given_name__iexact=words[0],
            family_name__iexact=" ".join(words[1:]),
        )[:2]
    )
    if len(found) != 1:
        # Security: audited as a refusal; says nothing about who is known, only how to go on.
        policy.refuse(
            actor,
            object_type="people.person",
            object_id=f"{name[:40]} {born}",
            purpose="break-glass",
        )
        if not found:
            raise ApplicationError(
                "No one has this name and date of birth. Check the spelling, or ask for their "
                "reference",
                field="name",
            )
        raise ApplicationError(
            "More than one person has this name and date of birth: ask for their reference",
            field="reference",
        )
    return _break_glass_grant(actor=actor, person=found[0], reason=reason)


@transaction.atomic
def _break_glass_grant(*, actor: Practitioner, person: Person, reason: str) -> BreakGlass:
    organisation = actor.organisation
    if organisation is None:
        raise ApplicationError("Only practitioners can use emergency access.")
    now = timezone.now()
    grant = BreakGlass.objects.create(
        practitioner=actor,
        organisation=organisation,
        person=person,
        reason=reason,
        opened_at=now,
        expires_at=now + timedelta(hours=break_glass_hours()),
    )
    audit.record(
        actor=actor,
        action=Action.BREAK_GLASS,
        obj=person,
        persons=[person],
        purpose="emergency access",
        lawful_basis=policy.BASIS_BREAK_GLASS,
        detail={"reason": reason, "grant": grant.pk, "expires_at": grant.expires_at.isoformat()},
    )
    notify.send(
        break_glass_recipients(person),
        subject="Emergency access to review",
        body=(
            f"{actor.get_full_name()} ({actor.organisation}) used emergency access (break-glass) "
            f"to open a person's record. It is waiting for review in the break-glass queue."
        ),
        link=reverse("sharing:break-glass-review", args=[grant.pk]),
    )
    return grant


@transaction.atomic
def break_glass_review(
    *, actor: Practitioner, grant: BreakGlass, outcome: str, notes: str
) -> BreakGlass:
    """The data-protection officer's verdict on one break-glass: justified or not, with notes."""
    policy.require_data_protection_officer(
        actor, object_type="sharing.breakglass", object_id=grant.pk
    )
    if outcome not in (ReviewOutcome.JUSTIFIED, ReviewOutcome.NOT_JUSTIFIED):
        raise ApplicationError("Choose whether the access was justified", field="outcome")
    if outcome == ReviewOutcome.NOT_JUSTIFIED and not notes.strip():
        raise ApplicationError("Enter notes saying why it was not justified", field="notes")
    if grant.practitioner_id == actor.pk:
        raise ApplicationError(
            "Someone else must review your own emergency access", field="outcome"
        )
    now = timezone.now()
    # Compare-and-set: two officers reviewing at once cannot both record a verdict.
    updated = BreakGlass.objects.filter(pk=grant.pk, outcome=ReviewOutcome.PENDING).update(
        outcome=outcome, reviewed_by=actor, reviewed_at=now, review_notes=notes.strip()
    )
    if not updated:
        raise ApplicationError("This access has already been reviewed", field="outcome", status=409)
    grant.refresh_from_db()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=grant,
        persons=[grant.person_id],
        purpose="data protection",
        detail={"outcome": outcome, "notes": notes.strip()},
    )
    return grant


# -- Consent records ---------------------------------------------------------------------------


def consent_givers(person: Person) -> list[str]:
    """Who may give or withdraw consent for this person."""
    if person.kind == PersonKind.CHILD:
        return [ConsentGiver.YOUNG_PERSON, ConsentGiver.PARENTAL_RESPONSIBILITY]
    return [ConsentGiver.SELF]


def _consent_giver(person: Person, given_by: str, name: str, field: str) -> str:
    """The giver's name as recorded: an adult themselves; for a child, the young person with
    sufficient understanding, or someone with parental responsibility, named."""
    if given_by not in consent_givers(person):
        if given_by == ConsentGiver.SELF or given_by not in ConsentGiver.values:
            raise ApplicationError(
                "Say who gave consent: for a child, the young person or someone with parental "
                "responsibility",
                field=field,
            )
        raise ApplicationError(
            f"{person.full_name} is an adult: they consent for themselves", field=field
        )
    if given_by in (ConsentGiver.SELF, ConsentGiver.YOUNG_PERSON):
        return person.full_name
    if not name.strip():
        raise ApplicationError(
            "Enter the name of the person with parental responsibility", field=f"{field}_name"
        )
    return name.strip()


def _consent_scope(organisations: list[Organisation], sectors: list[str], purposes: list[str]):
    if not organisations and not sectors:
        raise ApplicationError(
            "Choose the organisations or sectors it may be shared with", field="organisations"
        )
    if any(s not in Sector.values for s in sectors):
        raise ApplicationError("Choose sectors from the list", field="sectors")
    if not purposes or any(p not in ConsentPurpose.values for p in purposes):
        raise ApplicationError("Choose what it may be shared for", field="purposes")


@transaction.atomic
def consent_give(
    *,
    actor: Practitioner,
    person: Person,
    given_by: str,
    given_by_name: str = "",
    given_by_relationship: str = "",
    organisations: list[Organisation],
    sectors: list[str],
    purposes: list[str],
    method: str,
    evidence: str = "",
    given_on: date | None,
    expires_on: date | None = None,
) -> ConsentRecord:
    """Record consent to share a person's information: a new record, never an edit."""
    name = _consent_giver(person, given_by, given_by_name, "given_by")
    _consent_scope(organisations, sectors, purposes)
    if method not in ConsentMethod.values:
        raise ApplicationError("Say how consent was given", field="method")
    if given_on is None:
        raise ApplicationError("Enter the date consent was given", field="given_on")
    if given_on > timezone.localdate():
        raise ApplicationError(
            "The date consent was given must be today or in the past", field="given_on"
        )
    if expires_on is not None and expires_on <= given_on:
        raise ApplicationError("The expiry date must be after the date given", field="expires_on")
    record = ConsentRecord(
        record_id=uuid.uuid4(),
        person=person,
        event=ConsentEvent.GIVEN,
        given_by=given_by,
        given_by_name=name,
        given_by_relationship=given_by_relationship.strip(),
        effective_on=given_on,
        expires_on=expires_on,
        sectors=sorted(set(sectors)),
        purposes=sorted(set(purposes)),
        method=method,
        evidence=evidence.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    record.save(force_insert=True)
    record.organisations.set(organisations)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        persons=[person],
        purpose="consent",
        detail={"event": "given", "purposes": record.purposes, "sectors": record.sectors},
    )
    return record


@transaction.atomic
def consent_withdraw(
    *,
    actor: Practitioner,
    record: ConsentRecord,
    withdrawn_by: str,
    withdrawn_by_name: str = "",
    withdrawn_on: date | None,
    method: str = ConsentMethod.VERBAL,
    note: str = "",
) -> ConsentRecord:
    """Withdraw consent: a new record pointing at the one withdrawn, effective at once."""
    if record.event != ConsentEvent.GIVEN:
        raise ApplicationError("Choose a consent that was given", field="record")
    name = _consent_giver(record.person, withdrawn_by, withdrawn_by_name, "withdrawn_by")
    if method not in ConsentMethod.values:
        raise ApplicationError("Say how consent was withdrawn", field="method")
    if withdrawn_on is None:
        raise ApplicationError("Enter the date consent was withdrawn", field="withdrawn_on")
    if withdrawn_on > timezone.localdate():
        raise ApplicationError(
            "The date withdrawn must be today or in the past", field="withdrawn_on"
        )
    if withdrawn_on < record.effective_on:
        raise ApplicationError(
            "The date withdrawn must be on or after the date consent was given",
            field="withdrawn_on",
        )
    withdrawal = ConsentRecord(
        record_id=uuid.uuid4(),
        person_id=record.person_id,
        event=ConsentEvent.WITHDRAWN,
        withdraws=record,
        given_by=withdrawn_by,
        given_by_name=name,
        effective_on=withdrawn_on,
        method=method,
        evidence=note.strip(),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            withdrawal.save(force_insert=True)
    except IntegrityError:
        raise ApplicationError(
            "This consent has already been withdrawn", field="record", status=409
        ) from None
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=withdrawal,
        persons=[record.person_id],
        purpose="consent",
        detail={"event": "withdrawn", "withdraws": str(record.record_id)},
    )
    return withdrawal


def _organisation_of(actor: Practitioner) -> Organisation:
    if actor.organisation is None:
        raise ApplicationError("Only practitioners of a partner organisation can do this.")
    return actor.organisation


# Sharing decisions: recorded whether the answer is to share or not. ------------------------------


@transaction.atomic
def sharing_decision_record(
    *,
    actor: Practitioner,
    person: Person,
    choice: str,
    what: str,
    categories: list[str],
    recipients: list[Organisation],
    recipient_other: str = "",
    purpose: str,
    lawful_basis: str = "",
    statutory_duty: str = "",
    special_condition: str = "",
    reasons: str,
    family_told: str = "",
    not_told_reason: str = "",
    more_detrimental_reasons: str = "",
) -> SharingDecision:
    """Record a decision to share or not to share: what, with whom, why, on what basis.

    Whether the family was told is recorded beside it (a SharingNotice), never as consent. A
    decision not to disclose although the duty to share applied (Children Act 2004 s16LA) gives
    why disclosure would be more detrimental to the child; the data protection officer sees those.
    """
    policy.require_person(actor, person.pk, "sharing decision")
    _check_sharing_decision(
        choice=choice,
        what=what,
        categories=categories,
        recipients=recipients,
        recipient_other=recipient_other,
        purpose=purpose,
        lawful_basis=lawful_basis,
        statutory_duty=statutory_duty,
        special_condition=special_condition,
        reasons=reasons,
        family_told=family_told,
        not_told_reason=not_told_reason,
    )
    if more_detrimental_reasons.strip() and choice == ShareChoice.SHARE:
        raise ApplicationError(
            "Only a decision not to disclose says why disclosure would be more detrimental to "
            "the child",
            field="more_detrimental_reasons",
        )
    sharing = choice == ShareChoice.SHARE
    record = SharingDecision.objects.create(
        person=person,
        choice=choice,
        what=what.strip(),
        categories=sorted(set(categories)),
        recipient_other=recipient_other.strip(),
        purpose=purpose,
        lawful_basis=lawful_basis if sharing else "",
        statutory_duty=statutory_duty if sharing else "",
        special_condition=special_condition if sharing else "",
        reasons=reasons.strip(),
        more_detrimental_reasons=more_detrimental_reasons.strip(),
        family_told=family_told,
        decided_by=actor,
        organisation=_organisation_of(actor),
        decided_at=timezone.now(),
    )
    record.recipients.set(recipients)
    if family_told:
        SharingNotice.objects.create(
            person=person,
            kind=family_told,
            reason=not_told_reason.strip(),
            recorded_by=actor,
            recorded_at=record.decided_at,
        )
    basis = (
        Basis(lawful_basis, statutory_duty, special_condition, source="sharing decision")
        if sharing
        else None
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=record,
        persons=[person],
        purpose=purpose,
        lawful_basis=basis,
        detail={
            "choice": choice,
            "recipients": [o.code for o in recipients]
            + ([recipient_other] if recipient_other else []),
            "categories": record.categories,
            "family_told": family_told,
            "duty_to_share_withheld": bool(record.more_detrimental_reasons),
        },
    )
    return record


def _check_sharing_decision(
    *,
    choice: str,
    what: str,
    categories: list[str],
    recipients: list[Organisation],
    recipient_other: str,
    purpose: str,
    lawful_basis: str,
    statutory_duty: str,
    special_condition: str,
    reasons: str,
    family_told: str,
    not_told_reason: str,
) -> None:
    """Bad input names its field; nothing is written before every check has passed."""
    if choice not in ShareChoice.values:
        raise ApplicationError(
            "Choose whether you decided to share or not to share", field="choice"
        )
    if not what.strip():
        raise ApplicationError("Say what information this decision is about", field="what")
    if not categories or any(c not in DataCategory.values for c in categories):
        raise ApplicationError("Choose the kinds of information", field="categories")
    if not recipients and not recipient_other.strip():
        raise ApplicationError(
            "Say who the information was (or would have been) for", field="recipients"
        )
    if purpose not in SharePurpose.values:
        raise ApplicationError("Choose the purpose", field="purpose")
    if not reasons.strip():
        raise ApplicationError("Give the reasons for the decision", field="reasons")
    if family_told and family_told not in NoticeKind.values:
        raise ApplicationError("Choose whether the family was told", field="family_told")
    if family_told == NoticeKind.NOT_TOLD_RISK and not not_told_reason.strip():
        raise ApplicationError(
            "Say why telling the family would put someone at risk", field="not_told_reason"
        )
    if choice != ShareChoice.SHARE:
        return
    if lawful_basis not in LawfulBasis.values:
        raise ApplicationError("Choose the lawful basis for sharing", field="lawful_basis")
    if lawful_basis == LawfulBasis.PUBLIC_TASK and statutory_duty not in StatutoryDuty.values:
        raise ApplicationError(
            "Name the statutory duty this public task rests on", field="statutory_duty"
        )
    if set(categories) & SPECIAL_CATEGORIES and special_condition not in SpecialCondition.values:
        raise ApplicationError(
            "Health information is special category data: choose the condition that allows "
            "sharing it",
            field="special_condition",
        )


# Confidential addresses: a refuge or witness protection. ---------------------------------------


@transaction.atomic
def address_confidential_set(
    *,
    actor: Practitioner,
    person: Person,
    confidential: bool,
    reason: str,
    allow: list[Organisation] | None = None,
) -> Person:
    """Mark an address confidential (or not), naming who may still see it.

    Only someone who may see the address may change this, so marking it never reveals it. The
    actor's own organisation is always allowed, so the one who protects it keeps sight of it.
    """
    _, decision = policy.require_person(actor, person.pk, "address")
    if not policy.may_see_address(actor, person):
        raise policy.refuse(
            actor, object_type="people.person", object_id=person.pk, purpose="address"
        )
    if not reason.strip():
        raise ApplicationError(
            "Say why the address is (or is no longer) confidential", field="reason"
        )
    now = timezone.now()
    Person.objects.filter(pk=person.pk).update(address_confidential=confidential)
    person.address_confidential = confidential
    if confidential:
        for organisation in {actor.organisation, *(allow or [])}:
            AddressPermission.objects.get_or_create(
                person=person,
                organisation=organisation,
                revoked_at=None,
                defaults={"reason": reason.strip(), "granted_by": actor, "granted_at": now},
            )
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=person,
        persons=[person],
        purpose="address",
        lawful_basis=decision.basis,
        detail={
            "address_confidential": confidential,
            "allowed": [o.code for o in allow or []],
            "reason": reason.strip(),
        },
    )
    return person


@transaction.atomic
def address_permission_revoke(*, actor: Practitioner, permission: AddressPermission) -> None:
    if not policy.may_see_address(actor, permission.person):
        raise policy.refuse(actor, object_type="sharing.addresspermission", object_id=permission.pk)
    AddressPermission.objects.filter(pk=permission.pk).update(revoked_at=timezone.now())
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=permission,
        persons=[permission.person_id],
        purpose="address",
        detail={"revoked": True},
    )


# Advice without naming the family. --------------------------------------------------------------


@transaction.atomic
def advice_ask(
    *,
    actor: Practitioner,
    situation: str,
    question: str,
    team: Team | None = None,
    colleague: Practitioner | None = None,
) -> AdviceRequest:
    """Describe a situation anonymously and ask the front door (or a colleague) for advice.

    No person is linked, and the audit event names none.
    """
    if not policy.is_practitioner(actor):
        raise ApplicationError("Only practitioners can ask for advice.")
    if team is None and colleague is None:
        raise ApplicationError("Choose who to ask", field="asked_of")
    if colleague is not None and (
        colleague.pk == actor.pk or not policy.is_practitioner(colleague)
    ):
        raise ApplicationError("Choose a colleague other than yourself", field="asked_of")
    if not situation.strip():
        raise ApplicationError("Describe the situation, without names", field="situation")
    if not question.strip():
        raise ApplicationError("Say what you would like advice on", field="question")
    advice = AdviceRequest.objects.create(
        asked_by=actor,
        organisation=_organisation_of(actor),
        asked_of_team=team,
        asked_of=colleague,
        situation=situation.strip(),
        question=question.strip(),
        asked_at=timezone.now(),
    )
    audit.record(actor=actor, action=Action.CREATE, obj=advice, purpose="advice")
    recipients = (
        [colleague]
        if colleague is not None
        else list(Practitioner.objects.filter(team=team, is_active=True))
    )
    notify.send(
        recipients,
        subject="A request for advice",
        body=f"{actor.get_full_name()} ({actor.organisation}) asked for advice. No family named.",
        link=reverse("sharing:advice", args=[advice.pk]),
    )
    return advice


@transaction.atomic
def advice_answer(*, actor: Practitioner, advice: AdviceRequest, text: str) -> AdviceRequest:
    if not policy.may_answer_advice(actor, advice):
        raise policy.refuse(actor, object_type="sharing.advicerequest", object_id=advice.pk)
    if advice.status == AdviceStatus.ANSWERED:
        raise ApplicationError("This request has already been answered", field="advice", status=409)
    if not text.strip():
        raise ApplicationError("Write your advice", field="advice")
    AdviceRequest.objects.filter(pk=advice.pk).update(
        advice=text.strip(),
        status=AdviceStatus.ANSWERED,
        answered_by=actor,
        answered_at=timezone.now(),
    )
    advice.refresh_from_db()
    audit.record(actor=actor, action=Action.UPDATE, obj=advice, purpose="advice")
    notify.send(
        [advice.asked_by],
        subject="Your request for advice has been answered",
        body=f"{actor.get_full_name()} ({actor.organisation}) answered your request for advice.",
        link=reverse("sharing:advice", args=[advice.pk]),
    )
    return advice
