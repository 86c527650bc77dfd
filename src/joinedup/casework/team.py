"""Services for the team around the family: members and the lead, the plan, meetings,
decisions and disagreements, critical incidents, step-up, step-down and closure.

Every write here is one use case: atomic, checked against the policy, audited with the family's
persons, and its notifications sent after commit.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.casework import timeliness, timescales
from joinedup.casework.locking import lock_at_version
from joinedup.casework.models import (
    Action,
    ActionNote,
    ActionStatus,
    Attendance,
    Closure,
    CriticalIncident,
    Disagreement,
    DisagreementStep,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    LeadHandover,
    Meeting,
    OutcomeJudgement,
    PlanVersion,
    TeamDecision,
    TeamMember,
    WantedOutcome,
)
from joinedup.errors import ApplicationError, NotFound
from joinedup.integrations import webhooks
from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import audit, policy
from joinedup.sharing.models import Action as AuditAction

REVIEW_WEEKS = getattr(settings, "JOINEDUP_REVIEW_WEEKS", 6)
LEAD_ROLE = "Lead professional"
# Working days allowed at each escalation level before it should go up.
ESCALATION_WORKING_DAYS = {1: 5, 2: 5, 3: 10}


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
    return reverse("casework:episode", args=[episode.pk])


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


@transaction.atomic
def lead_professional_hand_over(
    *,
    actor: Practitioner,
    episode: Episode,
    to: Practitioner,
    reason: str,
    family_preference: str = "",
    expected_version: int | None = None,
) -> LeadHandover:
    """Exactly one active lead: the change, who, when and why, in one transaction."""
    _editable(actor, episode)
    episode = _locked_episode(episode, expected_version)
    if not reason.strip():
        raise ApplicationError("Say why the lead professional is changing.", field="reason")
    if to.pk == episode.lead_professional_id:
        raise ApplicationError(
            f"{to.get_full_name()} is already the lead professional.", field="to"
        )
    if not policy.is_practitioner(to):
        raise ApplicationError(
            "The lead professional must work in a partner organisation.", field="to"
        )
    add_lead_as_member(episode, to)
    # The outgoing lead stays in the team, no longer named as its lead.
    outgoing = episode.lead_professional
    TeamMember.objects.filter(
        episode=episode, practitioner=outgoing, left_at__isnull=True, role=LEAD_ROLE
    ).update(role=outgoing.get_profession_display() or "Team member")
    handover = LeadHandover.objects.create(
        episode=episode,
        from_practitioner=episode.lead_professional,
        to_practitioner=to,
        reason=reason.strip(),
        family_preference=family_preference.strip(),
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
        subject=f"New lead professional for {episode.reference}",
        body=f"{to.get_full_name()} is now the lead professional.",
    )
    return handover


# --- The plan ----------------------------------------------------------------------------


@transaction.atomic
def outcome_add(
    *, actor: Practitioner, episode: Episode, text: str, category: OutcomeCategory | None = None
) -> WantedOutcome:
    _editable(actor, episode)
    if not text.strip():
        raise ApplicationError(
            "Say what the family and the team want to be different.", field="text"
        )
    outcome = WantedOutcome.objects.create(episode=episode, text=text.strip(), category=category)
    _audit(actor, AuditAction.CREATE, outcome, episode)
    return outcome


@transaction.atomic
def action_add(
    *,
    actor: Practitioner,
    episode: Episode,
    owner: TeamMember,
    text: str,
    due_on: date,
    outcome: WantedOutcome | None = None,
) -> Action:
    _editable(actor, episode)
    if owner.episode_id != episode.pk or owner.left_at is not None:
        raise ApplicationError("The owner must be a member of this team.", field="owner")
    if not text.strip():
        raise ApplicationError("Say what will be done.", field="text")
    if due_on < timezone.localtime(episode.opened_at).date():
        raise ApplicationError("The due date cannot be before the plan started.", field="due_on")
    if outcome is not None and outcome.episode_id != episode.pk:
        raise ApplicationError("Choose an outcome from this plan.", field="outcome")
    action = Action.objects.create(
        episode=episode,
        owner=owner,
        text=text.strip(),
        due_on=due_on,
        outcome=outcome,
        created_by=actor,
    )
    _audit(actor, AuditAction.CREATE, action, episode)
    if owner.practitioner and owner.practitioner_id != actor.pk:
        notify.send(
            [owner.practitioner],
            subject=f"New action for you in {episode.reference}",
            body=f"An action is due {due_on:%d %B %Y}.",
            link=_link(episode),
        )
    return action


@transaction.atomic
def action_update(
    *,
    actor: Practitioner,
    action: Action,
    status: str,
    note: str = "",
    not_done_reason: str = "",
    expected_version: int | None = None,
) -> Action:
    episode = _editable(actor, action.episode)
    locked = lock_at_version(
        Action.objects.all(),
        action.pk,
        expected_version,
        changed="Someone else updated this action while you were editing it. Your changes were "
        "not saved: here is the action as it is now.",
    )
    if status not in ActionStatus.values:
        raise ApplicationError("Choose the action's status.", field="status")
    if status == ActionStatus.NOT_DONE and not not_done_reason.strip():
        raise ApplicationError("Say why the action was not done.", field="not_done_reason")
    Action.objects.filter(pk=action.pk).update(
        status=status,
        version=locked.version + 1,
        not_done_reason=not_done_reason.strip() if status == ActionStatus.NOT_DONE else "",
    )
    if note.strip():
        ActionNote.objects.create(action=action, author=actor, text=note.strip())
    action.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, action, episode, status=status)
    return action


def plan_snapshot(episode: Episode) -> dict[str, Any]:
    outcomes = list(episode.outcomes.select_related("category"))
    actions = list(episode.actions.select_related("owner__practitioner", "owner__person"))
    return {
        "outcomes": [
            {"id": o.pk, "text": o.text, "category": o.category.name if o.category else ""}
            for o in outcomes
        ],
        "actions": [
            {
                "id": a.pk,
                "text": a.text,
                "owner": a.owner.name,
                "due_on": a.due_on.isoformat(),
                "status": a.get_status_display(),
                "outcome": a.outcome_id,
            }
            for a in actions
        ],
    }


def _plan_lines(snapshot: dict[str, Any]) -> list[str]:
    lines = [
        f"Outcome: {o['text']}" + (f" ({o['category']})" if o["category"] else "")
        for o in snapshot["outcomes"]
    ]
    lines += [
        f"Action: {a['text']} – {a['owner']}, due {a['due_on']}, {a['status']}"
        for a in snapshot["actions"]
    ]
    return lines


def plan_diff(older: PlanVersion | None, newer: PlanVersion) -> list[tuple[str, str]]:
    """What changed between two versions: ('added' | 'removed' | 'same', line)."""
    before = _plan_lines(older.snapshot) if older else []
    after = _plan_lines(newer.snapshot)
    out: list[tuple[str, str]] = []
    for line in difflib.ndiff(before, after):
        tag, text = line[:2], line[2:]
        if tag == "+ ":
            out.append(("added", text))
        elif tag == "- ":
            out.append(("removed", text))
        elif tag == "  ":
            out.append(("same", text))
    return out


def _plan_version_make(actor: Practitioner, episode: Episode) -> PlanVersion:
    last = episode.plan_versions.order_by("-number").first()
    return PlanVersion.objects.create(
        episode=episode,
        number=(last.number + 1) if last else 1,
        made_by=actor,
        snapshot=plan_snapshot(episode),
    )


# --- Meetings, decisions and disagreements ---------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    actor: Practitioner,
    episode: Episode,
    kind: str,
    held_on: date,
    attendance: dict[int, str],
    family_attended: bool = False,
    family_said: str = "",
    notes: str = "",
    decisions: list[tuple[str, str]] | None = None,
    judgements: dict[int, str] | None = None,
    next_review_on: date | None = None,
) -> Meeting:
    _editable(actor, episode)
    if kind not in Meeting.Kind.values:
        raise ApplicationError("Choose the kind of meeting.", field="kind")
    if held_on > timezone.localdate():
        raise ApplicationError("Record a meeting once it has happened.", field="held_on")
    members = {m.pk: m for m in TeamMember.objects.filter(episode=episode, left_at__isnull=True)}
    for member_id, status in attendance.items():
        if member_id not in members:
            raise ApplicationError(
                "Attendance can only be recorded for members of this team.", field="attendance"
            )
        if status not in Attendance.Status.values:
            raise ApplicationError("Choose attended, apologies or absent.", field="attendance")
    outcomes = {o.pk for o in episode.outcomes.all()}
    for outcome_id, judgement in (judgements or {}).items():
        if outcome_id not in outcomes or judgement not in OutcomeJudgement.Judgement.values:
            raise ApplicationError(
                "Judge each outcome as better, no change or worse.", field="judgements"
            )
    next_review = next_review_on or held_on + timedelta(weeks=REVIEW_WEEKS)
    if next_review <= held_on:
        raise ApplicationError(
            "The next review must be after this meeting.", field="next_review_on"
        )
    meeting = Meeting.objects.create(
        episode=episode,
        kind=kind,
        held_on=held_on,
        family_attended=family_attended,
        family_said=family_said.strip(),
        notes=notes.strip(),
        next_review_on=next_review,
        recorded_by=actor,
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, member=members[mid], status=s) for mid, s in attendance.items()
    )
    OutcomeJudgement.objects.bulk_create(
        OutcomeJudgement(meeting=meeting, outcome_id=oid, judgement=j)
        for oid, j in (judgements or {}).items()
    )
    for text, reasons in decisions or []:
        if text.strip():
            if not reasons.strip():
                raise ApplicationError("Give the reasons for each decision.", field="decisions")
            TeamDecision.objects.create(
                episode=episode,
                meeting=meeting,
                text=text.strip(),
                reasons=reasons.strip(),
                taken_by=actor,
            )
    # Every meeting freezes the plan as it stood, so reviews can be compared.
    meeting.plan_version = _plan_version_make(actor, episode)
    meeting.save(update_fields=["plan_version"])
    _audit(actor, AuditAction.CREATE, meeting, episode)
    return meeting


@transaction.atomic
def decision_record(
    *, actor: Practitioner, episode: Episode, text: str, reasons: str
) -> TeamDecision:
    _editable(actor, episode)
    if not text.strip():
        raise ApplicationError("Say what was decided.", field="text")
    if not reasons.strip():
        raise ApplicationError("Give the reasons for the decision.", field="reasons")
    decision = TeamDecision.objects.create(
        episode=episode, text=text.strip(), reasons=reasons.strip(), taken_by=actor
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
    DisagreementStep.objects.create(disagreement=locked, level=level, by=actor, note=note.strip())
    locked.refresh_from_db()
    _audit(actor, AuditAction.UPDATE, locked, episode, level=level)
    _tell_team(
        episode,
        subject=f"Disagreement escalated in {episode.reference}",
        body=f"Now at level {level}: {Disagreement.LEVELS[level].lower()}.",
    )
    return locked


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


# --- Critical incidents ------------------------------------------------------------------


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


# --- Step-up, step-down, closure ---------------------------------------------------------


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
