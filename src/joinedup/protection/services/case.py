"""Opening the child-protection record, and its Lead Child Protection Practitioner."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import Episode, EpisodeStatus
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership.models import Practitioner, Profession
from joinedup.people.models import Person
from joinedup.protection import codes
from joinedup.protection.models import (
    OPEN_STATUSES,
    Agency,
    Attendee,
    ChildProtectionTeam,
    LeadPractitionerHandover,
    ProtectionCase,
)
from joinedup.sharing import policy

PURPOSE = "child protection"


def _audit(actor: Practitioner, action: str, obj: Any, case: ProtectionCase, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        persons=[case.child_id],
        purpose=PURPOSE,
        lawful_basis=policy.BASIS_CHILD_PROTECTION,
        detail=detail,
    )


def _open_case(actor: Practitioner, case: ProtectionCase) -> ProtectionCase:
    """Security: only the record's team may change it; others see it as missing. Locked while
    it changes so two people recording at once cannot both move it on."""
    policy.require_protection_case(actor, case.pk, PURPOSE)
    locked = ProtectionCase.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ApplicationError("This child protection record is closed.", status=409)
    return locked


def _text(value: str, field: str, message: str) -> str:
    if not (value or "").strip():
        raise ApplicationError(message, field=field)
    return value.strip()


def _attendees(attendees: Iterable[tuple[str, str]], field: str = "attendees") -> list[Attendee]:
    found = []
    for name, agency in attendees:
        if agency not in Agency.values:
            raise ApplicationError("Choose each attendee's agency.", field=field)
        if name.strip():
            found.append(Attendee(name=name.strip()[:200], agency=agency))
    if not found:
        raise ApplicationError("Say who took part, by agency.", field=field)
    return found


# --- Multi-agency child protection teams (partnership configuration) --------------------------


# --- Opening the record and its lead --------------------------------------------------------


def _check_census_codes(
    referral_source: str, primary_need: str, ethnicity: str, disabilities: list[str]
) -> None:
    """Codes come only from the DfE lists; empty means not yet known (the return says so)."""
    if referral_source and referral_source not in codes.REFERRAL_SOURCE:
        raise ApplicationError(
            "Choose the source of referral from the list.", field="referral_source"
        )
    if primary_need and primary_need not in codes.PRIMARY_NEED:
        raise ApplicationError("Choose the primary need from the list.", field="primary_need")
    if ethnicity and ethnicity not in codes.ETHNICITY:
        raise ApplicationError("Choose the child's ethnicity from the list.", field="ethnicity")
    if any(d not in codes.DISABILITY for d in disabilities):
        raise ApplicationError("Choose disabilities from the list.", field="disabilities")
    if "NONE" in disabilities and len(disabilities) > 1:
        raise ApplicationError(
            "Choose either 'No disability' or the child's disabilities, not both.",
            field="disabilities",
        )


def _require_social_worker(practitioner: Practitioner, field: str) -> None:
    if practitioner.profession != Profession.SOCIAL_WORKER:
        raise ApplicationError(
            "The Lead Child Protection Practitioner must be a social worker.", field=field
        )


@transaction.atomic
def case_open(
    *,
    actor: Practitioner,
    episode: Episode,
    child: Person,
    lead_practitioner: Practitioner,
    referral_date: date,
    cp_team: ChildProtectionTeam | None = None,
    referral_source: str = "",
    primary_need: str = "",
    ethnicity: str = "",
    disabilities: list[str] | None = None,
) -> ProtectionCase:
    """Casework hands over at step-up: the child's record opens beside the episode, whose team and
    plan continue."""
    if not policy.may_edit_episode(actor, episode):
        raise NotFound()
    if episode.status != EpisodeStatus.STEPPED_UP:
        raise ApplicationError(
            "Step the episode up to children's social care first.", field="episode", status=409
        )
    if not episode.persons.filter(pk=child.pk, kind="child").exists():
        raise ApplicationError("Choose a child in this family.", field="child")
    _require_social_worker(lead_practitioner, "lead_practitioner")
    disabilities = sorted(set(disabilities or []))
    _check_census_codes(referral_source, primary_need, ethnicity, disabilities)
    if referral_date > timezone.localdate():
        raise ApplicationError("The referral date cannot be in the future.", field="referral_date")
    if ProtectionCase.objects.filter(child=child, status__in=OPEN_STATUSES).exists():
        raise ApplicationError(
            "This child already has an open child protection record.", field="child", status=409
        )
    case = ProtectionCase.objects.create(
        episode=episode,
        child=child,
        cp_team=cp_team,
        lead_practitioner=lead_practitioner,
        referral_date=referral_date,
        referral_source=referral_source,
        primary_need=primary_need,
        ethnicity=ethnicity,
        disabilities=disabilities,
        opened_by=actor,
    )
    LeadPractitionerHandover.objects.create(
        case=case, to_practitioner=lead_practitioner, reason="Record opened", recorded_by=actor
    )
    _audit(actor, AuditAction.CREATE, case, case)
    return case


@transaction.atomic
def lead_practitioner_hand_over(
    *, actor: Practitioner, case: ProtectionCase, to: Practitioner, reason: str
) -> ProtectionCase:
    case = _open_case(actor, case)
    _require_social_worker(to, "to")
    reason = _text(reason, "reason", "Give the reason for the handover.")
    if to.pk == case.lead_practitioner_id:
        raise ApplicationError("They are already the lead.", field="to")
    LeadPractitionerHandover.objects.create(
        case=case,
        from_practitioner_id=case.lead_practitioner_id,
        to_practitioner=to,
        reason=reason,
        recorded_by=actor,
    )
    ProtectionCase.objects.filter(pk=case.pk).update(lead_practitioner=to, version=case.version + 1)
    case.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, case, case, lead_practitioner=to.pk)
    return case


# --- Strategy discussion and section 47 enquiry ------------------------------------------------


# --- Conferences and the plan ----------------------------------------------------------------


# --- Family group decision-making (Children Act 1989 s31ZA) -----------------------------------
