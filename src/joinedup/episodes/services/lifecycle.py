"""Step-up, step-down and closure of an episode."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import (
    Closure,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    LeadProposal,
)
from joinedup.episodes.services.lead import lead_professional_propose
from joinedup.episodes.services.team import (
    _audit,
    _editable,
    _tell_team,
)
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner


def _change_status(actor: Practitioner, episode: Episode, status: str, reason: str) -> None:
    Episode.objects.filter(pk=episode.pk).update(status=status, version=episode.version + 1)
    EpisodeStatusChange.objects.create(episode=episode, status=status, by=actor, reason=reason)
    episode.refresh_from_db()


def episode_step_up(
    *,
    actor: Practitioner,
    episode: Episode,
    to: Practitioner,
    reason: str,
) -> LeadProposal:
    """To children's social care: a social worker takes the lead when they accept; the history
    continues. At once when the social worker steps the family up themselves."""
    if not reason.strip():
        raise ApplicationError("Give the reason for stepping up.", field="reason")
    return lead_professional_propose(
        actor=actor,
        episode=episode,
        to=to,
        reason=f"Step-up to children's social care: {reason.strip()}",
        kind=LeadProposal.Kind.STEP_UP,
    )


def episode_step_down(
    *,
    actor: Practitioner,
    episode: Episode,
    to: Practitioner,
    reason: str,
) -> LeadProposal:
    """Back to early help: the new lead takes over when they accept (at once when it is the
    current lead or themselves)."""
    if not reason.strip():
        raise ApplicationError("Give the reason for stepping down.", field="reason")
    return lead_professional_propose(
        actor=actor,
        episode=episode,
        to=to,
        reason=f"Step-down to early help: {reason.strip()}",
        kind=LeadProposal.Kind.STEP_DOWN,
    )


@transaction.atomic
def episode_close(
    *,
    actor: Practitioner,
    episode: Episode,
    reason: str,
    summary: str,
) -> Closure:
    _editable(actor, episode)
    if actor.pk != episode.lead_professional_id:
        raise ApplicationError("The lead professional closes the episode.", field="reason")
    if reason not in Closure.Reason.values:
        raise ApplicationError("Choose why the episode is closing.", field="reason")
    if not summary.strip():
        raise ApplicationError("Write a closing summary.", field="summary")
    closure = Closure.objects.create(
        episode=episode, reason=reason, summary=summary.strip(), closed_by=actor
    )
    Episode.objects.filter(pk=episode.pk).update(closed_at=timezone.now())
    _change_status(actor, episode, EpisodeStatus.CLOSED, closure.get_reason_display())
    _audit(actor, AuditAction.UPDATE, episode, episode, status=EpisodeStatus.CLOSED)
    _tell_team(
        episode,
        subject=f"Episode {episode.reference} closed",
        body=f"Closed: {closure.get_reason_display()}. The family has been asked for "
        "their feedback.",
    )
    return closure
