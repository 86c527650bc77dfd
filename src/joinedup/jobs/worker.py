"""`joinedup worker`: runs queued jobs, retries failures with backoff, re-runs the jobs of
workers that died, and enqueues scheduled work.

Several may run at once, on one machine or many: a job is claimed under a row lock
(django-tasks-db), a schedule by a compare-and-set update. A worker beats every few seconds; a
job still marked running whose worker stopped beating (or, on this machine, whose process is
gone) goes back to the queue and runs again, so every job must be safe to run twice.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from joinedup.jobs import scheduled
from joinedup.jobs.models import WorkerHeartbeat
from joinedup.jobs.queue import retry_for

log = logging.getLogger("joinedup.jobs")

READY, RUNNING = "READY", "RUNNING"


def lease() -> timedelta:
    """A worker silent for longer than this is taken to have died."""
    return timedelta(seconds=float(getattr(settings, "JOINEDUP_WORKER_LEASE_SECONDS", 60)))


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{os.urandom(3).hex()}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_dead(worker_id: str, beats: dict[str, WorkerHeartbeat], now) -> bool:  # type: ignore[no-untyped-def]
    beat = beats.get(worker_id)
    if beat is None:
        return True
    same_host = beat.hostname == socket.gethostname() and beat.pid != os.getpid()
    if same_host and not _process_alive(beat.pid):
        return True
    return beat.last_seen < now - lease()


def recover_abandoned() -> int:
    """Put back in the queue the jobs whose worker died mid-job (or fail them: no tries left)."""
    now = timezone.now()
    running = list(DBTaskResult.objects.filter(status=RUNNING))
    if not running:
        return 0
    ids = {r.worker_ids[-1] for r in running if r.worker_ids}
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.filter(worker_id__in=ids)}
    recovered = 0
    for result in running:
        last = result.worker_ids[-1] if result.worker_ids else ""
        if not _worker_dead(last, beats, now):
            continue
        retry = retry_for(result.task_path)
        attempts = len(result.worker_ids)
        status = READY if attempts < retry.max_attempts else "FAILED"
        # Compare-and-set on the claim's time: two recovering workers put a job back once.
        recovered += DBTaskResult.objects.filter(
            pk=result.pk, status=RUNNING, started_at=result.started_at
        ).update(
            status=status,
            run_after=now,
            finished_at=None if status == READY else now,
            traceback=f"The worker {last} stopped during try {attempts}.",
        )
    WorkerHeartbeat.objects.filter(last_seen__lt=now - 10 * lease()).delete()
    return recovered


class Worker(DatabaseWorker):
    """django-tasks-db's worker, with retries, recovery of dead workers' jobs and schedules."""

    def __init__(self, *, schedules: bool = True, beat_seconds: float = 5.0, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(**kwargs)
        self.schedules = schedules
        self.beat_seconds = beat_seconds
        self._stop = threading.Event()

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "last_seen": now},
            create_defaults={
                "hostname": socket.gethostname(),
                "pid": os.getpid(),
                "last_seen": now,
                "started_at": now,
            },
        )

    def _beating(self) -> None:
        while not self._stop.wait(self.beat_seconds):
            try:
                self.beat()
                recover_abandoned()
                if self.schedules:
                    scheduled.enqueue_due()
            except Exception:  # a locked or restarting database: try again next beat
                log.warning("worker %s could not beat", self.worker_id, exc_info=True)
            finally:
                connection.close()

    def run(self) -> None:
        self.beat()
        recover_abandoned()
        if self.schedules:
            scheduled.enqueue_due()
        close_old_connections()
        beater = threading.Thread(target=self._beating, name="joinedup-beat", daemon=True)
        beater.start()
        try:
            super().run()
        finally:
            self._stop.set()
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one job; an unexpected failure is tried again later while tries are left."""
        try:
            self.running_task = True
            task = db_task_result.task
            result = db_task_result.task_result
            return_value = task.call(*result.args, **result.kwargs)
            db_task_result.set_successful(return_value)
        except Exception as error:
            self._failed(db_task_result, error)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _failed(self, db_task_result: DBTaskResult, error: Exception) -> None:
        retry = retry_for(db_task_result.task_path)
        attempts = len(db_task_result.worker_ids)
        log.warning("job %s failed (try %s of %s)", db_task_result.pk, attempts, retry.max_attempts)
        if attempts >= retry.max_attempts:
            db_task_result.set_failed(error)
            return
        with transaction.atomic():
            DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                status=READY,
                run_after=timezone.now() + retry.delay(attempts),
                exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
                traceback="".join(format_exception(error)),
            )
