"""Sharing decisions (to share or not, recorded either way) and confidential addresses."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people.models import Person
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
    NoticeKind,
    ShareChoice,
    SharingDecision,
    SharingNotice,
)


def _organisation_of(actor: Practitioner) -> Organisation:
    if actor.organisation is None:
        raise ApplicationError("Only practitioners of a partner organisation can do this.")
    return actor.organisation


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
