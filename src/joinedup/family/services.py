"""Every write of the family's own pages: accounts (invite, activate, revoke) and the family's
say (comments on the plan, progress on their own actions, asking to withdraw a consent).

Each is one use case: atomic, checked against the policy, audited, notifications sent with it.
Closure feedback is casework's (joinedup.episodes.feedback.record_closure_feedback): the family's
page calls it as it is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import Action, ActionStatus, Episode, EpisodeStatus
from joinedup.errors import ApplicationError, NotFound
from joinedup.family.models import (
    ActionProgress,
    ConsentWithdrawalRequest,
    FamilyAccount,
    FamilyComment,
)
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing.models import ConsentEvent

INVITATION_SALT = "joinedup.family.invitation"
INVITATION_DAYS = getattr(settings, "JOINEDUP_FAMILY_INVITATION_DAYS", 7)
MAX_TEXT = 4000


@dataclass(frozen=True)
class Invitation:
    account: FamilyAccount
    link: str  # the path of the one-time link; the page shows it, the email carries it in full


# --- Accounts ---------------------------------------------------------------------------------


def invitation_token(account: FamilyAccount) -> str:
    return signing.dumps({"a": account.pk, "n": account.invitation_nonce}, salt=INVITATION_SALT)


def account_for_token(token: str) -> FamilyAccount | None:
    """The account a link is for, while the link is fresh, unused and not revoked; else None."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_DAYS * 86400)
    except signing.BadSignature:  # includes an expired signature
        return None
    if not isinstance(data, dict):
        return None
    try:
        account_id = int(data.get("a", 0))
    except (TypeError, ValueError):
        return None
    account = FamilyAccount.objects.select_related("user", "person").filter(pk=account_id).first()
    nonce = str(data.get("n", ""))
    if account is None or not account.invitation_nonce or account.revoked_at is not None:
        return None
    if not constant_time_compare(account.invitation_nonce, nonce):
        return None
    return account


def _audit_account(actor: Any, action: str, account: FamilyAccount, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=account,
        persons=[account.person_id],
        purpose="family account",
        lawful_basis=policy.BASIS_EPISODE
        if policy.is_practitioner(actor)
        else policy.BASIS_FAMILY_OWN,
        detail=detail or None,
    )


def _clean_email(email: str, account: FamilyAccount | None) -> str:
    email = email.strip().lower()
    if not email:
        raise ApplicationError("Enter their email address.", field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            "Enter an email address in the right format, like name@example.com.", field="email"
        ) from None
    taken = Practitioner.objects.filter(email__iexact=email)
    if account is not None:
        taken = taken.exclude(pk=account.user_id)
    if taken.exists():
        raise ApplicationError("This email address is used by another account.", field="email")
    return email


def _user_for(person: Person, email: str, account: FamilyAccount | None) -> Practitioner:
    """A user with no organisation, not active and with no usable password until activation."""
    user = account.user if account is not None else Practitioner(organisation=None)
    user.email = user.username = email
    user.first_name = person.preferred_name or person.given_name
    user.last_name = person.family_name
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address taken by another invitation a moment ago
        raise ApplicationError(
            "This email address is used by another account.", field="email"
        ) from None
    return user


def _send_invitation(email: str, url: str) -> None:
    # The email names no child and no service: only that there is something to look at.
    body = (
        "Someone working with your family has invited you to see your plan on joinedup.\n\n"
        f"Choose your password here (the link works once, for {INVITATION_DAYS} days):\n"
        f"{url}\n\nIf you did not expect this email, you can ignore it."
    )
    transaction.on_commit(
        lambda: send_mail(
            "joinedup: see your family's plan",
            body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
            fail_silently=True,
        )
    )


