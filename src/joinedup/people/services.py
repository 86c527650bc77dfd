"""Every write to people's records: one function per use case, atomic, audited."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError, NotFound
from joinedup.integrations import webhooks
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people import identifiers
from joinedup.people.models import (
    Family,
    FamilyMember,
    Household,
    HouseholdMembership,
    Involvement,
    InvolvementKind,
    NhsNumberAbsentReason,
    ParentalResponsibilityBasis,
    Person,
    PersonKind,
    Relationship,
    RelationshipKind,
    Sex,
)
from joinedup.sharing import policy

BASIS_ACCURATE_RECORD = (
    "public task: the consistent child identifier (Children Act 2004 s.16LC; UK GDPR Art. 5(1)(d))"
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


# Relationships, households and families -------------------------------------------------------
#
# A practitioner changes the family around a person they may see (the access policy decides);
# every change is audited, and a new adult moving in with a child goes to the child's chronology,
# where the "new adult in the household" pattern rule tells the lead professional.

PARENT_KINDS = frozenset({RelationshipKind.PARENT, RelationshipKind.STEP_PARENT})


def _may_change_family(actor: Practitioner | None, person: Person) -> None:
    """Security: only someone who may see the person changes their family (None: the system)."""
    if actor is None:
        return
    if not policy.person_decision(actor, person, "casework").allowed:
        raise NotFound()


@transaction.atomic
def relationship_add(
    *,
    actor: Practitioner | None,
    person: Person,
    relative: Person,
    kind: RelationshipKind | str,
    parental_responsibility: bool = False,
    parental_responsibility_basis: str = "",
    started_on: date | None = None,
) -> Relationship:
    """Record that `person` is `kind` of `relative` ("Sam is Alex's step-parent")."""
    _may_change_family(actor, relative)
    if person.pk == relative.pk:
        raise ApplicationError("A person cannot be their own relative or parent.", field="relative")
    if kind not in RelationshipKind.values:
        raise ApplicationError("Choose the kind of relationship.", field="kind")
    _not_in_future(started_on, "started_on", "The date the relationship started")
    if kind in PARENT_KINDS and _current(relative, person).filter(kind__in=PARENT_KINDS).exists():
        raise ApplicationError(
            f"{relative.full_name} is already recorded as {person.full_name}'s parent: "
            "a person cannot be their own parent's parent.",
            field="kind",
        )
    # Loaded records (no actor) may not say how; a practitioner recording it says.
    basis_needed = actor is not None or parental_responsibility_basis
    if (
        parental_responsibility
        and basis_needed
        and parental_responsibility_basis not in ParentalResponsibilityBasis.values
    ):
        raise ApplicationError(
            "Say how they have parental responsibility.", field="parental_responsibility_basis"
        )
    if _current(person, relative).filter(kind=kind).exists():
        raise ApplicationError("This relationship is already recorded.", field="kind", status=409)
    relationship = Relationship.objects.create(
        person=person,
        relative=relative,
        kind=kind,
        parental_responsibility=parental_responsibility,
        parental_responsibility_basis=parental_responsibility_basis
        if parental_responsibility
        else "",
        started_on=started_on,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=relationship,
        persons=[person, relative],
        detail={"kind": str(kind), "parental_responsibility": parental_responsibility},
    )
    return relationship


def _current(person: Person, relative: Person) -> Any:
    return Relationship.objects.filter(person=person, relative=relative, ended_on__isnull=True)


@transaction.atomic
def relationship_end(
    *, actor: Practitioner | None, relationship: Relationship, ended_on: date | None
) -> Relationship:
    """A relationship ends (a partner leaves, a court order ends): kept, with its end date."""
    _may_change_family(actor, relationship.relative)
    if ended_on is None:
        raise ApplicationError("Enter the date the relationship ended.", field="ended_on")
    _not_in_future(ended_on, "ended_on", "The date the relationship ended")
    if relationship.started_on and ended_on < relationship.started_on:
        raise ApplicationError(
            "The end date must be on or after the date it started.", field="ended_on"
        )
    updated = Relationship.objects.filter(pk=relationship.pk, ended_on__isnull=True).update(
        ended_on=ended_on
    )
    if not updated:
        raise ApplicationError("This relationship has already ended.", field="ended_on", status=409)
    relationship.ended_on = ended_on
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=relationship,
        persons=[relationship.person_id, relationship.relative_id],
        detail={"ended_on": ended_on.isoformat()},
    )
    return relationship


def _overlapping(person: Person, moved_in_on: date, moved_out_on: date | None) -> Any:
    """Memberships of the person whose dates overlap [moved_in_on, moved_out_on)."""
    others = HouseholdMembership.objects.filter(person=person).filter(
        Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=moved_in_on)
    )
    if moved_out_on is not None:
        others = others.filter(moved_in_on__lt=moved_out_on)
    return others


def _household_for(anchor: Person, day: date) -> Household | None:
    """The household the anchor lives in on a day."""
    membership = (
        HouseholdMembership.objects.filter(person=anchor, moved_in_on__lte=day)
        .filter(Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=day))
        .select_related("household")
        .first()
    )
    return membership.household if membership else None


@transaction.atomic
def household_join(
    *,
    actor: Practitioner | None,
    person: Person,
    moved_in_on: date | None,
    household: Household | None = None,
    with_person: Person | None = None,
    moved_out_on: date | None = None,
) -> HouseholdMembership:
    """`person` lives in a household from `moved_in_on`: the given one, the one `with_person`
    lives in then (made at their address if they have none), or a new one at the person's own
    address. An adult joining a household with children is told to their chronologies."""
    _may_change_family(actor, with_person or person)
    if moved_in_on is None:
        raise ApplicationError("Enter the date they moved in.", field="moved_in_on")
    _not_in_future(moved_in_on, "moved_in_on", "The date they moved in")
    _not_in_future(moved_out_on, "moved_out_on", "The date they moved out")
    if moved_out_on is not None and moved_out_on < moved_in_on:
        raise ApplicationError(
            "The date they moved out must be on or after the date they moved in.",
            field="moved_out_on",
        )
    # Serialise changes to one person's homes, so two overlapping moves cannot both pass.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    clash = _overlapping(person, moved_in_on, moved_out_on).first()
    if clash is not None:
        raise ApplicationError(
            f"{person.full_name} already lived in another household then (from "
            f"{clash.moved_in_on:%-d %B %Y}). Record the move out of it first.",
            field="moved_in_on",
        )
    if household is None and with_person is not None:
        household = _household_for(with_person, moved_in_on)
        if household is None:
            household = Household.objects.create(
                address=with_person.address, postcode=with_person.postcode
            )
            HouseholdMembership.objects.create(
                household=household, person=with_person, moved_in_on=moved_in_on, recorded_by=actor
            )
    if household is None:
        household = Household.objects.create(address=person.address, postcode=person.postcode)
    membership = HouseholdMembership.objects.create(
        household=household,
        person=person,
        moved_in_on=moved_in_on,
        moved_out_on=moved_out_on,
        recorded_by=actor,
    )
    residents = _residents(household, moved_in_on, exclude=person)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=membership,
        persons=[person, *residents],
        detail={"household": household.pk, "moved_in_on": moved_in_on.isoformat()},
    )
    if person.kind == PersonKind.ADULT and actor is not None:
        _tell_childrens_chronologies(actor, person, residents, moved_in_on)
    return membership


def _residents(household: Household, day: date, *, exclude: Person) -> list[Person]:
    return list(
        Person.objects.filter(
            Q(household_memberships__moved_out_on__isnull=True)
            | Q(household_memberships__moved_out_on__gt=day),
            household_memberships__household=household,
            household_memberships__moved_in_on__lte=day,
        )
        .exclude(pk=exclude.pk)
        .distinct()
    )


def _tell_childrens_chronologies(
    actor: Practitioner, adult: Person, residents: list[Person], moved_in_on: date
) -> None:
    """A new adult in a child's household is a significant event: it goes to the chronology of
    each child there whom the actor may see (the pattern rule raises the alert)."""
    from joinedup.chronology import services as chronology

    for child in residents:
        if child.kind != PersonKind.CHILD:
            continue
        if not policy.person_decision(actor, child, "chronology").allowed:
            continue
        chronology.chronology_entry_record(
            actor=actor,
            person=child,
            kind="new_adult_in_household",
            occurred_on=moved_in_on,
            text=f"{adult.full_name} moved into {child.given_name}'s household.",
        )


@transaction.atomic
def household_leave(
    *, actor: Practitioner | None, membership: HouseholdMembership, moved_out_on: date | None
) -> HouseholdMembership:
    _may_change_family(actor, membership.person)
    if moved_out_on is None:
        raise ApplicationError("Enter the date they moved out.", field="moved_out_on")
    _not_in_future(moved_out_on, "moved_out_on", "The date they moved out")
    if moved_out_on < membership.moved_in_on:
        raise ApplicationError(
            "The date they moved out must be on or after the date they moved in.",
            field="moved_out_on",
        )
    updated = HouseholdMembership.objects.filter(
        pk=membership.pk, moved_out_on__isnull=True
    ).update(moved_out_on=moved_out_on)
    if not updated:
        raise ApplicationError("They have already moved out.", field="moved_out_on", status=409)
    membership.moved_out_on = moved_out_on
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=membership,
        persons=[membership.person_id],
        detail={"moved_out_on": moved_out_on.isoformat()},
    )
    return membership


def _family_of(anchor: Person) -> Family:
    family = anchor.families.order_by("pk").first()
    if family is None:
        family = Family.objects.create(name=f"{anchor.family_name} family")
        FamilyMember.objects.create(family=family, person=anchor)
    return family


@transaction.atomic
def family_member_add(
    *,
    actor: Practitioner,
    anchor: Person,
    kind: str,
    person: Person | None = None,
    new_person: dict[str, Any] | None = None,
    parental_responsibility: bool = False,
    parental_responsibility_basis: str = "",
    lives_with_since: date | None = None,
) -> Relationship:
    """Add someone to the family of a person the actor may see: an existing person (the actor
    may see them too; the "probably the same person" check offers them) or someone new. They
    are `kind` of the anchor; with a date, they live in the anchor's household from then."""
    _may_change_family(actor, anchor)
    if person is None and new_person:
        person = person_create(actor=actor, **new_person)
    elif person is None or not policy.person_decision(actor, person, "casework").allowed:
        # Security: a person the actor may not see is refused as if they did not exist.
        raise ApplicationError("Choose a person or add someone new.", field="person")
    relationship = relationship_add(
        actor=actor,
        person=person,
        relative=anchor,
        kind=kind,
        parental_responsibility=parental_responsibility,
        parental_responsibility_basis=parental_responsibility_basis,
    )
    family = _family_of(anchor)
    _, added = FamilyMember.objects.get_or_create(family=family, person=person)
    if added:
        audit.record(actor=actor, action=Action.UPDATE, obj=family, persons=[anchor, person])
    if lives_with_since is not None:
        household_join(actor=actor, person=person, moved_in_on=lives_with_since, with_person=anchor)
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
    webhooks.involvement_event(event="involvement.started", involvement=involvement)
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
    webhooks.involvement_event(event="involvement.ended", involvement=involvement)
    return involvement


