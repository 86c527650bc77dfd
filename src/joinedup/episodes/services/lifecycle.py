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
)
from joinedup.episodes.services.team import (
    _audit,
    _editable,
    _tell_team,
    lead_professional_hand_over,
)
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner


def _change_status(actor: Practitioner, episode: Episode, status: str, reason: str) -> None:
    Episode.objects.filter(pk=episode.pk).update(status=status, version=episode.version + 1)
    EpisodeStatusChange.objects.create(episode=episode, status=status, by=actor, reason=reason)
    episode.refresh_from_db()


@transaction.atomic
def episode_step_up(
    *,
    actor: Practitioner,
    episode: Episode,
    to: Practitioner,
    reason: str,
) -> Episode:
    """To children's social care: a social worker takes the lead; the history continues."""
    _editable(actor, episode)
    if episode.status == EpisodeStatus.STEPPED_UP:
        raise ApplicationError("This episode is already with children's social care.", status=409)
    if not reason.strip():
        raise ApplicationError("Give the reason for stepping up.", field="reason")
    if to.pk != episode.lead_professional_id:
        lead_professional_hand_over(
            actor=actor,
            episode=episode,
            to=to,
            reason=f"Step-up to children's social care: {reason.strip()}",
        )
        episode.refresh_from_db()
    _change_status(actor, episode, EpisodeStatus.STEPPED_UP, reason.strip())
    _audit(actor, AuditAction.UPDATE, episode, episode, status=EpisodeStatus.STEPPED_UP)
    return episode


@transaction.atomic
def episode_step_down(
    *,
    actor: Practitioner,
    episode: Episode,
    to: Practitioner,
    reason: str,
) -> Episode:
    _editable(actor, episode)
    if episode.status != EpisodeStatus.STEPPED_UP:
        raise ApplicationError(
            "Only an episode with children's social care can step down.", status=409
        )
    if not reason.strip():
        raise ApplicationError("Give the reason for stepping down.", field="reason")
    if to.pk != episode.lead_professional_id:
        lead_professional_hand_over(
            actor=actor, episode=episode, to=to, reason=f"Step-down to early help: {reason.strip()}"
        )
        episode.refresh_from_db()
    _change_status(actor, episode, EpisodeStatus.STEPPED_DOWN, reason.strip())
    _audit(actor, AuditAction.UPDATE, episode, episode, status=EpisodeStatus.STEPPED_DOWN)
    return episode


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
