"""Front-door timescales: when a rated request for support is due, and how much time is left.

Pure Python, no Django, so the queue, the timeliness figures and the tests share one answer.

Working time is the real time that passes inside a calendar's working windows. Each working day
has one window, from ``day_start`` to ``day_end`` local wall-clock time; weekends, bank holidays
(from the ``holidays`` package, never a hand-kept list) and out-of-hours don't count. Arithmetic
is done between the windows' real (UTC) instants, so the clocks changing is handled: a window
that spans a change is an hour shorter or longer, as it is for the people working it, and a
request raised on a Friday in GMT is due on the Monday at the right BST wall-clock time.

Results are timezone-aware datetimes in the calendar's timezone; inputs may be in any timezone
(the database hands back UTC), but naive datetimes are refused rather than guessed at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "Rating",
    "TimescalePolicy",
    "WorkingCalendar",
    "add_working_hours",
    "decided_within_timescale",
    "due_at",
    "queue_sort_key",
    "time_left",
    "working_hours_between",
]

# A guard against a mistyped configuration (e.g. minutes entered as hours), not a business
# rule: ten years of round-the-clock time is far beyond any front-door timescale.
MAX_HOURS = 24 * 366 * 10

_ONE_DAY = timedelta(days=1)
_MICROSECONDS_PER_HOUR = 3_600_000_000
_NOTHING = timedelta(0)


# --- The working calendar ---------------------------------------------------------------------


@lru_cache(maxsize=256)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """One year's public holidays, built once per (country, subdivision, year)."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@dataclass(frozen=True)
class WorkingCalendar:
    """When the front door is working: one partnership's hours, days, bank holidays and clock.

    ``working_weekdays`` uses Python's numbering (Monday is 0, Sunday is 6). ``subdivision``
    is the ``holidays`` package's code (ENG, SCT, WLS, NIR for GB) or None for the country's
    national holidays only. ``day_end`` must be later than ``day_start`` on the same day.
    """

    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    country: str = "GB"
    subdivision: str | None = "ENG"
    timezone: str = "Europe/London"

    def __post_init__(self) -> None:
        # Accept any iterable of weekdays but keep the calendar hashable (it keys caches).
        object.__setattr__(self, "working_weekdays", frozenset(self.working_weekdays))
        self._check_hours()
        self._check_weekdays()
        self._check_timezone()
        self._check_holidays()

    def _check_hours(self) -> None:
        if self.day_start.tzinfo is not None or self.day_end.tzinfo is not None:
            raise ValueError("day_start and day_end must be local wall-clock times, without tzinfo")
        if self.day_end <= self.day_start:
            raise ValueError(
                f"day_end ({self.day_end:%H:%M}) must be later than day_start "
                f"({self.day_start:%H:%M}) on the same day"
            )

    def _check_weekdays(self) -> None:
        if not self.working_weekdays:
            raise ValueError("working_weekdays must name at least one day (Monday is 0)")
        if not self.working_weekdays <= set(range(7)):
            raise ValueError(
                f"working_weekdays must be numbers 0 (Monday) to 6 (Sunday), "
                f"not {sorted(self.working_weekdays)}"
            )

    def _check_timezone(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"Unknown timezone {self.timezone!r}") from error

    def _check_holidays(self) -> None:
        try:
            _holiday_dates(self.country, self.subdivision, 2000)
        except NotImplementedError as error:
            raise ValueError(
                f"No bank holidays are known for country {self.country!r}, "
                f"subdivision {self.subdivision!r}: {error}"
            ) from error

    @cached_property
    def zone(self) -> ZoneInfo:
        """The calendar's timezone (cached: it is read once per day stepped over)."""
        return ZoneInfo(self.timezone)

    def is_holiday(self, day: date) -> bool:
        """Whether a local date is a public holiday here (bank holidays and substitute days)."""
        return day in _holiday_dates(self.country, self.subdivision, day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_weekdays and not self.is_holiday(day)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """A local date's working window as UTC instants, or None when it is not a working day."""
        return _window(self, day)


@lru_cache(maxsize=16_384)
def _window(calendar: WorkingCalendar, day: date) -> tuple[datetime, datetime] | None:
    # Cached because every due date steps over the same few weeks of days.
    if not calendar.is_working_day(day):
        return None
    opens = datetime.combine(day, calendar.day_start, tzinfo=calendar.zone).astimezone(UTC)
    closes = datetime.combine(day, calendar.day_end, tzinfo=calendar.zone).astimezone(UTC)
    return opens, closes


# --- Working-time arithmetic ------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime; got the naive {value.isoformat()}"
        )


