"""The plan (wanted outcomes and actions owned by members), its versions, and meetings."""

from __future__ import annotations

import difflib
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.audit.models import Action as AuditAction
from joinedup.core.locking import lock_at_version
from joinedup.episodes.models import (
    Action,
    ActionNote,
    ActionStatus,
    Attendance,
    Episode,
    Meeting,
    OutcomeJudgement,
    PlanVersion,
    TeamDecision,
    TeamMember,
    WantedOutcome,
)
from joinedup.episodes.services.team import REVIEW_WEEKS, _audit, _editable, _link
from joinedup.errors import ApplicationError
from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy


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
            subject=f"An action for you in {episode.reference}",
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
        "not saved: compare them with the version saved now.",
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


def _day(iso: str) -> str:
    """A date kept in a snapshot, as people read it: 4 March 2026."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def _plan_lines(snapshot: dict[str, Any]) -> list[str]:
    lines = [
        f"Outcome: {o['text']}" + (f" ({o['category']})" if o["category"] else "")
        for o in snapshot["outcomes"]
    ]
    lines += [
        f"Action: {a['text']} – {a['owner']}, due {_day(a['due_on'])}, {a['status']}"
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
    family_said_by: Person | None = None,
    family_said_shared: bool = False,
    notes: str = "",
    decisions: list[tuple[str, str]] | None = None,
    decisions_shared: bool = False,
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
    if (
        family_said_by is not None
        and not policy.family_participants(episode).filter(pk=family_said_by.pk).exists()
    ):
        raise ApplicationError(
            "Whose words: choose someone in the family taking part.", field="family_said_by"
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
        family_said_by=family_said_by,
        family_said_shared=family_said_shared,
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
                shared_with_family=decisions_shared,
            )
    # Every meeting freezes the plan as it stood, so reviews can be compared.
    meeting.plan_version = _plan_version_make(actor, episode)
    meeting.save(update_fields=["plan_version"])
    _audit(actor, AuditAction.CREATE, meeting, episode)
    return meeting