@transaction.atomic
def family_account_invite(
    *, actor: Practitioner, episode: Episode, person: Person | None, email: str, site_url: str = ""
) -> Invitation:
    """Invite a family member taking part in the episode to their own pages.

    A new account, or a new invitation for an account not yet activated or once stopped. The
    older link stops working. An active account answers 409.
    """
    if not policy.may_edit_episode(actor, episode):
        raise NotFound()
    if person is None or not policy.family_may_be_invited(person, episode):
        raise ApplicationError(
            "Choose a parent or carer taking part in this episode, or a young person aged "
            f"{policy.FAMILY_YOUNG_PERSON_MIN_AGE} or over.",
            field="person",
        )
    # Serialise invitations for one person: two at once cannot both make an account.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    account = (
        FamilyAccount.objects.select_for_update().filter(person=person).order_by("-pk").first()
    )
    if account is not None and account.status == "active":
        raise ApplicationError(
            f"{person.full_name} already has an account. Stop it first to invite them again.",
            field="person",
            status=409,
        )
    email = _clean_email(email, account)
    user = _user_for(person, email, account)
    now = timezone.now()
    nonce = secrets.token_urlsafe(32)
    values = {"invited_by": actor, "invited_from": episode, "invited_at": now}
    values |= {"invitation_nonce": nonce, "activated_at": None, "revoked_at": None}
    if account is None:
        account = FamilyAccount.objects.create(user=user, person=person, **values)
        _audit_account(actor, AuditAction.CREATE, account, episode=episode.pk)
    else:
        FamilyAccount.objects.filter(pk=account.pk).update(revoked_by=None, **values)
        account.refresh_from_db()
        _audit_account(actor, AuditAction.UPDATE, account, episode=episode.pk, invited_again=True)
    link = reverse("family:activate", args=[invitation_token(account)])
    _send_invitation(email, site_url.rstrip("/") + link)
    return Invitation(account=account, link=link)


@transaction.atomic
def family_account_activate(*, token: str, password: str, password_again: str) -> FamilyAccount:
    """The family member chooses a password from the one-time link: the account is active."""
    found = account_for_token(token)
    if found is None:
        raise ApplicationError("This link has expired or has been used.", field="password")
    account = FamilyAccount.objects.select_for_update().select_related("user").get(pk=found.pk)
    if account.invitation_nonce != found.invitation_nonce or account.revoked_at is not None:
        raise ApplicationError("This link has expired or has been used.", field="password")
    if not password:
        raise ApplicationError("Enter a password.", field="password")
    if password != password_again:
        raise ApplicationError("The two passwords are not the same.", field="password_again")
    user = account.user
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages), field="password") from None
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    FamilyAccount.objects.filter(pk=account.pk).update(
        activated_at=timezone.now(), invitation_nonce=""
    )
    account.refresh_from_db()
    _audit_account(user, AuditAction.UPDATE, account, activated=True)
    return account


@transaction.atomic
def family_account_revoke(
    *, actor: Practitioner, episode: Episode, account: FamilyAccount
) -> FamilyAccount:
    """Stop an account at once: the user can no longer sign in and any session ends with it."""
    if not policy.episodes_visible_to(actor).filter(pk=episode.pk).exists():
        raise NotFound()
    if not policy.family_participants(episode).filter(pk=account.person_id).exists():
        raise NotFound()
    account = FamilyAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
    if account.revoked_at is not None:
        raise ApplicationError("This account has already been stopped.", status=409)
    user = account.user
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    FamilyAccount.objects.filter(pk=account.pk).update(
        revoked_at=timezone.now(), revoked_by=actor, invitation_nonce=""
    )
    account.refresh_from_db()
    _audit_account(actor, AuditAction.UPDATE, account, revoked=True, episode=episode.pk)
    return account


# --- The family's say ---------------------------------------------------------------------------


def _family_write(actor: Any, episode_id: Any) -> tuple[Any, Episode]:
    """Security: only the family member's own account, in an episode they take part in."""
    episode = policy.require_family_episode(actor, episode_id)
    account = policy.family_account(actor)
    return account, episode


def _audit_family(actor: Any, action: str, obj: Any, episode: Episode, **detail: Any) -> None:
    account = policy.family_account(actor)
    persons = set(episode.persons.values_list("pk", flat=True))
    if account is not None:
        persons.add(account.person_id)
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        persons=persons,
        purpose="family",
        lawful_basis=policy.BASIS_FAMILY_OWN,
        detail=detail or None,
    )


def _clean_text(text: str, *, required: bool, message: str) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ApplicationError(message, field="text")
    if len(text) > MAX_TEXT:
        raise ApplicationError(
            f"Write {MAX_TEXT} characters or fewer (you wrote {len(text)}).", field="text"
        )
    return text


def _tell_lead(episode: Episode, *, subject: str, body: str) -> None:
    notify.send(
        [episode.lead_professional],
        subject=subject,
        body=body,
        link=reverse("family:team-voice", args=[episode.pk]),
    )


