"""Emergency access (break-glass): opened with a reason, for a limited time, reviewed by the data
protection officer."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import Episode
from joinedup.errors import ApplicationError
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner, Role
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing.models import (
    BreakGlass,
    ReviewOutcome,
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


# Sharing decisions: recorded whether the answer is to share or not. ------------------------------


# Confidential addresses: a refuge or witness protection. ---------------------------------------


# Advice without naming the family. --------------------------------------------------------------
