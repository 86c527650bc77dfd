"""A linkage run whose process was killed no longer blocks the next run (issue 11, item 13)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.errors import ApplicationError
from joinedup.identity import linkage_runs, linking
from joinedup.identity.models import LinkageRun


def _run(started_ago: timedelta, beat_ago: timedelta | None = None) -> LinkageRun:
    run = LinkageRun.objects.create(trigger="page", automatic_threshold=0.9, review_threshold=0.5)
    started = timezone.now() - started_ago
    alive = started_ago - (beat_ago if beat_ago is not None else started_ago)
    LinkageRun.objects.filter(pk=run.pk).update(started_at=started, seconds=alive.total_seconds())
    run.refresh_from_db()
    return run


@pytest.mark.django_db
def test_a_run_killed_minutes_ago_lets_the_next_run_start():
    killed = _run(started_ago=timedelta(minutes=3))  # no beat since it started: kill -9
    started = linking.run_start(actor=None, trigger=LinkageRun.Trigger.COMMAND)
    killed.refresh_from_db()
    assert started.status == LinkageRun.Status.RUNNING
    assert killed.status == LinkageRun.Status.FAILED and killed.finished_at is not None
    assert "process ended" in killed.message


@pytest.mark.django_db
def test_a_long_run_that_still_beats_keeps_the_next_one_waiting():
    _run(started_ago=timedelta(hours=7), beat_ago=timedelta(seconds=10))
    with pytest.raises(ApplicationError, match="already under way"):
        linking.run_start(actor=None, trigger=LinkageRun.Trigger.COMMAND)
    assert LinkageRun.objects.count() == 1


@pytest.mark.django_db
def test_a_run_just_started_is_not_taken_for_dead():
    _run(started_ago=timedelta(seconds=5))
    with pytest.raises(ApplicationError):
        linking.run_start(actor=None, trigger=LinkageRun.Trigger.COMMAND)


@pytest.mark.django_db(transaction=True)
def test_a_working_run_beats_until_it_stops():
    run = _run(started_ago=timedelta(minutes=10))
    assert linkage_runs.is_abandoned(run)
    done = threading.Event()
    with linkage_runs.heartbeat(run, interval=0.05):
        for _ in range(100):
            run.refresh_from_db()
            if not linkage_runs.is_abandoned(run):
                done.set()
                break
            threading.Event().wait(0.05)
    assert done.is_set() and run.seconds >= 599