@transaction.atomic
def family_comment_add(*, actor: Any, episode_id: Any, text: str) -> FamilyComment:
    """The family's comment on the plan: kept in their words; the lead professional is told."""
    account, episode = _family_write(actor, episode_id)
    if episode.status == EpisodeStatus.CLOSED:
        raise ApplicationError(
            "This plan has finished. You can say how it went instead.", field="text", status=409
        )
    text = _clean_text(text, required=True, message="Write your comment on the plan.")
    comment = FamilyComment.objects.create(
        episode=episode, account=account, person_id=account.person_id, text=text
    )
    _audit_family(actor, AuditAction.CREATE, comment, episode)
    _tell_lead(
        episode,
        subject=f"The family commented on the plan for {episode.reference}",
        body="A family member has written a comment on the plan. Read it before the next review.",
    )
    return comment


@transaction.atomic
def action_progress_add(
    *, actor: Any, episode_id: Any, action_id: Any, done: bool, text: str = ""
) -> ActionProgress:
    """A family member says how an action of theirs is going, or that it is done."""
    account, episode = _family_write(actor, episode_id)
    try:
        action = (
            Action.objects.select_related("owner")
            .filter(pk=int(action_id), episode=episode)
            .first()
        )
    except (TypeError, ValueError):
        action = None
    if action is None or not policy.family_owns_action(actor, action):
        raise ApplicationError("Choose one of your own actions in this plan.", field="action")
    if episode.status == EpisodeStatus.CLOSED:
        raise ApplicationError("This plan has finished.", field="action", status=409)
    if action.status in (ActionStatus.DONE, ActionStatus.NOT_DONE):
        raise ApplicationError("This action is already finished.", field="action", status=409)
    text = _clean_text(text, required=not done, message="Say how it is going.")
    progress = ActionProgress.objects.create(
        action=action,
        episode=episode,
        account=account,
        person_id=account.person_id,
        done=bool(done),
        text=text,
    )
    _audit_family(actor, AuditAction.CREATE, progress, episode, action_id=action.pk, done=done)
    _tell_lead(
        episode,
        subject=f"The family updated an action in {episode.reference}",
        body="A family member says their action is done."
        if done
        else "A family member has said how their action is going.",
    )
    return progress


@transaction.atomic
def consent_withdrawal_ask(
    *, actor: Any, consent_id: Any, note: str = ""
) -> ConsentWithdrawalRequest:
    """The family member asks to withdraw a consent; the team records the withdrawal itself."""
    account = policy.family_account(actor)
    try:
        record = (
            policy.family_consent_visible_to(actor)
            .filter(pk=int(consent_id), event=ConsentEvent.GIVEN)
            .first()
        )
    except (TypeError, ValueError):
        record = None
    if account is None or record is None:
        raise policy.refuse(
            actor, object_type="sharing.consentrecord", object_id=consent_id, purpose="family"
        )
    if hasattr(record, "withdrawal"):
        raise ApplicationError(
            "This consent has already been withdrawn.", field="consent", status=409
        )
    if ConsentWithdrawalRequest.objects.filter(account=account, consent_record=record).exists():
        raise ApplicationError(
            "You have already asked. Your lead professional will contact you.",
            field="consent",
            status=409,
        )
    note = _clean_text(note, required=False, message="")
    request = ConsentWithdrawalRequest.objects.create(
        account=account, person_id=account.person_id, consent_record=record, note=note
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=request,
        persons=[account.person_id],
        purpose="family",
        lawful_basis=policy.BASIS_FAMILY_OWN,
        detail={"consent_record": str(record.record_id)},
    )
    episodes = list(
        policy.family_episodes_visible_to(actor)
        .exclude(status=EpisodeStatus.CLOSED)
        .select_related("lead_professional")
    )
    for episode in episodes:
        _tell_lead(
            episode,
            subject=f"A family member asks to withdraw consent ({episode.reference})",
            body="A family member has asked to withdraw their consent to share information. "
            "Talk it through with them and record the withdrawal.",
        )
    if not episodes and record.recorded_by is not None:
        notify.send(
            [record.recorded_by],
            subject="A family member asks to withdraw consent",
            body="A family member has asked to withdraw a consent you recorded.",
            link=reverse("sharing:consent", args=[record.person_id]),
        )
    return request
