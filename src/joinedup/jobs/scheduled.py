"""Scheduled work, run from the same workers as every other job.

Each schedule is a row whose `next_run_at` the first worker to find it due moves on with a
compare-and-set update, so with several workers running each occurrence is enqueued once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.jobs.models import Schedule


@dataclass(frozen=True)
class Every:
    name: str
    task_name: str
    interval: timedelta | None = None
    daily_at: time | None = None

    def next_after(self, moment: datetime) -> datetime:
        if self.interval is not None:
            return moment + self.interval
        assert self.daily_at is not None
        local = timezone.localtime(moment)
        candidate = local.replace(
            hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0
        )
        if candidate <= local:
            candidate = timezone.make_aware(
                datetime.combine(local.date() + timedelta(days=1), self.daily_at)
            )
        return candidate


SCHEDULES = [
    Every("insight-rebuild", "insight_rebuild_nightly", daily_at=time(2, 0)),
    Every("outcomes-rebuild", "outcomes_rebuild_nightly", daily_at=time(2, 30)),
    Every("retention-due", "retention_due_list", daily_at=time(6, 30)),
    Every("webhook-retries", "webhook_retries", interval=timedelta(minutes=1)),
    Every("directory-feeds", "directory_feeds_due", interval=timedelta(minutes=5)),
    # Reminders: each is sent once for its due date, however often these run.
    Every("review-reminders", "review_reminders", daily_at=time(7, 0)),
    Every("escalation-reminders", "escalation_reminders", interval=timedelta(hours=1)),
]


def _task(name: str) -> Any:
    from joinedup.jobs import tasks

    return getattr(tasks, name)


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Enqueue every schedule that is due; returns the names enqueued by this call."""
    now = now or timezone.now()
    enqueued = []
    for every in SCHEDULES:
        row, _ = Schedule.objects.get_or_create(
            name=every.name, defaults={"next_run_at": every.next_after(now)}
        )
        if row.next_run_at > now:
            continue
        with transaction.atomic():
            claimed = Schedule.objects.filter(pk=row.pk, next_run_at=row.next_run_at).update(
                next_run_at=every.next_after(now), last_enqueued_at=now
            )
            if claimed:
                _task(every.task_name).enqueue()
                enqueued.append(every.name)
    return enqueued


def retention_due_tell(today: Any = None) -> int:
    """How many records are past their period, told to the data protection officers."""
    from django.urls import reverse

    from joinedup.partnership import notify
    from joinedup.partnership.models import Practitioner, Role
    from joinedup.records import retention

    due = sum(group.due_count for group in retention.due(today, limit=0))
    if not due:
        return 0
    officers = Practitioner.objects.filter(
        roles__code=Role.Code.DATA_PROTECTION_OFFICER, is_active=True
    ).distinct()
    with transaction.atomic():
        notify.send(
            officers,
            subject=f"{due} record{'s' if due != 1 else ''} past the retention period",
            body="Review the retention list: erase what is due, or place a legal hold.",
            link=reverse("records:retention"),
        )
    return due
