"""The team around the family: members and the one lead professional."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.core.locking import lock_at_version
from joinedup.episodes.models import (
    ActionStatus,
    Episode,
    EpisodeStatus,
    TeamMember,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.integrations import webhooks
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy

REVIEW_WEEKS = getattr(settings, "JOINEDUP_REVIEW_WEEKS", 6)
LEAD_ROLE = "Lead professional"


def _editable(actor: Practitioner, episode: Episode) -> Episode:
    """Security: only the team may change the episode; others see it as missing."""
    if not policy.episodes_visible_to(actor).filter(pk=episode.pk).exists():
        raise NotFound()
    if episode.status == EpisodeStatus.CLOSED:
        raise ApplicationError("This episode is closed.", status=409)
    return episode


def _audit(actor: Practitioner, action: str, obj: Any, episode: Episode, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        persons=episode.persons.all(),
        purpose="episode",
        lawful_basis=policy.BASIS_EPISODE,
        detail=detail,
    )


def _team(episode: Episode) -> list[Practitioner]:
    members = TeamMember.objects.filter(
        episode=episode, left_at__isnull=True, practitioner__isnull=False
    ).select_related("practitioner")
    return [m.practitioner for m in members if m.practitioner] + [episode.lead_professional]


def _link(episode: Episode) -> str:
    return reverse("episodes:episode", args=[episode.pk])


def _tell_team(episode: Episode, *, subject: str, body: str) -> None:
    """Everyone in the team, in joinedup and by email (after commit), with a link to the episode."""
    notify.send(_team(episode), subject=subject, body=body, link=_link(episode))


def _locked_episode(episode: Episode, expected_version: int | None) -> Episode:
    return lock_at_version(
        Episode.objects.all(),
        episode.pk,
        expected_version,
        changed="Someone else changed this episode while you were working on it. "
        "Nothing was saved: check it and try again.",
    )


# --- Members and the lead professional ------------------------------------------------------


def _current_member(episode: Episode, practitioner: Practitioner) -> TeamMember | None:
    return TeamMember.objects.filter(
        episode=episode, practitioner=practitioner, left_at__isnull=True
    ).first()


@transaction.atomic
def member_add(
    *,
    actor: Practitioner,
    episode: Episode,
    role: str,
    practitioner: Practitioner | None = None,
    person: Person | None = None,
) -> TeamMember:
    _editable(actor, episode)
    if (practitioner is None) == (person is None):
        raise ApplicationError("Choose a practitioner or a family member.", field="practitioner")
    if not role.strip():
        raise ApplicationError("Say what their part in the team is.", field="role")
    if role.strip().lower() == LEAD_ROLE.lower():
        # Exactly one active lead: the lead changes only by a recorded handover.
        raise ApplicationError(
            "The team already has its lead professional. To change who leads, change the lead.",
            field="role",
        )
    if practitioner is not None and not policy.is_practitioner(practitioner):
        raise ApplicationError(
            "Choose a practitioner of a partner organisation.", field="practitioner"
        )
    if person is not None and not episode.persons.filter(pk=person.pk).exists():
        raise ApplicationError(
            "Family members in the team must be part of this episode.", field="person"
        )
    existing = TeamMember.objects.filter(
        episode=episode, practitioner=practitioner, person=person, left_at__isnull=True
    ).first()
    if existing:
        raise ApplicationError(
            f"{existing.name} is already in the team.", field="practitioner", status=409
        )
    member = TeamMember.objects.create(
        episode=episode, practitioner=practitioner, person=person, role=role.strip()
    )
    _audit(actor, AuditAction.CREATE, member, episode)
    webhooks.episode_event(event="episode.member_added", episode=episode, member_id=member.pk)
    if practitioner is not None:
        notify.send(
            [practitioner],
            subject=f"You have joined the team for {episode.reference}",
            body=f"You are now in the team around the family for episode {episode.reference}.",
            link=_link(episode),
        )
    return member


@transaction.atomic
def member_remove(*, actor: Practitioner, member: TeamMember) -> TeamMember:
    episode = _editable(actor, member.episode)
    if member.practitioner_id == episode.lead_professional_id:
        raise ApplicationError(
            "Hand the lead to someone else before the lead leaves the team.",
            field="member",
            status=409,
        )
    if member.actions.exclude(status__in=[ActionStatus.DONE, ActionStatus.NOT_DONE]).exists():
        raise ApplicationError(
            "Give this member's open actions to someone else first.", field="member", status=409
        )
    TeamMember.objects.filter(pk=member.pk).update(left_at=timezone.now())
    _audit(actor, AuditAction.UPDATE, member, episode, left=True)
    return member


def add_lead_as_member(episode: Episode, lead: Practitioner) -> None:
    if _current_member(episode, lead) is None:
        TeamMember.objects.create(episode=episode, practitioner=lead, role=LEAD_ROLE)


# --- The plan ----------------------------------------------------------------------------


# --- Meetings, decisions and disagreements ---------------------------------------------------


# --- Critical incidents ------------------------------------------------------------------


# --- Step-up, step-down, closure ---------------------------------------------------------