@transaction.atomic
def person_nhs_number_record(
    *,
    actor: Practitioner,
    person: Person,
    nhs_number: str,
    verified: bool,
    absent_reason: str = "",
) -> Person:
    """The consistent child identifier: the NHS number, whether it was traced, or why not.

    A child saved without the number needs one of the two reasons the Act allows. Who may
    record it (an agency's data lead, among the persons they may see) is the caller's check:
    `sharing.policy` through `identity.children`.
    """
    number = identifiers.normalise_nhs_number(nhs_number.strip())
    if number and not identifiers.is_valid_nhs_number(number):
        raise ApplicationError(
            "Enter a valid NHS number: 10 digits, the last a check digit.", field="nhs_number"
        )
    if verified and not number:
        raise ApplicationError(
            "Enter the NHS number that was traced, or say it is not verified.",
            field="nhs_number",
        )
    if number:
        absent_reason = ""
    elif absent_reason not in NhsNumberAbsentReason.values and (
        person.kind == PersonKind.CHILD or absent_reason
    ):
        raise ApplicationError(
            "Select why the child's NHS number is not recorded.",
            field="nhs_number_absent_reason",
        )
    locked = Person.objects.select_for_update().get(pk=person.pk)
    before = (locked.nhs_number, locked.nhs_number_status, locked.nhs_number_absent_reason)
    if number != locked.nhs_number or not verified:
        locked.nhs_number_verified_at = None
    if verified and locked.nhs_number_verified_at is None:
        locked.nhs_number_verified_at = timezone.now()
    locked.nhs_number, locked.nhs_number_absent_reason = number, absent_reason
    locked.save(update_fields=["nhs_number", "nhs_number_verified_at", "nhs_number_absent_reason"])
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=locked,
        persons=[locked],
        purpose="identity",
        lawful_basis=BASIS_ACCURATE_RECORD,
        detail={
            "nhs_number_changed": before[0] != number,
            "status_before": str(before[1]),
            "status": str(locked.nhs_number_status),
            "absent_reason": absent_reason,
        },
    )
    return locked
