"""Consent records: given and withdrawn, never changed."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Organisation, Practitioner, Sector
from joinedup.people.models import Person, PersonKind
from joinedup.sharing.models import (
    ConsentEvent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
)


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
