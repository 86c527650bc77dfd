"""What the background workers keep beside django-tasks' queue: who is alive, what is scheduled,
and the files a job still has to read."""

from __future__ import annotations

from django.db import models


class WorkerHeartbeat(models.Model):
    """A running `joinedup worker`: a task whose worker stopped beating is run again."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class Schedule(models.Model):
    """One piece of scheduled work; the worker that moves `next_run_at` on enqueues it, once."""

    name = models.CharField(max_length=60, primary_key=True)
    next_run_at = models.DateTimeField()
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class StoredUpload(models.Model):
    """An uploaded file waiting for its job: jobs' arguments are JSON, so the bytes live here."""

    name = models.CharField(max_length=255)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
