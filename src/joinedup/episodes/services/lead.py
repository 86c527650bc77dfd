"""Who leads: a change of lead professional is proposed, and takes effect only when the proposed
practitioner accepts (or at once when they propose themselves); they may decline with a reason."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import (
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    LeadHandover,
    LeadProposal,
    TeamMember,
)
from joinedup.episodes.services.team import (
    LEAD_ROLE,
    _audit,
    _editable,
    _link,
    _locked_episode,
    _tell_team,
    add_lead_as_member,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.integrations import webhooks
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner, Profession, Role, Sector
from joinedup.sharing import policy

# Professions whose work is not casework: never proposed as a family's lead.
NOT_LEADS = {Profession.DATA_PROTECTION, Profession.ANALYST}
NOT_LEAD_ROLES = {Role.Code.DATA_PROTECTION_OFFICER, Role.Code.ADMINISTRATOR}


def lead_refusal(practitioner: Practitioner, kind: str) -> str | None:
    """Why this practitioner cannot lead for this kind of change, or None when they can."""
    name = practitioner.get_full_name() or practitioner.email
    if not practitioner.is_active or not policy.is_practitioner(practitioner):
        return f"{name} does not work in a partner organisation."
    if practitioner.profession in NOT_LEADS or (
        NOT_LEAD_ROLES & practitioner.role_codes
        and Role.Code.PRACTITIONER not in practitioner.role_codes
    ):
        return f"{name}'s role does not include leading a family's support."
    if kind == LeadProposal.Kind.STEP_UP and not (
        practitioner.profession == Profession.SOCIAL_WORKER
        and practitioner.organisation is not None
        and practitioner.organisation.sector == Sector.STATUTORY
    ):
        return f"At step-up the lead is a social worker of children's social care, not {name}."
    return None


def _lead_change(
    *, actor: Practitioner, episode: Episode, to: Practitioner, reason: str, family_preference: str
) -> LeadHandover:
    """Exactly one active lead: the change, who, when and why, in one transaction."""
    add_lead_as_member(episode, to)
    # The outgoing lead stays in the team, no longer named as its lead.
    outgoing = episode.lead_professional
    TeamMember.objects.filter(
        episode=episode, practitioner=outgoing, left_at__isnull=True, role=LEAD_ROLE
    ).update(role=outgoing.get_profession_display() or "Team member")
    handover = LeadHandover.objects.create(
        episode=episode,
        from_practitioner=outgoing,
        to_practitioner=to,
        reason=reason,
        family_preference=family_preference,
        recorded_by=actor,
    )
    Episode.objects.filter(pk=episode.pk).update(
        lead_professional=to, lead_team=to.team, version=episode.version + 1
    )
    episode.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, episode, episode, lead_professional=to.pk)
    webhooks.episode_event(event="episode.lead_changed", episode=episode)
    _tell_team(
        episode,
        subject=f"Lead professional changed for {episode.reference}",
        body=f"{to.get_full_name()} is now the lead professional.",
    )
    return handover


STATUS_AFTER: dict[str, str] = {
    LeadProposal.Kind.STEP_UP: EpisodeStatus.STEPPED_UP,
    LeadProposal.Kind.STEP_DOWN: EpisodeStatus.STEPPED_DOWN,
}


def _apply(actor: Practitioner, proposal: LeadProposal) -> None:
    episode = Episode.objects.select_for_update().get(pk=proposal.episode_id)
    if proposal.proposed_id != episode.lead_professional_id:
        _lead_change(
            actor=actor,
            episode=episode,
            to=proposal.proposed,
            reason=proposal.reason,
            family_preference=proposal.family_preference,
        )
    status = STATUS_AFTER.get(proposal.kind)
    if status:
        Episode.objects.filter(pk=episode.pk).update(status=status, version=F("version") + 1)
        EpisodeStatusChange.objects.create(
            episode=episode, status=status, by=actor, reason=proposal.reason
        )
        episode.refresh_from_db()
        _audit(actor, AuditAction.UPDATE, episode, episode, status=status)
    LeadProposal.objects.filter(pk=proposal.pk).update(
        status=LeadProposal.Status.ACCEPTED, answered_at=timezone.now()
    )
    proposal.refresh_from_db()


def _check_kind(episode: Episode, kind: str) -> None:
    if kind == LeadProposal.Kind.STEP_UP and episode.status == EpisodeStatus.STEPPED_UP:
        raise ApplicationError("This episode is already with children's social care.", status=409)
    if kind == LeadProposal.Kind.STEP_DOWN and episode.status != EpisodeStatus.STEPPED_UP:
        raise ApplicationError(
            "Only an episode with children's social care can step down.", status=409
        )


@transaction.atomic
def lead_professional_propose(
    *,
    actor: Practitioner,
    episode: Episode,
    to: Practitioner,
    reason: str,
    family_preference: str = "",
    kind: str = LeadProposal.Kind.HANDOVER,
    expected_version: int | None = None,
) -> LeadProposal:
    """Propose a new lead (or the lead at step-up or step-down). It takes effect when they accept;
    at once when they propose themselves, or when the lead stays the same at a step."""
    _editable(actor, episode)
    episode = _locked_episode(episode, expected_version)
    _check_kind(episode, kind)
    if not reason.strip():
        raise ApplicationError("Say why the lead professional is changing.", field="reason")
    if kind == LeadProposal.Kind.HANDOVER and to.pk == episode.lead_professional_id:
        raise ApplicationError(
            f"{to.get_full_name()} is already the lead professional.", field="to"
        )
    refusal = lead_refusal(to, kind)
    if refusal and not (
        kind != LeadProposal.Kind.STEP_UP and to.pk == episode.lead_professional_id
    ):
        raise ApplicationError(refusal, field="to")
    LeadProposal.objects.filter(episode=episode, status=LeadProposal.Status.WAITING).update(
        status=LeadProposal.Status.WITHDRAWN, answered_at=timezone.now()
    )
    proposal = LeadProposal.objects.create(
        episode=episode,
        kind=kind,
        proposed=to,
        proposed_by=actor,
        reason=reason.strip(),
        family_preference=family_preference.strip(),
    )
    # A proposal changes the episode: a second one made from the same version is a conflict.
    Episode.objects.filter(pk=episode.pk).update(version=F("version") + 1)
    episode.refresh_from_db()
    _audit(actor, AuditAction.CREATE, proposal, episode, proposed=to.pk, kind=kind)
    if to.pk in (actor.pk, episode.lead_professional_id):
        _apply(actor, proposal)  # they agree by proposing themselves; or nobody new leads
    else:
        notify.send(
            [to],
            subject=f"You are asked to lead {episode.reference}",
            body=f"{actor.get_full_name()} proposes you as lead professional "
            f"({proposal.get_kind_display().lower()}): {proposal.reason}. Accept or decline "
            "on the episode's page.",
            link=_link(episode),
        )
    return proposal


def _waiting_for(actor: Practitioner, proposal: LeadProposal) -> LeadProposal:
    """Security: only the practitioner proposed may answer; to anyone else it does not exist."""
    locked = LeadProposal.objects.select_for_update().filter(pk=proposal.pk).first()
    if locked is None or locked.proposed_id != actor.pk:
        raise NotFound()
    if locked.status != LeadProposal.Status.WAITING:
        raise ApplicationError(
            f"This proposal has already been {locked.get_status_display().lower()}.", status=409
        )
    if locked.episode.status == EpisodeStatus.CLOSED:
        raise ApplicationError("This episode is closed.", status=409)
    return locked


@transaction.atomic
def lead_proposal_accept(*, actor: Practitioner, proposal: LeadProposal) -> LeadProposal:
    locked = _waiting_for(actor, proposal)
    _check_kind(locked.episode, locked.kind)
    _apply(actor, locked)
    return locked


@transaction.atomic
def lead_proposal_decline(
    *, actor: Practitioner, proposal: LeadProposal, reason: str
) -> LeadProposal:
    locked = _waiting_for(actor, proposal)
    if not reason.strip():
        raise ApplicationError("Say why you cannot take the lead.", field="reason")
    LeadProposal.objects.filter(pk=locked.pk).update(
        status=LeadProposal.Status.DECLINED,
        answered_at=timezone.now(),
        decline_reason=reason.strip(),
    )
    locked.refresh_from_db()
    episode = locked.episode
    _audit(actor, AuditAction.UPDATE, locked, episode, declined=True)
    notify.send(
        [locked.proposed_by, episode.lead_professional],
        subject=f"Lead for {episode.reference} declined",
        body=f"{actor.get_full_name()} cannot take the lead: {locked.decline_reason}",
        link=_link(episode),
    )
    return locked


def lead_professional_hand_over(
    *,
    actor: Practitioner,
    episode: Episode,
    to: Practitioner,
    reason: str,
    family_preference: str = "",
    expected_version: int | None = None,
) -> LeadProposal:
    """A handover: proposed to the new lead, who accepts or declines."""
    return lead_professional_propose(
        actor=actor,
        episode=episode,
        to=to,
        reason=reason,
        family_preference=family_preference,
        expected_version=expected_version,
    )