def _require_hours(hours: float) -> None:
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        raise ValueError(f"hours must be a number, not {type(hours).__name__}")
    if not math.isfinite(hours) or hours < 0:
        raise ValueError(f"hours must be zero or more working hours; got {hours}")
    if hours > MAX_HOURS:
        raise ValueError(f"hours must be at most {MAX_HOURS}; got {hours}")


def add_working_hours(calendar: WorkingCalendar, start: datetime, hours: float) -> datetime:
    """The earliest moment by which ``hours`` of working time have passed since ``start``.

    The clock starts at the next working moment: a request raised at 02:00 counts from 09:00,
    one raised on a Saturday from Monday 09:00. Zero hours is due at ``start`` itself. Steps a
    day at a time, never an hour at a time.
    """
    _require_aware(start, "start")
    _require_hours(hours)
    cursor = start.astimezone(UTC)
    if hours == 0:
        return cursor.astimezone(calendar.zone)
    # Any positive timescale, however small, waits for the clock to start.
    remaining = timedelta(hours=hours)
    day = start.astimezone(calendar.zone).date()
    while True:
        window = calendar.window(day)
        if window is not None:
            cursor = max(cursor, window[0])
            available = window[1] - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(calendar.zone)
            remaining -= max(available, _NOTHING)
        day += _ONE_DAY


def working_hours_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> float:
    """Working hours from ``start`` to ``end``; negative when ``end`` is before ``start``.

    The sign lets "time left" go below zero once a request is overdue. Costs the same for a
    span of years as of a day: whole days come from cached per-year running totals.
    """
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        # "or 0.0" so an empty span backwards reads 0.0, never -0.0, on a page.
        return -working_hours_between(calendar, end, start) or 0.0
    low, high = start.astimezone(UTC), end.astimezone(UTC)
    first = start.astimezone(calendar.zone).date()
    last = end.astimezone(calendar.zone).date()
    # Every window from the first day to the last, less what falls before start and after end.
    total = _whole_days(calendar, first, last + _ONE_DAY)
    if (window := calendar.window(first)) is not None:
        total -= _micro(_clamp(low - window[0], window[1] - window[0]))
    if (window := calendar.window(last)) is not None:
        total -= _micro(_clamp(window[1] - high, window[1] - window[0]))
    return total / _MICROSECONDS_PER_HOUR


def _clamp(span: timedelta, longest: timedelta) -> timedelta:
    return min(max(span, _NOTHING), longest)


def _micro(span: timedelta) -> int:
    # Whole microseconds keep the running totals exact; floats would drift over a year.
    return (span.days * 86_400 + span.seconds) * 1_000_000 + span.microseconds


def _whole_days(calendar: WorkingCalendar, first: date, stop: date) -> int:
    """Working microseconds in the windows of the days from ``first`` up to, not including,
    ``stop``."""
    if first.year == stop.year:
        totals = _running_totals(calendar, first.year)
        return totals[_day_of_year(stop)] - totals[_day_of_year(first)]
    opening = _running_totals(calendar, first.year)
    total = opening[-1] - opening[_day_of_year(first)]
    for year in range(first.year + 1, stop.year):
        total += _running_totals(calendar, year)[-1]
    return total + _running_totals(calendar, stop.year)[_day_of_year(stop)]


