"""Every write of the directory: services kept by their organisations, referrals and the links
emailed to organisations without an account. Each is atomic and writes its audit event."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.directory.models import (
    Referral,
    ReferralEvent,
    ReferralLink,
    ReferralStatus,
    Service,
    SharedItem,
    Urgency,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.people.services import new_reference
from joinedup.sharing import policy

LINK_DAYS = 14
SERVICE_FIELDS = (
    "name",
    "description",
    "status",
    "url",
    "email",
    "telephone",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "is_free",
    "fees_description",
    "application_process",
    "takes_referrals",
    "referral_email",
    "internal",
)

# What each status may become, and who records it: the receiving organisation (R) or the
# referrer's side (F: the referrer, the lead and team).
TRANSITIONS: dict[str, dict[str, str]] = {
    ReferralStatus.SENT: {"accepted": "R", "declined": "R", "not_taken_up": "F"},
    ReferralStatus.ACCEPTED: {"started": "R", "not_taken_up": "RF"},
    ReferralStatus.STARTED: {"completed": "R", "not_taken_up": "RF"},
}
# What an emailed link of each stage lets its holder record (once).
LINK_ACTIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.SENT: ("accepted", "declined"),
    ReferralStatus.ACCEPTED: ("started",),
    ReferralStatus.STARTED: ("completed",),
}


# --- Services ------------------------------------------------------------------------------


@transaction.atomic
def service_update(
    *, actor: Practitioner, service: Service, taxonomy_terms: Iterable[Any] | None = None, **fields
) -> Service:
    """Kept by administrators and by the organisation itself."""
    if not policy.may_keep_service_organisation(actor, service.organisation):
        raise NotFound()
    for name, value in fields.items():
        if name not in SERVICE_FIELDS:
            raise ApplicationError(f"{name} cannot be changed here.", field=name)
        setattr(service, name, value.strip() if isinstance(value, str) else value)
    _check_service(service)
    service.save()
    if taxonomy_terms is not None:
        service.taxonomy_terms.set(list(taxonomy_terms))
    audit.record(actor=actor, action=Action.UPDATE, obj=service, purpose="directory")
    return service


def _check_service(service: Service) -> None:
    if not service.name:
        raise ApplicationError("Enter the service's name.", field="name")
    low, high = service.minimum_age, service.maximum_age
    if low is not None and high is not None and low > high:
        raise ApplicationError(
            "The youngest age must not be more than the oldest.", field="minimum_age"
        )
    no_account = not service.organisation.partner_id
    if service.takes_referrals and no_account and not service.referral_email:
        raise ApplicationError(
            "Give an email address for referrals: this organisation has no joinedup account.",
            field="referral_email",
        )


# --- Referrals -----------------------------------------------------------------------------


def _source(actor: Practitioner, episode: Any, request: Any, person: Person) -> tuple[Any, Any]:
    """The episode (or signposted request) the referral comes from, checked by the policy."""
    if episode is not None:
        episode = policy.require_episode(actor, getattr(episode, "pk", episode), "referral")
        if not policy.may_edit_episode(actor, episode):
            raise ApplicationError("This episode is closed.", field="episode", status=409)
        if not episode.persons.filter(pk=person.pk).exists():
            raise ApplicationError("Choose someone in this episode.", field="person")
        return episode, None
    if request is None:
        raise ApplicationError("Refer from an episode or a request for support.", field="episode")
    request = policy.require_request(actor, getattr(request, "pk", request), "referral")
    if not policy.may_refer_from_request(actor, request):
        raise ApplicationError(
            "Only a request the front door signposted can be referred.", field="request"
        )
    if not request.people.filter(person=person).exists():
        raise ApplicationError("Choose someone this request is about.", field="person")
    return None, request


@transaction.atomic
def referral_send(
    *,
    actor: Practitioner,
    service: Service,
    person: Person,
    asked: str,
    urgency: str,
    family_agreed: bool,
    shared: list[str],
    contact: str = "",
    episode: Any = None,
    request: Any = None,
) -> Referral:
    episode, request = _source(actor, episode, request, person)
    if not service.takes_referrals or service.status != "active":
        raise ApplicationError(
            "This service does not take referrals through joinedup.", field="service"
        )
    if not asked.strip():
        raise ApplicationError("Say what you are asking the service to do.", field="asked")
    if urgency not in Urgency.values:
        raise ApplicationError("Choose how urgent this is.", field="urgency")
    if not family_agreed:
        raise ApplicationError(
            "The family must agree to the referral before it is sent.", field="family_agreed"
        )
    shared = list(dict.fromkeys(shared))
    if not shared or any(item not in SharedItem.values for item in shared):
        raise ApplicationError("Choose what the family agreed to share.", field="shared")
    if SharedItem.CONTACT in shared and not contact.strip():
        raise ApplicationError("Give how the service can contact the family.", field="contact")
    basis = policy.referral_basis(actor, person, service.organisation)
    if basis is None:
        raise ApplicationError(
            f"Nothing allows telling {service.organisation.name} about {person.full_name}: "
            "record the family's consent to share for a referral first.",
            field="consent",
        )
    now = timezone.now()
    referral = Referral.objects.create(
        reference=new_reference("F"),
        service=service,
        episode=episode,
        request=request,
        person=person,
        referred_by=actor,
        referrer_organisation=_organisation_of(actor),
        asked=asked.strip(),
        urgency=urgency,
        family_agreed=True,
        shared=shared,
        contact=contact.strip() if SharedItem.CONTACT in shared else "",
        lawful_basis=basis.label,
        sent_at=now,
    )
    ReferralEvent.objects.create(referral=referral, status=ReferralStatus.SENT, at=now, by=actor)
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=referral,
        persons=[person],
        purpose="referral",
        lawful_basis=basis,
        detail={"service": service.name, "shared": shared},
    )
    _tell_receiver(referral)
    return referral


def _organisation_of(actor: Practitioner) -> Any:
    if actor.organisation is None:  # policy.is_practitioner already refused these
        raise NotFound()
    return actor.organisation


def _tell_receiver(referral: Referral) -> None:
    organisation = referral.service.organisation
    if organisation.partner_id:
        receivers = Practitioner.objects.filter(organisation_id=organisation.partner_id)
        notify.send(
            receivers,
            subject=f"A referral to {referral.service.name}",
            body=f"Referral {referral.reference} is waiting for an answer.",
            link=reverse("directory:referral", args=[referral.pk]),
        )
    else:
        link_issue(referral, stage=ReferralStatus.SENT)


def link_issue(referral: Referral, *, stage: str) -> str:
    """Email a new single-use link for the next action. Returns the token (for the caller's
    tests and the demo only; only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    to = referral.service.referral_email or referral.service.organisation.email
    ReferralLink.objects.create(
        referral=referral,
        token_hash=hash_token(token),
        stage=stage,
        sent_to=to,
        created_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
    )
    url = str(settings.JOINEDUP.get("BASE_URL", "")).rstrip("/") + reverse(
        "directory:link", args=[token]
    )
    actions = " or ".join(ReferralStatus(a).label.lower() for a in LINK_ACTIONS[stage])
    body = (
        f"{referral.referrer_organisation.name} has a referral for {referral.service.name} "
        f"(reference {referral.reference}).\n\nOpen this link to see what the family agreed to "
        f"share and to record that it is {actions}:\n{url}\n\nThe link works once and expires "
        f"in {LINK_DAYS} days. It needs no account."
    )
    transaction.on_commit(
        lambda: send_mail(f"Referral {referral.reference}", body, settings.DEFAULT_FROM_EMAIL, [to])
    )
    return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _locked(referral: Referral, expected_version: int | None) -> Referral:
    locked = (
        Referral.objects.select_for_update()
        .select_related("service__organisation")
        .get(pk=referral.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError("Someone else changed this referral: look at it again.", status=409)
    return locked


def _apply(
    referral: Referral, status: str, *, reason: str, what_changed: str, at: datetime
) -> None:
    allowed = TRANSITIONS.get(referral.status, {})
    if status not in allowed:
        wanted = ReferralStatus(status).label if status in ReferralStatus.values else status
        raise ApplicationError(
            f"A referral that is {referral.get_status_display().lower()} cannot become "
            f"{wanted.lower()}.",
            field="status",
            status=409,
        )
    if status in (ReferralStatus.DECLINED, ReferralStatus.NOT_TAKEN_UP) and not reason.strip():
        raise ApplicationError("Give the reason.", field="reason")
    if status == ReferralStatus.COMPLETED and not what_changed.strip():
        raise ApplicationError("Say what changed for the family.", field="what_changed")
    referral.status = status
    referral.reason = reason.strip() if status in ("declined", "not_taken_up") else referral.reason
    referral.what_changed = what_changed.strip() if status == "completed" else ""
    if referral.first_contact_at is None and status in ("accepted", "declined", "started"):
        referral.first_contact_at = at
    if status in ("declined", "not_taken_up", "completed"):
        referral.closed_at = at
    referral.version += 1
    referral.save()
    # Security: a link for an earlier stage stops working once the referral has moved on.
    ReferralLink.objects.filter(referral=referral, used_at__isnull=True, expires_at__gt=at).update(
        expires_at=at
    )


def _tell_referrer(referral: Referral) -> None:
    recipients = [referral.referred_by]
    if referral.episode is not None:
        recipients.append(referral.episode.lead_professional)
    notify.send(
        recipients,
        subject=f"Referral {referral.reference}: {referral.get_status_display().lower()}",
        body=f"{referral.service.name} has an update on referral {referral.reference}.",
        link=reverse("directory:referral", args=[referral.pk]),
    )


@transaction.atomic
def referral_update(
    *,
    actor: Practitioner,
    referral: Referral,
    status: str,
    reason: str = "",
    what_changed: str = "",
    expected_version: int | None = None,
) -> Referral:
    referral = policy.require_referral(actor, referral.pk)
    referral = _locked(referral, expected_version)
    who = TRANSITIONS.get(referral.status, {}).get(status, "")
    allowed = ("R" in who and policy.may_receive_referral(actor, referral)) or (
        "F" in who and policy.may_follow_referral(actor, referral)
    )
    if who and not allowed:
        raise ApplicationError("You cannot record this for this referral.", field="status")
    now = timezone.now()
    _apply(referral, status, reason=reason, what_changed=what_changed, at=now)
    ReferralEvent.objects.create(
        referral=referral, status=status, at=now, by=actor, text=reason or what_changed
    )
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=referral,
        persons=[referral.person_id],
        purpose="referral",
        lawful_basis=referral.lawful_basis,
        detail={"status": status},
    )
    _tell_referrer(referral)
    # An organisation without an account keeps working through links (started, completed).
    if not referral.service.organisation.partner_id and status in LINK_ACTIONS:
        link_issue(referral, stage=status)
    return referral


# --- The emailed link ----------------------------------------------------------------------


class LinkRefused(Exception):
    """The link cannot be used: `reason` is "expired", "used" or "unknown"."""

    def __init__(self, reason: str, link: ReferralLink | None = None):
        super().__init__(reason)
        self.reason, self.link = reason, link


def _link_get(token: str, *, for_update: bool = False) -> ReferralLink:
    links = ReferralLink.objects.select_related("referral__service__organisation")
    if for_update:
        links = links.select_for_update()
    link = links.filter(token_hash=hash_token(token or "")).first()
    if link is None:
        raise LinkRefused("unknown")
    if link.used_at is not None:
        raise LinkRefused("used", link)
    if link.expires_at <= timezone.now():
        raise LinkRefused("expired", link)
    return link


def _audit_refused(refused: LinkRefused) -> None:
    """Security: every refused use is audited, in its own transaction (the refused work rolls
    back; the record of the attempt stays)."""
    with transaction.atomic():
        audit.record(
            actor=None,
            action=Action.REFUSED,
            object_type="directory.referrallink",
            object_id=str(refused.link.pk) if refused.link else "",
            purpose="referral link",
            detail={"reason": refused.reason},
        )


def link_find(token: str) -> ReferralLink:
    """The link while it may still be used. Security: an unknown, expired or spent link raises
    LinkRefused, which says only that, and the attempt is audited."""
    try:
        return _link_get(token)
    except LinkRefused as refused:
        _audit_refused(refused)
        raise


def link_view(*, token: str) -> ReferralLink:
    """Opening the link: audited as a view of the referral, by whoever holds the link."""
    link = link_find(token)
    referral = link.referral
    audit.record(
        actor=None,
        action=Action.VIEW,
        obj=referral,
        persons=[referral.person_id],
        purpose="referral link",
        lawful_basis=referral.lawful_basis,
        detail={"link": link.pk, "shared": referral.shared},
    )
    return link


def link_act(*, token: str, status: str, reason: str = "", what_changed: str = "") -> Referral:
    """Record one action through an emailed link, which is then spent."""
    try:
        return _link_act(token=token, status=status, reason=reason, what_changed=what_changed)
    except LinkRefused as refused:
        _audit_refused(refused)
        raise


@transaction.atomic
def _link_act(*, token: str, status: str, reason: str, what_changed: str) -> Referral:
    link = _link_get(token, for_update=True)
    if status not in LINK_ACTIONS.get(link.stage, ()):
        raise ApplicationError("Choose what to record.", field="status")
    referral = _locked(link.referral, None)
    now = timezone.now()
    link.used_at, link.used_for = now, status
    link.save(update_fields=["used_at", "used_for"])
    _apply(referral, status, reason=reason, what_changed=what_changed, at=now)
    ReferralEvent.objects.create(
        referral=referral, status=status, at=now, by_link=True, text=reason or what_changed
    )
    audit.record(
        actor=None,
        action=Action.UPDATE,
        obj=referral,
        persons=[referral.person_id],
        purpose="referral link",
        lawful_basis=referral.lawful_basis,
        detail={"status": status, "link": link.pk},
    )
    _tell_referrer(referral)
    if status in LINK_ACTIONS:
        link_issue(referral, stage=status)
    return referral
