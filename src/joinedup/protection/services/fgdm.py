"""Family group decision-making (Children Act 1989 s31ZA) and proceedings."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from joinedup.audit.models import Action as AuditAction
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.protection.models import (
    ChildParticipation,
    FamilyNetworkMember,
    FgdmExemption,
    FgdmMeeting,
    FgdmOffer,
    FgdmResponse,
    Proceedings,
    ProtectionCase,
)
from joinedup.protection.services.case import _audit, _open_case, _text


@transaction.atomic
def network_member_add(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    name: str,
    relationship: str,
    contact: str = "",
    parental_responsibility: bool = False,
    person: Person | None = None,
) -> FamilyNetworkMember:
    case = _open_case(actor, case)
    member = FamilyNetworkMember.objects.create(
        case=case,
        person=person,
        name=_text(name, "name", "Give their name."),
        relationship=_text(relationship, "relationship", "Say how they are related to the child."),
        contact=contact.strip(),
        parental_responsibility=parental_responsibility,
    )
    _audit(actor, AuditAction.CREATE, member, case)
    return member


@transaction.atomic
def fgdm_offer_record(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    offered_on: date,
    to: list[FamilyNetworkMember],
    in_letter_before_proceedings: bool,
) -> FgdmOffer:
    case = _open_case(actor, case)
    if not to or any(m.case_id != case.pk for m in to):
        raise ApplicationError("Choose who the meeting was offered to.", field="to")
    if offered_on > timezone.localdate():
        raise ApplicationError("The offer cannot be in the future.", field="offered_on")
    offer = FgdmOffer.objects.create(
        case=case,
        offered_on=offered_on,
        in_letter_before_proceedings=in_letter_before_proceedings,
        recorded_by=actor,
    )
    FgdmResponse.objects.bulk_create(FgdmResponse(offer=offer, member=m) for m in to)
    _audit(actor, AuditAction.CREATE, offer, case, offered_to=[m.pk for m in to])
    return offer


@transaction.atomic
def fgdm_response_record(
    *, actor: Practitioner, response: FgdmResponse, answer: str, answered_on: date
) -> FgdmResponse:
    case = _open_case(actor, response.offer.case)
    if answer not in (FgdmResponse.Answer.ACCEPTED, FgdmResponse.Answer.DECLINED):
        raise ApplicationError("Choose whether they accepted or declined.", field="answer")
    if answered_on < response.offer.offered_on or answered_on > timezone.localdate():
        raise ApplicationError(
            "They answer on or after the offer, and not in the future.", field="answered_on"
        )
    response.answer, response.answered_on = answer, answered_on
    response.save(update_fields=["answer", "answered_on"])
    _audit(actor, AuditAction.UPDATE, response, case, answer=answer)
    return response


@transaction.atomic
def fgdm_meeting_record(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    held_on: date,
    attended: list[FamilyNetworkMember],
    child_participation: str,
    family_plan: str,
) -> FgdmMeeting:
    case = _open_case(actor, case)
    if held_on > timezone.localdate():
        raise ApplicationError("The meeting cannot be in the future.", field="held_on")
    proceedings = getattr(case, "proceedings", None)
    if proceedings is not None and held_on > proceedings.applied_on:
        raise ApplicationError(
            f"The meeting must be held before the application for proceedings "
            f"({proceedings.applied_on:%-d %B %Y}).",
            field="held_on",
        )
    if child_participation not in ChildParticipation.values:
        raise ApplicationError("Say how the child took part.", field="child_participation")
    if any(m.case_id != case.pk for m in attended):
        raise ApplicationError("Choose people from the family network.", field="attended")
    family_plan = _text(family_plan, "family_plan", "Write down the plan the family agreed.")
    meeting = FgdmMeeting.objects.create(
        case=case,
        held_on=held_on,
        child_participation=child_participation,
        family_plan=family_plan,
        recorded_by=actor,
    )
    meeting.attended.set(attended)
    _audit(actor, AuditAction.CREATE, meeting, case)
    return meeting


@transaction.atomic
def fgdm_exemption_record(
    *, actor: Practitioner, case: ProtectionCase, reasons: str, decided_on: date
) -> FgdmExemption:
    case = _open_case(actor, case)
    if hasattr(case, "fgdm_exemption"):
        raise ApplicationError("An exemption is already recorded.", status=409)
    reasons = _text(
        reasons, "reasons", "Say why a meeting would not be in the child's best interests."
    )
    exemption = FgdmExemption.objects.create(
        case=case, reasons=reasons, decided_on=decided_on, decided_by=actor
    )
    _audit(actor, AuditAction.CREATE, exemption, case)
    return exemption


@transaction.atomic
def proceedings_record(
    *, actor: Practitioner, case: ProtectionCase, applied_on: date
) -> Proceedings:
    case = _open_case(actor, case)
    if hasattr(case, "proceedings"):
        raise ApplicationError("Proceedings are already recorded.", status=409)
    if applied_on > timezone.localdate():
        raise ApplicationError("The application cannot be in the future.", field="applied_on")
    later = case.fgdm_meetings.filter(held_on__gt=applied_on).first()
    if later is not None:
        raise ApplicationError(
            f"A family group decision-making meeting is recorded after this date "
            f"({later.held_on:%-d %B %Y}); it must come before the application.",
            field="applied_on",
        )
    proceedings = Proceedings.objects.create(case=case, applied_on=applied_on, recorded_by=actor)
    _audit(actor, AuditAction.CREATE, proceedings, case)
    return proceedings
