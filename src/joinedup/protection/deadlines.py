"""Statutory timescales of the child-protection path, on the front door's working calendar.

Working days come from the same calendar the front door counts its working hours on (weekends and
the partnership's bank holidays don't count), so both paths agree on what a working day is.
- Initial child protection conference: within 15 working days of the strategy discussion.
- First core group: within 10 working days of the initial conference.
- First review conference: within 3 months of the initial conference; then at most every 6 months.
  A review due on a day that is not a working day is due on the working day before it.
"""

from __future__ import annotations

import calendar as month_calendar
from datetime import date, timedelta

from joinedup.core import timescales
from joinedup.frontdoor import timeliness

ICPC_WORKING_DAYS = 15
CORE_GROUP_WORKING_DAYS = 10
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6


def working_calendar() -> timescales.WorkingCalendar:
    calendar, _ = timeliness.calendar_and_policy()
    return calendar


def add_working_days(calendar: timescales.WorkingCalendar, start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    day = start
    while days:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    return day


def working_days_between(calendar: timescales.WorkingCalendar, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when end is earlier."""
    if end < start:
        return -working_days_between(calendar, end, start)
    return sum(
        1
        for n in range(1, (end - start).days + 1)
        if calendar.is_working_day(start + timedelta(days=n))
    )


def add_months(start: date, months: int) -> date:
    """Calendar months later; the 31st becomes the month's last day where it has fewer."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, month_calendar.monthrange(year, month)[1]))


def on_or_before_working_day(calendar: timescales.WorkingCalendar, day: date) -> date:
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def icpc_due(calendar: timescales.WorkingCalendar, strategy_on: date) -> date:
    return add_working_days(calendar, strategy_on, ICPC_WORKING_DAYS)


def core_group_due(calendar: timescales.WorkingCalendar, icpc_on: date) -> date:
    return add_working_days(calendar, icpc_on, CORE_GROUP_WORKING_DAYS)


def review_due(calendar: timescales.WorkingCalendar, previous_on: date, *, first: bool) -> date:
    months = FIRST_REVIEW_MONTHS if first else LATER_REVIEW_MONTHS
    return on_or_before_working_day(calendar, add_months(previous_on, months))
