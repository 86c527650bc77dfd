"""Optimistic locking for casework records that carry a version column."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from pydantic import Field

from joinedup.errors import ApplicationError

M = TypeVar("M", bound=Model)


def lock_at_version(
    queryset: QuerySet[M], pk: Any, expected_version: int | None, *, changed: str
) -> M:
    """Re-read the row under lock; refuse (409, with `changed`) a save made from an older
    version, so the second of two people editing at once loses nothing but is told."""
    locked = queryset.select_for_update().get(pk=pk)
    if expected_version is not None and getattr(locked, "version") != expected_version:  # noqa: B009
        raise ApplicationError(changed, status=409)
    return locked


def version_field() -> Any:
    """An API body's `expected_version`: required wherever a change is locked, so that two
    clients writing at once cannot overwrite each other unknowingly."""
    return Field(description="The version you read (409 if it has changed since)")
