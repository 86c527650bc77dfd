"""Every write of the sharing app: break-glass and its review, consent records. Atomic, audited."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.errors import ApplicationError
from joinedup.partnership import notify
from joinedup.partnership.models import Organisation, Practitioner, Role, Sector
from joinedup.people.models import Person
from joinedup.sharing import audit, policy
from joinedup.sharing.models import (
    Action,
    BreakGlass,
    ConsentEvent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    ReviewOutcome,
)

DEFAULT_BREAK_GLASS_HOURS = 2


def break_glass_hours() -> float:
    """How long a break-glass grant lasts: the JOINEDUP_BREAK_GLASS_HOURS setting, default 2."""
    return float(getattr(settings, "JOINEDUP_BREAK_GLASS_HOURS", DEFAULT_BREAK_GLASS_HOURS))


def break_glass_recipients(person: Person) -> list[Practitioner]:
    """Who is told at once when someone breaks the glass on this person's record.

    Now: every data-protection officer. To extend: the lead professional of each open episode.
    """
    return list(
        Practitioner.objects.filter(
            roles__code=Role.Code.DATA_PROTECTION_OFFICER, is_active=True
        ).distinct()
    )


def _person_by_reference(reference: str) -> Person | None:
    person = Person.objects.filter(reference__iexact=reference.strip()).first()
    while person is not None and person.merged_into_id is not None:
        person = person.merged_into  # a merged record is reached through the one it joined
    return person


def break_glass_open(*, actor: Practitioner, reference: str, reason: str) -> BreakGlass:
    """Open a person's record in an emergency, beyond the actor's rights, for a limited time."""
    if not policy.is_practitioner(actor):
        raise ApplicationError("Only practitioners can use emergency access.")
    if not reference.strip():
        raise ApplicationError("Enter the person's reference", field="reference")
    if not reason.strip():
        raise ApplicationError("Enter why you need to open this record now", field="reason")
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


def _consent_giver(person: Person, given_by: str, name: str, field: str) -> str:
    """The giver's name as recorded: the young person themselves, or someone named."""
    if given_by not in ConsentGiver.values:
        raise ApplicationError("Say who gave consent", field=field)
    if given_by == ConsentGiver.YOUNG_PERSON:
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
