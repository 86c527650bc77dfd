"""Durable background work: jobs are rows in the database (django-tasks with its database
backend), run by `joinedup worker` processes, retried with backoff when they fail unexpectedly.

Enqueue inside the write's transaction: the job's row commits (or rolls back) with the write,
so a worker never sees a job whose data is not there yet. Tests run jobs at once
(django-tasks' immediate backend; see tests/settings.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django_tasks import task

from joinedup.jobs.models import StoredUpload

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Retry:
    """How often a job is tried, and how long to wait before each new try (doubling)."""

    max_attempts: int = 5
    first_delay: timedelta = timedelta(seconds=30)
    longest_delay: timedelta = timedelta(hours=1)

    def delay(self, attempts_made: int) -> timedelta:
        return min(self.first_delay * (2 ** max(attempts_made - 1, 0)), self.longest_delay)


RETRIES: dict[str, Retry] = {}
DEFAULT_RETRY = Retry()


def job(*, retry: Retry = DEFAULT_RETRY, queue: str = "default") -> Callable[[F], Any]:
    """A background job: a django-tasks task with a retry policy the worker follows."""

    def decorate(function: F) -> Any:
        made = task(queue_name=queue)(function)
        RETRIES[made.module_path] = retry
        return made

    return decorate


def retry_for(task_path: str) -> Retry:
    return RETRIES.get(task_path, DEFAULT_RETRY)


def store_upload(*, name: str, data: bytes) -> StoredUpload:
    return StoredUpload.objects.create(name=name[:255], data=data)
