"""The two expected failures every layer understands."""

from __future__ import annotations


class ApplicationError(Exception):
    """Bad input or a refused change: shown to the user, naming the field where there is one."""

    status = 422  # unprocessable input; 409 for a conflict with the record's current state

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class NotFound(Exception):
    """Missing, or not yours to see. Security: both answer the same, so nothing leaks."""
