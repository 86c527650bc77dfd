"""Statutory timescales in working days, across weekends and bank holidays."""

from __future__ import annotations

from datetime import date

from joinedup.core.timescales import WorkingCalendar
from joinedup.protection import deadlines

ENGLAND = WorkingCalendar()


def test_icpc_within_15_working_days_skips_christmas_and_new_year():
    # Strategy discussion Monday 14 December 2026. Christmas Day (Fri 25), the Boxing Day
    # substitute (Mon 28) and New Year's Day (Fri 1 Jan) do not count, nor do weekends.
    assert deadlines.icpc_due(ENGLAND, date(2026, 12, 14)) == date(2027, 1, 7)


def test_icpc_without_holidays_is_three_working_weeks():
    assert deadlines.icpc_due(ENGLAND, date(2026, 11, 2)) == date(2026, 11, 23)


def test_icpc_across_easter():
    # Good Friday 3 April and Easter Monday 6 April 2026.
    assert deadlines.icpc_due(ENGLAND, date(2026, 3, 30)) == date(2026, 4, 22)


def test_scotland_counts_its_own_bank_holidays():
    scotland = WorkingCalendar(subdivision="SCT")
    # 2 January is a bank holiday in Scotland, not in England.
    assert deadlines.icpc_due(scotland, date(2026, 12, 14)) == date(2027, 1, 8)


def test_working_days_between_counts_after_start_up_to_end():
    assert deadlines.working_days_between(ENGLAND, date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert deadlines.working_days_between(ENGLAND, date(2026, 12, 29), date(2026, 12, 24)) == -1


def test_first_review_within_three_months_then_six():
    assert deadlines.review_due(ENGLAND, date(2025, 11, 21), first=True) == date(2026, 2, 20)
    assert deadlines.review_due(ENGLAND, date(2026, 2, 20), first=False) == date(2026, 8, 20)


def test_review_due_on_a_bank_holiday_is_due_the_working_day_before():
    # Three months after 31 May 2026 is Monday 31 August, the Summer bank holiday.
    assert deadlines.review_due(ENGLAND, date(2026, 5, 31), first=True) == date(2026, 8, 28)
    # A review due on Saturday 26 December 2026 is due on Thursday 24 December.
    assert deadlines.review_due(ENGLAND, date(2026, 6, 26), first=False) == date(2026, 12, 24)


def test_month_end_is_clamped():
    assert deadlines.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
