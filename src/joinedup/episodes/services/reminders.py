"""Reminders sent by the worker's schedules: a team's review due soon or overdue, told to the lead
professional; a disagreement's escalation level due soon or overdue, told to the people
concerned.

Each reminder is sent once for each due date and stage: its Reminder row (with a unique key) is
written in the same transaction as the notifications and the audit event, so a job run twice, or
run again after its worker was killed, sends nothing twice. A reminder names the episode by its
reference, never a child or family (emails leave joinedup): whoever the policy would not let see
the family learns nothing about them from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import Disagreement, Episode, EpisodeStatus, Meeting, Reminder
from joinedup.episodes.services.team import _link
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy

# How far ahead "due soon" looks.
REVIEW_SOON_DAYS = int(getattr(settings, "JOINEDUP_REVIEW_REMINDER_DAYS", 7))
ESCALATION_SOON_HOURS = int(getattr(settings, "JOINEDUP_ESCALATION_REMINDER_HOURS", 24))
_CHUNK = 500


@dataclass(frozen=True)
class _Due:
    key: str
    kind: str
    episode: Episode
    due_at: datetime
    recipients: Callable[[], list[Practitioner]]  # asked only when it is sent
    subject: str
    body: str
    disagreement: Disagreement | None = None


def _day(d: date) -> str:
    return date_format(d, "j F Y")


def _start_of(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def _unsent(candidates: list[_Due]) -> list[_Due]:
    sent: set[str] = set()
    keys = [c.key for c in candidates]
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i : i + _CHUNK]
        sent.update(Reminder.objects.filter(key__in=chunk).values_list("key", flat=True))
    return [c for c in candidates if c.key not in sent]


def _send_once(due: _Due) -> bool:
    """Record, tell and audit one reminder, all or nothing; False if it was already sent."""
    recipients = due.recipients()
    told = sorted({p.pk for p in recipients if p is not None and p.is_active})
    with transaction.atomic():
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    key=due.key,
                    kind=due.kind,
                    episode=due.episode,
                    disagreement=due.disagreement,
                    due_at=due.due_at,
                    told=told,
                )
        except IntegrityError:
            return False  # another worker sent it first
        notify.send(recipients, subject=due.subject, body=due.body, link=_link(due.episode))
        audit.record(
            actor=None,  # the system: the worker's schedule
            action=AuditAction.CREATE,
            obj=reminder,
            persons=due.episode.persons.all(),
            purpose="episode",
            lawful_basis=policy.BASIS_EPISODE,
            detail={"kind": due.kind, "due_at": due.due_at.isoformat(), "told": told},
        )
    return True


def _send_all(candidates: Iterable[_Due]) -> int:
    return sum(_send_once(due) for due in _unsent(list(candidates)))


# --- Reviews ---------------------------------------------------------------------------------


def _lead(episode: Episode) -> list[Practitioner]:
    return [episode.lead_professional]


def _reviews_due(today: date) -> Iterable[_Due]:
    """Open episodes whose next review (set at the latest meeting) is within the window or past."""
    latest = Meeting.objects.filter(episode=OuterRef("pk")).order_by("-held_on", "-pk")
    episodes = (
        Episode.objects.exclude(status=EpisodeStatus.CLOSED)
        .annotate(review_on=Subquery(latest.values("next_review_on")[:1]))
        .filter(review_on__lte=today + timedelta(days=REVIEW_SOON_DAYS))
        .select_related("lead_professional")
        .order_by("pk")
    )
    for episode in episodes:
        review_on: date = episode.review_on  # type: ignore[attr-defined]
        overdue = review_on < today
        kind = Reminder.Kind.REVIEW_OVERDUE if overdue else Reminder.Kind.REVIEW_SOON
        subject = (
            f"The review of {episode.reference} is overdue"
            if overdue
            else f"The review of {episode.reference} is due on {_day(review_on)}"
        )
        body = (
            f"The team's review was due on {_day(review_on)}. Hold the review meeting and "
            "record it, with the date of the next one."
            if overdue
            else f"The team's next review is due on {_day(review_on)}. Invite the team and "
            "the family."
        )
        yield _Due(
            key=f"{kind}:{episode.pk}:{review_on.isoformat()}",
            kind=kind,
            episode=episode,
            due_at=_start_of(review_on),
            recipients=partial(_lead, episode),
            subject=subject,
            body=body,
        )


def review_reminders_send(*, now: datetime | None = None) -> int:
    """Tell each lead professional once when a review is due soon, and once when it is overdue.
    Returns how many reminders this call sent."""
    today = timezone.localdate(now or timezone.now())
    return _send_all(_reviews_due(today))


# --- Escalation of disagreements -------------------------------------------------------------


def _concerned(disagreement: Disagreement, episode: Episode) -> list[Practitioner]:
    """Who raised it and who decided (while they are in the team), the lead professional, and
    the managers and senior leads it has been escalated to."""
    team = [disagreement.raised_by.practitioner, disagreement.decision.taken_by]
    team.append(episode.lead_professional)
    people = [
        p
        for p in team
        if p is not None and policy.episodes_visible_to(p).filter(pk=episode.pk).exists()
    ]
    return people + list(disagreement.managers_told.all())


def _escalations_due(now: datetime) -> Iterable[_Due]:
    disagreements = (
        Disagreement.objects.filter(
            status=Disagreement.Status.OPEN,
            level_due_at__lte=now + timedelta(hours=ESCALATION_SOON_HOURS),
        )
        .exclude(decision__episode__status=EpisodeStatus.CLOSED)
        .select_related(
            "decision__episode__lead_professional",
            "decision__taken_by",
            "raised_by__practitioner",
        )
        .prefetch_related("managers_told")
        .order_by("pk")
    )
    for d in disagreements:
        episode = d.decision.episode
        overdue = d.level_due_at <= now
        kind = Reminder.Kind.ESCALATION_OVERDUE if overdue else Reminder.Kind.ESCALATION_SOON
        due = timezone.localtime(d.level_due_at)
        when = f"{_day(due.date())} at {due:%H:%M}"
        level = f"level {d.level} ({d.level_label.lower()})"
        yield _Due(
            key=f"{kind}:{d.pk}:{d.level}:{d.level_due_at.isoformat()}",
            kind=kind,
            episode=episode,
            disagreement=d,
            due_at=d.level_due_at,
            recipients=partial(_concerned, d, episode),
            subject=(
                f"A disagreement in {episode.reference} is overdue at level {d.level}"
                if overdue
                else f"A disagreement in {episode.reference} is due to move on"
            ),
            body=(
                f"A disagreement has been at {level} past its time ({when}). Resolve it, "
                "or escalate it to the next level."
                if overdue
                else f"A disagreement at {level} should be resolved or escalated by {when}."
            ),
        )


def escalation_reminders_send(*, now: datetime | None = None) -> int:
    """Tell the people concerned once when a disagreement's level is due soon, and once when it
    is overdue (again at each new level). Returns how many reminders this call sent."""
    return _send_all(_escalations_due(now or timezone.now()))
