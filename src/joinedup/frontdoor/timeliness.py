"""The partnership's timescales, read from its front-door settings."""

from __future__ import annotations

from datetime import datetime

from joinedup.core import timescales
from joinedup.frontdoor.models import FrontDoorSettings


def front_door_settings() -> FrontDoorSettings:
    settings, _ = FrontDoorSettings.objects.get_or_create(pk=1)
    return settings


def calendar_and_policy(
    settings: FrontDoorSettings | None = None,
) -> tuple[timescales.WorkingCalendar, timescales.TimescalePolicy]:
    s = settings or front_door_settings()
    calendar = timescales.WorkingCalendar(
        day_start=_as_time(s.working_day_start),
        day_end=_as_time(s.working_day_end),
        subdivision=s.holidays_subdivision,
    )
    policy = timescales.TimescalePolicy(red=s.red_hours, amber=s.amber_hours, green=s.green_hours)
    return calendar, policy


def _as_time(value):  # type: ignore[no-untyped-def]
    if isinstance(value, str):  # an unsaved default
        return datetime.strptime(value, "%H:%M").time()
    return value


def due_at(rating: str, received_at: datetime) -> datetime | None:
    calendar, policy = calendar_and_policy()
    return timescales.due_at(policy, calendar, timescales.Rating(rating), received_at)


def working_hours_left(rating: str, received_at: datetime, now: datetime) -> float | None:
    calendar, policy = calendar_and_policy()
    return timescales.time_left(policy, calendar, timescales.Rating(rating), received_at, now)
