"""Every write to people's records: one function per use case, atomic, audited."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people import identifiers
from joinedup.people.models import (
    Family,
    FamilyMember,
    Involvement,
    InvolvementKind,
    Person,
    PersonKind,
    Relationship,
    RelationshipKind,
    Sex,
)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_reference(prefix: str = "P") -> str:
    return f"{prefix}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _not_in_future(value: date | None, field: str, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise ApplicationError(f"{label} must be today or in the past.", field=field)


def _full_clean(obj: Any) -> None:
    """Model validation, turned into an ApplicationError naming the first field at fault."""
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ApplicationError(messages[0], field=None if field == "__all__" else field) from None


@transaction.atomic
def person_create(
    *,
    actor: Practitioner | None,
    given_name: str,
    family_name: str,
    kind: PersonKind | str,
    date_of_birth: date | None = None,
    sex: Sex | str = Sex.UNKNOWN,
    address: str = "",
    postcode: str = "",
    nhs_number: str = "",
    upn: str = "",
    reference: str | None = None,
) -> Person:
    if not given_name.strip():
        raise ApplicationError("Enter the person's first name.", field="given_name")
    if not family_name.strip():
        raise ApplicationError("Enter the person's last name.", field="family_name")
    _not_in_future(date_of_birth, "date_of_birth", "Date of birth")
    person = Person(
        reference=reference or new_reference(),
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        kind=kind,
        date_of_birth=date_of_birth,
        sex=sex,
        address=address.strip(),
        postcode=identifiers.normalise_postcode(postcode),
        nhs_number=identifiers.normalise_nhs_number(nhs_number),
        upn=upn.strip().upper(),
    )
    _full_clean(person)
    person.save()
    audit.record(actor=actor, action=Action.CREATE, obj=person, persons=[person])
    return person


@transaction.atomic
def family_create(*, actor: Practitioner | None, name: str, members: list[Person]) -> Family:
    if not name.strip():
        raise ApplicationError("Enter how the family is known.", field="name")
    family = Family.objects.create(name=name.strip())
    FamilyMember.objects.bulk_create(FamilyMember(family=family, person=p) for p in members)
    audit.record(actor=actor, action=Action.CREATE, obj=family, persons=members)
    return family


@transaction.atomic
def relationship_add(
    *,
    actor: Practitioner | None,
    person: Person,
    relative: Person,
    kind: RelationshipKind | str,
    parental_responsibility: bool = False,
) -> Relationship:
    if person.pk == relative.pk:
        raise ApplicationError("A person cannot be their own relative.", field="relative")
    if kind not in RelationshipKind.values:
        raise ApplicationError("Choose the kind of relationship.", field="kind")
    relationship, _ = Relationship.objects.get_or_create(
        person=person,
        relative=relative,
        kind=kind,
        defaults={"parental_responsibility": parental_responsibility},
    )
    audit.record(actor=actor, action=Action.CREATE, obj=relationship, persons=[person, relative])
    return relationship


def _require_own_organisation(actor: Practitioner | None, organisation: Organisation) -> None:
    # Security: only an organisation's own practitioners (or the system) record its work.
    if actor is not None and not actor.is_superuser and actor.organisation_id != organisation.pk:
        raise ApplicationError(
            "You can only record your own organisation's involvement.", field="organisation"
        )


@transaction.atomic
def involvement_start(
    *,
    actor: Practitioner | None,
    organisation: Organisation,
    person: Person,
    kind: InvolvementKind | str,
    service: str,
    started_on: date,
    contact: Practitioner | None = None,
    flags: dict[str, bool] | None = None,
    sensitive_category: str = "",
) -> Involvement:
    _require_own_organisation(actor, organisation)
    _not_in_future(started_on, "started_on", "The start date")
    if not service.strip():
        raise ApplicationError("Say what the organisation is doing.", field="service")
    allowed_flags = {
        "child_protection_plan",
        "child_looked_after",
        "ehc_plan",
        "youth_justice_order",
    }
    unknown = set(flags or {}) - allowed_flags
    if unknown:
        raise ApplicationError(f"Unknown flag: {sorted(unknown)[0]}.", field="flags")
    involvement = Involvement(
        organisation=organisation,
        person=person,
        kind=kind,
        service=service.strip(),
        started_on=started_on,
        contact=contact,
        team=getattr(contact, "team", None),
        sensitive_category=sensitive_category,
        **(flags or {}),
    )
    _full_clean(involvement)
    involvement.save()
    audit.record(actor=actor, action=Action.CREATE, obj=involvement, persons=[person])
    return involvement


@transaction.atomic
def involvement_end(
    *, actor: Practitioner | None, involvement: Involvement, ended_on: date
) -> Involvement:
    _require_own_organisation(actor, involvement.organisation)
    _not_in_future(ended_on, "ended_on", "The end date")
    if ended_on < involvement.started_on:
        raise ApplicationError("The end date must be on or after the start date.", field="ended_on")
    updated = Involvement.objects.filter(pk=involvement.pk, ended_on__isnull=True).update(
        ended_on=ended_on
    )
    if not updated:
        raise ApplicationError("This involvement has already ended.", field="ended_on", status=409)
    involvement.ended_on = ended_on
    audit.record(
        actor=actor, action=Action.UPDATE, obj=involvement, persons=[involvement.person_id]
    )
    return involvement