def _day_of_year(day: date) -> int:
    return day.toordinal() - date(day.year, 1, 1).toordinal()


@lru_cache(maxsize=128)
def _running_totals(calendar: WorkingCalendar, year: int) -> tuple[int, ...]:
    """Working microseconds before each day of a year; the last entry is the whole year's."""
    totals = [0]
    day = date(year, 1, 1)
    while day.year == year:
        window = calendar.window(day)
        totals.append(totals[-1] + (_micro(window[1] - window[0]) if window else 0))
        day += _ONE_DAY
    return tuple(totals)


# --- Ratings and timescales -------------------------------------------------------------------


class Rating(StrEnum):
    """How urgently the front door must decide on a request for support."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    BLUE = "blue"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def urgency(self) -> int:
        """0 for the most urgent (red) to 3 for the least (blue)."""
        return _URGENCY[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, label) pairs, most urgent first, for a model field or a form."""
        return [(rating.value, rating.label) for rating in cls]


_URGENCY = {rating: position for position, rating in enumerate(Rating)}


@dataclass(frozen=True)
class TimescalePolicy:
    """Working hours allowed to decide on a request, per rating; None means no deadline.

    Configurable per partnership. The defaults: red 4, amber 24, green 72 working hours; blue
    needs no multi-agency response, so it has no deadline.
    """

    red: float | None = 4
    amber: float | None = 24
    green: float | None = 72
    blue: float | None = None

    def __post_init__(self) -> None:
        for rating in Rating:
            hours = self.hours_for(rating)
            if hours is not None:
                try:
                    _require_hours(hours)
                except ValueError as error:
                    raise ValueError(f"The {rating.label} timescale is invalid: {error}") from None

    def hours_for(self, rating: Rating) -> float | None:
        hours: float | None = getattr(self, Rating(rating).value)
        return hours


def due_at(
    policy: TimescalePolicy, calendar: WorkingCalendar, rating: Rating, received_at: datetime
) -> datetime | None:
    """When a decision on a request is due, or None when its rating has no deadline."""
    _require_aware(received_at, "received_at")
    hours = policy.hours_for(rating)
    if hours is None:
        return None
    return add_working_hours(calendar, received_at, hours)


def time_left(
    policy: TimescalePolicy,
    calendar: WorkingCalendar,
    rating: Rating,
    received_at: datetime,
    now: datetime,
) -> float | None:
    """Working hours until the decision is due: negative once overdue, None with no deadline."""
    _require_aware(now, "now")
    due = due_at(policy, calendar, rating, received_at)
    if due is None:
        return None
    return working_hours_between(calendar, now, due)


def decided_within_timescale(
    policy: TimescalePolicy,
    calendar: WorkingCalendar,
    rating: Rating,
    received_at: datetime,
    decided_at: datetime,
) -> bool | None:
    """For timeliness figures: decided no later than due? None when there is no timescale.

    A decision made exactly at the due moment counts as within timescale.
    """
    _require_aware(decided_at, "decided_at")
    due = due_at(policy, calendar, rating, received_at)
    if due is None:
        return None
    return decided_at <= due


def queue_sort_key(rating: Rating, due_at: datetime | None, now: datetime) -> tuple[int, float]:
    """Sort key for the front-door queue: ``sorted(requests, key=...)`` puts the next one first.

    Urgency first: every red before any amber, before green, before blue, even when a less
    urgent request is overdue, because red means a child may be at risk of harm now. Within a
    rating, the earliest due first, so overdue requests lead their rating, the most overdue
    first. Requests without a deadline come last in their rating; ties keep their input order
    (Python's sort is stable), so pass requests oldest first.

    The second element is real seconds until due (negative when overdue), not working hours:
    it orders the same way but never ties two requests falling due in the same weekend.
    """
    _require_aware(now, "now")
    if due_at is None:
        return (Rating(rating).urgency, math.inf)
    _require_aware(due_at, "due_at")
    return (Rating(rating).urgency, (due_at - now).total_seconds())
