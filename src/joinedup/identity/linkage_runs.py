"""Linkage runs as agency data leads and administrators start and watch them (pages and API).

A run that is working beats: every HEARTBEAT_SECONDS it writes how long it has been running
(its `seconds`). A run marked running whose last beat is older than DEAD_AFTER lost its process
(killed, or its machine stopped), so it no longer holds up the next run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from joinedup.errors import ApplicationError
from joinedup.identity import conf, linking, review
from joinedup.identity.models import LinkageRun
from joinedup.sharing import policy

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 15.0
DEAD_AFTER = timedelta(seconds=90)  # six missed beats: the process is gone


def may_run(user: Any) -> bool:
    """Agency data leads and administrators: the people who look after identity."""
    return review.may_review(user)


def _thresholds(automatic: float | None, review_at: float | None) -> conf.Thresholds:
    configured = conf.linkage_settings().thresholds
    chosen = conf.Thresholds(
        configured.automatic if automatic is None else automatic,
        configured.review if review_at is None else review_at,
    )
    try:
        chosen.check("automatic threshold", "review threshold")
    except ValueError as error:
        field = "review" if str(error).startswith("review") else "automatic"
        raise ApplicationError(f"The {error}.", field=field) from None
    return chosen


def run_start_for(
    *, user: Any, trigger: str, automatic: float | None = None, review: float | None = None
) -> LinkageRun:
    """Start a run in the background. Security: anyone else is refused (audited) as a 404."""
    if not may_run(user):
        raise policy.refuse(user, object_type="identity.linkagerun", object_id="new")
    run = linking.run_start(actor=user, trigger=trigger, thresholds=_thresholds(automatic, review))
    from joinedup.jobs import tasks

    tasks.linkage_run.enqueue(run_id=run.pk)
    run.refresh_from_db()
    return run


def run_get(*, user: Any, run_id: Any) -> LinkageRun:
    """One run's progress and outcome: counts only, no one's details."""
    found = None
    if may_run(user) and str(run_id).isdigit():
        found = LinkageRun.objects.filter(pk=int(run_id)).first()
    if found is None:
        raise policy.refuse(user, object_type="identity.linkagerun", object_id=run_id)
    return found


def runs_recent(*, user: Any, limit: int = 10) -> list[LinkageRun]:
    if not may_run(user):
        return []
    return list(LinkageRun.objects.order_by("-started_at", "-pk")[:limit])


def last_beat(run: LinkageRun) -> datetime:
    return run.started_at + timedelta(seconds=run.seconds)


def is_abandoned(run: LinkageRun, *, now: datetime | None = None) -> bool:
    """Marked running, but silent for longer than DEAD_AFTER: its process is gone."""
    if run.status != LinkageRun.Status.RUNNING:
        return False
    return (now or timezone.now()) - last_beat(run) > DEAD_AFTER


def abandoned_mark_failed(run: LinkageRun) -> None:
    """Record that a run's process ended without finishing (the next run may start)."""
    LinkageRun.objects.filter(pk=run.pk, status=LinkageRun.Status.RUNNING).update(
        status=LinkageRun.Status.FAILED,
        finished_at=timezone.now(),
        message="The run stopped without finishing: its process ended (killed or its machine "
        f"stopped) and it had not reported for {int(DEAD_AFTER.total_seconds())} seconds. "
        "Nothing was changed.",
    )


@contextmanager
def heartbeat(run: LinkageRun, *, interval: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Beat while the body runs, from a thread of its own (the run's queries can be long)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                alive = (timezone.now() - run.started_at).total_seconds()
                try:
                    LinkageRun.objects.filter(pk=run.pk, status=LinkageRun.Status.RUNNING).update(
                        seconds=round(alive, 2)
                    )
                except Exception:  # a locked database: the next beat tries again
                    log.warning("linkage run %s: heartbeat not written", run.pk, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"linkage-run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
