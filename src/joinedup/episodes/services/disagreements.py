"""Decisions, disagreements escalating through three levels, and critical incidents."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from joinedup.audit.models import Action as AuditAction
from joinedup.core import timescales
from joinedup.core.locking import lock_at_version
from joinedup.episodes.models import (
    CriticalIncident,
    Disagreement,
    DisagreementStep,
    Episode,
    TeamDecision,
)
from joinedup.episodes.services.team import (
    _audit,
    _current_member,
    _editable,
    _link,
    _tell_team,
)
from joinedup.errors import ApplicationError
from joinedup.frontdoor import timeliness
from joinedup.integrations import webhooks
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner

# Working days allowed at each escalation level before it should go up.
ESCALATION_WORKING_DAYS = {1: 5, 2: 5, 3: 10}


@transaction.atomic
def decision_record(
    *,
    actor: Practitioner,
    episode: Episode,
    text: str,
    reasons: str,
    shared_with_family: bool = False,
) -> TeamDecision:
    _editable(actor, episode)
    if not text.strip():
        raise ApplicationError("Say what was decided.", field="text")
    if not reasons.strip():
        raise ApplicationError("Give the reasons for the decision.", field="reasons")
    decision = TeamDecision.objects.create(
        episode=episode,
        text=text.strip(),
        reasons=reasons.strip(),
        taken_by=actor,
        shared_with_family=shared_with_family,
    )
    _audit(actor, AuditAction.CREATE, decision, episode)
    return decision


def _level_due(level: int, start: datetime) -> datetime:
    calendar, _ = timeliness.calendar_and_policy()
    hours_a_day = (
        datetime.combine(date.today(), calendar.day_end)
        - datetime.combine(date.today(), calendar.day_start)
    ).seconds / 3600
    return timescales.add_working_hours(
        calendar, start, ESCALATION_WORKING_DAYS[level] * hours_a_day
    )


@transaction.atomic
def disagreement_raise(*, actor: Practitioner, decision: TeamDecision, text: str) -> Disagreement:
    episode = _editable(actor, decision.episode)
    member = _current_member(episode, actor)
    if member is None:
        raise ApplicationError(
            "Only members of the team can record a disagreement.", field="decision"
        )
    if not text.strip():
        raise ApplicationError("Say what you disagree with and why.", field="text")
    now = timezone.now()
    disagreement = Disagreement.objects.create(
        decision=decision, raised_by=member, text=text.strip(), level_due_at=_level_due(1, now)
    )
    DisagreementStep.objects.create(
        disagreement=disagreement, level=1, by=actor, note="Raised: " + text.strip()
    )
    _audit(actor, AuditAction.CREATE, disagreement, episode)
    # Disagreement is part of the work: the whole team sees it.
    _tell_team(
        episode,
        subject=f"A disagreement was raised in {episode.reference}",
        body=f"{actor.get_full_name()} disagrees with a team decision.",
    )
    return disagreement


def _locked_disagreement(d: Disagreement, expected_version: int | None) -> Disagreement:
    locked = lock_at_version(
        Disagreement.objects.all(),
        d.pk,
        expected_version,
        changed="Someone else has moved this disagreement on. Check it and try again.",
    )
    if locked.status == Disagreement.Status.RESOLVED:
        raise ApplicationError("This disagreement is already resolved.", status=409)
    return locked


@transaction.atomic
def disagreement_escalate(
    *,
    actor: Practitioner,
    disagreement: Disagreement,
    note: str,
    expected_version: int | None = None,
) -> Disagreement:
    episode = _editable(actor, disagreement.decision.episode)
    locked = _locked_disagreement(disagreement, expected_version)
    if locked.level >= 3:
        raise ApplicationError(
            "Senior leads are the last level: resolve it there.", field="level", status=409
        )
    if not note.strip():
        raise ApplicationError("Say why it needs to go up a level.", field="note")
    level = locked.level + 1
    Disagreement.objects.filter(pk=locked.pk).update(
        level=level, level_due_at=_level_due(level, timezone.now()), version=locked.version + 1
    )
    told = _escalation_recipients(locked, level)
    locked.managers_told.add(*told)
    names = ", ".join(p.get_full_name() for p in told)
    missing = "" if told else " No line manager is recorded for them: ask an administrator."
    DisagreementStep.objects.create(
        disagreement=locked,
        level=level,
        by=actor,
        note=f"{note.strip()} (told: {names or 'nobody'}).{missing}",
    )
    locked.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, locked, episode, level=level, told=[p.pk for p in told])
    _tell_team(
        episode,
        subject=f"Disagreement escalated in {episode.reference}",
        body=f"Now at level {level}: {Disagreement.LEVELS[level].lower()}"
        f"{' (' + names + ')' if names else ''}.{missing}",
    )
    notify.send(
        told,
        subject=f"A disagreement in {episode.reference} is escalated to you",
        # What was said stays in joinedup (it may name the child): the email says only that
        # there is something to look at.
        body=f"{Disagreement.LEVELS[level]}: a disagreement about a team decision waits for "
        "you to help resolve it. It is on your My work.",
        link=_link(episode),
    )
    return locked


def _escalation_recipients(disagreement: Disagreement, level: int) -> list[Practitioner]:
    """Level 2: the line managers of the one who disagrees and of the one who decided.
    Level 3: their managers in turn (the senior leads)."""
    people = [disagreement.raised_by.practitioner, disagreement.decision.taken_by]
    for _ in range(level - 1):
        people = [p.manager for p in people if p is not None]
    found: dict[int, Practitioner] = {}
    for p in people:
        if p is not None:
            found.setdefault(p.pk, p)
    return list(found.values())


@transaction.atomic
def disagreement_resolve(
    *,
    actor: Practitioner,
    disagreement: Disagreement,
    resolution: str,
    upheld: bool,
    expected_version: int | None = None,
) -> Disagreement:
    episode = _editable(actor, disagreement.decision.episode)
    locked = _locked_disagreement(disagreement, expected_version)
    if not resolution.strip():
        raise ApplicationError("Record how it was resolved.", field="resolution")
    Disagreement.objects.filter(pk=locked.pk).update(
        status=Disagreement.Status.RESOLVED,
        resolution=resolution.strip(),
        upheld=upheld,
        resolved_by=actor,
        resolved_at=timezone.now(),
        version=locked.version + 1,
    )
    DisagreementStep.objects.create(
        disagreement=locked, level=locked.level, by=actor, note="Resolved: " + resolution.strip()
    )
    locked.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, locked, episode, resolved=True, upheld=upheld)
    _tell_team(
        episode,
        subject=f"Disagreement resolved in {episode.reference}",
        body="A disagreement has been resolved.",
    )
    return locked


@transaction.atomic
def incident_record(
    *, actor: Practitioner, episode: Episode, kind: str, occurred_at: datetime, description: str
) -> CriticalIncident:
    _editable(actor, episode)
    if kind not in CriticalIncident.Kind.values:
        raise ApplicationError("Choose what happened.", field="kind")
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ApplicationError("The incident cannot be in the future.", field="occurred_at")
    if not description.strip():
        raise ApplicationError("Describe what happened.", field="description")
    incident = CriticalIncident.objects.create(
        episode=episode,
        kind=kind,
        occurred_at=occurred_at,
        description=description.strip(),
        recorded_by=actor,
    )
    _audit(actor, AuditAction.CREATE, incident, episode, kind=kind)
    webhooks.episode_event(event="episode.critical_incident", episode=episode, kind=kind)
    # Urgent: every member is told at once, in joinedup and by email.
    _tell_team(
        episode,
        subject=f"Critical incident in {episode.reference}",
        body=f"{incident.get_kind_display()} recorded by {actor.get_full_name()}. "
        "The lead professional must acknowledge it.",
    )
    return incident


@transaction.atomic
def incident_acknowledge(*, actor: Practitioner, incident: CriticalIncident) -> CriticalIncident:
    episode = _editable(actor, incident.episode)
    if episode.lead_professional_id != actor.pk:
        raise ApplicationError("The lead professional acknowledges incidents.", field="incident")
    updated = CriticalIncident.objects.filter(pk=incident.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=actor, acknowledged_at=timezone.now()
    )
    if not updated:
        raise ApplicationError("This incident has already been acknowledged.", status=409)
    incident.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, incident, episode, acknowledged=True)
    return incident
