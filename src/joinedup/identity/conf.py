"""The linkage settings: thresholds, a saved model file, and the real-time matcher's limits.

Each is read from `settings.JOINEDUP["LINKAGE"]` when set there, otherwise from the
environment, otherwise the default. A value that cannot be used stops with a message naming it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# key in JOINEDUP["LINKAGE"] -> (environment variable, default)
SETTINGS: dict[str, tuple[str, Any]] = {
    "AUTOMATIC": ("JOINEDUP_LINK_AUTOMATIC", 0.9),
    "REVIEW": ("JOINEDUP_LINK_REVIEW", 0.5),
    "MODEL": ("JOINEDUP_LINK_MODEL", ""),
    "REALTIME_MAX_RECORDS": ("JOINEDUP_LINK_REALTIME_MAX", 2000),
    "INDEX_MAX_AGE": ("JOINEDUP_LINK_INDEX_SECONDS", 600),
}


@dataclass(frozen=True)
class Thresholds:
    """At or above `automatic`: linked; at or above `review`: the review queue; below: new."""

    automatic: float
    review: float

    def check(self, automatic_name: str = "automatic", review_name: str = "review") -> None:
        for name, value in ((automatic_name, self.automatic), (review_name, self.review)):
            if not 0.0 < value < 1.0:
                raise ValueError(f"{name} must be a probability between 0 and 1, e.g. 0.9")
        if self.review >= self.automatic:
            raise ValueError(
                f"{review_name} ({self.review}) must be below {automatic_name} ({self.automatic})"
            )


@dataclass(frozen=True)
class LinkageSettings:
    thresholds: Thresholds
    model_path: Path | None
    realtime_max_records: int
    index_max_age: float


def _raw(key: str) -> tuple[str, Any]:
    configured = getattr(settings, "JOINEDUP", {}).get("LINKAGE", {})
    env, default = SETTINGS[key]
    if key in configured:
        return f'JOINEDUP["LINKAGE"]["{key}"]', configured[key]
    return env, os.environ.get(env, default)


def _number(key: str, kind: type) -> Any:
    name, value = _raw(key)
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"{name}: {value!r} is not a number.") from None


def linkage_settings() -> LinkageSettings:
    automatic_name, _ = _raw("AUTOMATIC")
    review_name, _ = _raw("REVIEW")
    thresholds = Thresholds(_number("AUTOMATIC", float), _number("REVIEW", float))
    try:
        thresholds.check(automatic_name, review_name)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None
    model_name, model = _raw("MODEL")
    model_path = Path(model) if model else None
    if model_path is not None and not model_path.is_file():
        raise ImproperlyConfigured(f"{model_name}: {model_path} is not a file.")
    realtime_max = _number("REALTIME_MAX_RECORDS", int)
    max_age = _number("INDEX_MAX_AGE", float)
    if realtime_max < 0 or max_age <= 0:
        raise ImproperlyConfigured(
            "JOINEDUP_LINK_REALTIME_MAX must be 0 or more and "
            "JOINEDUP_LINK_INDEX_SECONDS more than 0."
        )
    return LinkageSettings(thresholds, model_path, realtime_max, max_age)
