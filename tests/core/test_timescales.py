"""Front-door timescales: due dates and time left in working hours. No database needed."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.core.timescales import (
    Rating,
    TimescalePolicy,
    WorkingCalendar,
    add_working_hours,
    decided_within_timescale,
    due_at,
    queue_sort_key,
    time_left,
    working_hours_between,
)

LONDON = ZoneInfo("Europe/London")
ENGLAND = WorkingCalendar()
SCOTLAND = WorkingCalendar(subdivision="SCT")
DEFAULTS = TimescalePolicy()


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# --- The calendar -----------------------------------------------------------------------------


def test_the_default_calendar_is_england_office_hours_in_london_time():
    assert ENGLAND.day_start == time(9, 0)
    assert ENGLAND.day_end == time(17, 0)
    assert ENGLAND.working_weekdays == frozenset({0, 1, 2, 3, 4})
    assert ENGLAND.country == "GB"
    assert ENGLAND.subdivision == "ENG"
    assert ENGLAND.timezone == "Europe/London"


@pytest.mark.parametrize(
    "day",
    [date(2026, 4, 3), date(2026, 4, 6), date(2026, 12, 25), date(2026, 12, 28)],
    ids=["good-friday", "easter-monday", "christmas", "boxing-day-substitute"],
)
def test_england_bank_holidays_come_from_the_holidays_library(day):
    assert ENGLAND.is_holiday(day)
    assert not ENGLAND.is_working_day(day)


def test_weekends_are_not_working_days_and_ordinary_weekdays_are():
    assert not ENGLAND.is_working_day(date(2026, 1, 17))  # Saturday
    assert not ENGLAND.is_working_day(date(2026, 1, 18))  # Sunday
    assert ENGLAND.is_working_day(date(2026, 1, 19))


def test_scotland_has_its_own_bank_holidays():
    assert SCOTLAND.is_holiday(date(2026, 1, 2))
    assert not ENGLAND.is_holiday(date(2026, 1, 2))


def test_calendars_are_values_so_they_can_key_caches():
    assert WorkingCalendar(working_weekdays={0, 1, 2, 3, 4}) == ENGLAND  # type: ignore[arg-type]
    assert hash(WorkingCalendar()) == hash(ENGLAND)


# --- Due dates --------------------------------------------------------------------------------


def test_within_working_hours_the_clock_runs_straight_on():
    assert add_working_hours(ENGLAND, london(2026, 1, 14, 10), 4) == london(2026, 1, 14, 14)


def test_a_timescale_can_end_exactly_at_close_of_business():
    assert add_working_hours(ENGLAND, london(2026, 1, 14, 9), 8) == london(2026, 1, 14, 17)


def test_friday_afternoon_runs_over_the_weekend_to_monday():
    assert add_working_hours(ENGLAND, london(2026, 1, 16, 16), 4) == london(2026, 1, 19, 12)


def test_friday_before_a_bank_holiday_monday_is_due_on_tuesday():
    # Spring Bank Holiday: Monday 25 May 2026.
    assert add_working_hours(ENGLAND, london(2026, 5, 22, 16), 4) == london(2026, 5, 26, 12)


def test_easter_skips_good_friday_the_weekend_and_easter_monday():
    # Maundy Thursday 2 April 2026; Easter Monday is 6 April 2026.
    assert add_working_hours(ENGLAND, london(2026, 4, 2, 16), 4) == london(2026, 4, 7, 12)


def test_christmas_2026_skips_christmas_day_the_weekend_and_the_boxing_day_substitute():
    # Christmas Day is a Friday, Boxing Day a Saturday, so Monday 28 December is the substitute.
    assert add_working_hours(ENGLAND, london(2026, 12, 24, 16), 4) == london(2026, 12, 29, 12)
    assert add_working_hours(ENGLAND, london(2026, 12, 24, 9), 24) == london(2026, 12, 30, 17)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (london(2026, 1, 14, 2), london(2026, 1, 14, 13)),  # small hours: from 09:00
        (london(2026, 1, 14, 8, 59), london(2026, 1, 14, 13)),
        (london(2026, 1, 14, 17), london(2026, 1, 15, 13)),  # at close: from tomorrow
        (london(2026, 1, 14, 18, 30), london(2026, 1, 15, 13)),
        (london(2026, 1, 17, 11), london(2026, 1, 19, 13)),  # Saturday: from Monday 09:00
        (london(2026, 1, 18, 23, 59), london(2026, 1, 19, 13)),  # Sunday night
    ],
)
def test_out_of_hours_requests_count_from_the_next_working_moment(received, due):
    assert add_working_hours(ENGLAND, received, 4) == due


def test_zero_hours_is_due_at_once():
    received = london(2026, 1, 17, 11)
    assert add_working_hours(ENGLAND, received, 0) == received


def test_any_positive_timescale_waits_for_the_clock_to_start():
    assert add_working_hours(ENGLAND, london(2026, 1, 17, 11), 1e-12) == london(2026, 1, 19, 9)


def test_fractions_of_an_hour_count():
    assert add_working_hours(ENGLAND, london(2026, 1, 14, 16), 1.5) == london(2026, 1, 15, 9, 30)


def test_a_due_date_is_given_in_the_calendars_timezone_whatever_the_input():
    received = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 09:00 BST
    due = add_working_hours(ENGLAND, received, 4)
    assert due == london(2026, 7, 1, 13)
    assert due.tzinfo == LONDON


# --- The clocks changing ----------------------------------------------------------------------


def test_clocks_going_forward_over_the_weekend_keep_office_hours_on_the_wall_clock():
    # Clocks go forward on Sunday 29 March 2026: Friday is GMT, Monday is BST.
    due = add_working_hours(ENGLAND, london(2026, 3, 27, 16), 4)
    assert due == london(2026, 3, 30, 12)
    assert due.utcoffset() == timedelta(hours=1)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 11, 0, tzinfo=UTC)


def test_clocks_going_back_over_the_weekend_keep_office_hours_on_the_wall_clock():
    # Clocks go back on Sunday 25 October 2026: Friday is BST, Monday is GMT.
    due = add_working_hours(ENGLAND, london(2026, 10, 23, 16), 4)
    assert due == london(2026, 10, 26, 12)
    assert due.utcoffset() == timedelta(0)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("friday", "monday"),
    [
        (london(2026, 3, 27, 9), london(2026, 3, 30, 17)),
        (london(2026, 10, 23, 9), london(2026, 10, 26, 17)),
    ],
    ids=["spring", "autumn"],
)
def test_a_weekend_with_a_clock_change_still_holds_two_whole_working_days(friday, monday):
    assert working_hours_between(ENGLAND, friday, monday) == pytest.approx(16)


def test_a_window_spanning_the_change_is_an_hour_shorter_or_longer_as_worked():
    night_shift = WorkingCalendar(
        day_start=time(0, 0), day_end=time(12, 0), working_weekdays=frozenset(range(7))
    )
    spring, autumn = date(2026, 3, 29), date(2026, 10, 25)
    assert working_hours_between(night_shift, london(2026, 3, 29), london(2026, 3, 30)) == 11
    assert working_hours_between(night_shift, london(2026, 10, 25), london(2026, 10, 26)) == 13
    assert add_working_hours(night_shift, london(2026, 3, 29), 11) == london(2026, 3, 29, 12)
    assert not night_shift.is_holiday(spring) and not night_shift.is_holiday(autumn)


# --- Working hours between --------------------------------------------------------------------


def test_working_hours_between_counts_only_working_windows():
    assert working_hours_between(ENGLAND, london(2026, 1, 16, 16), london(2026, 1, 19, 12)) == 4
    assert working_hours_between(ENGLAND, london(2026, 1, 17, 0), london(2026, 1, 19, 0)) == 0
    assert working_hours_between(ENGLAND, london(2026, 1, 14, 18), london(2026, 1, 14, 23)) == 0


def test_working_hours_between_is_negative_backwards():
    assert working_hours_between(ENGLAND, london(2026, 1, 19, 12), london(2026, 1, 16, 16)) == -4


def test_a_whole_year_in_england_2026_has_253_working_days():
    hours = working_hours_between(ENGLAND, london(2026, 1, 1), london(2027, 1, 1))
    assert hours == 253 * 8


def test_spans_across_years_add_up():
    hours = working_hours_between(ENGLAND, london(2025, 12, 31, 16), london(2027, 1, 4, 10))
    assert hours == 1 + 253 * 8 + 1


# --- Ratings, policy, due and time left -------------------------------------------------------


def test_ratings_have_labels_and_an_order_of_urgency():
    assert [rating.label for rating in Rating] == ["Red", "Amber", "Green", "Blue"]
    assert [rating.urgency for rating in Rating] == [0, 1, 2, 3]
    assert Rating.choices()[0] == ("red", "Red")
    assert Rating("amber") is Rating.AMBER


def test_the_default_policy():
    assert [DEFAULTS.hours_for(rating) for rating in Rating] == [4, 24, 72, None]


@pytest.mark.parametrize(
    ("rating", "due"),
    [
        (Rating.RED, london(2026, 1, 14, 14)),
        (Rating.AMBER, london(2026, 1, 19, 10)),  # 24 hours: three working days
        (Rating.GREEN, london(2026, 1, 27, 10)),  # 72 hours: nine working days
        (Rating.BLUE, None),
    ],
)
def test_due_at_follows_the_policy(rating, due):
    assert due_at(DEFAULTS, ENGLAND, rating, london(2026, 1, 14, 10)) == due


def test_timescales_are_configurable_per_partnership():
    policy = TimescalePolicy(red=2, amber=8, green=16, blue=40)
    long_day = WorkingCalendar(day_start=time(8, 30), day_end=time(18, 0))
    received = london(2026, 1, 14, 17)
    assert due_at(policy, long_day, Rating.RED, received) == london(2026, 1, 15, 9, 30)
    assert due_at(policy, long_day, Rating.BLUE, received) is not None


def test_a_scottish_partnership_does_not_work_on_2_january():
    received = london(2025, 12, 31, 16)  # 1 January is a holiday in both
    assert due_at(DEFAULTS, ENGLAND, Rating.RED, received) == london(2026, 1, 2, 12)
    assert due_at(DEFAULTS, SCOTLAND, Rating.RED, received) == london(2026, 1, 5, 12)


def test_blue_has_no_deadline():
    received = london(2026, 1, 14, 10)
    assert due_at(DEFAULTS, ENGLAND, Rating.BLUE, received) is None
    assert time_left(DEFAULTS, ENGLAND, Rating.BLUE, received, london(2027, 1, 1)) is None
    assert decided_within_timescale(DEFAULTS, ENGLAND, Rating.BLUE, received, received) is None


def test_time_left_counts_down_in_working_hours():
    received = london(2026, 1, 16, 15)  # red: due Monday 11:00
    assert time_left(DEFAULTS, ENGLAND, Rating.RED, received, london(2026, 1, 16, 16)) == 3
    assert time_left(DEFAULTS, ENGLAND, Rating.RED, received, london(2026, 1, 17, 12)) == 2


def test_time_left_goes_negative_when_overdue():
    received = london(2026, 1, 12, 9)  # Monday: red due 13:00
    assert time_left(DEFAULTS, ENGLAND, Rating.RED, received, london(2026, 1, 12, 15)) == -2
    # Overdue time stops growing out of hours, and starts again next morning.
    assert time_left(DEFAULTS, ENGLAND, Rating.RED, received, london(2026, 1, 12, 22)) == -4
    assert time_left(DEFAULTS, ENGLAND, Rating.RED, received, london(2026, 1, 13, 10)) == -5


def test_decided_within_timescale_includes_the_due_moment_itself():
    received = london(2026, 1, 12, 9)
    due = london(2026, 1, 12, 13)
    assert decided_within_timescale(DEFAULTS, ENGLAND, Rating.RED, received, due) is True
    late = due + timedelta(microseconds=1)
    assert decided_within_timescale(DEFAULTS, ENGLAND, Rating.RED, received, late) is False


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_puts_urgency_first_then_the_earliest_due():
    now = london(2026, 1, 14, 12)
    requests = [
        ("blue", Rating.BLUE, None),
        ("green overdue", Rating.GREEN, london(2026, 1, 13, 12)),
        ("amber later", Rating.AMBER, london(2026, 1, 16, 12)),
        ("red later", Rating.RED, london(2026, 1, 14, 16)),
        ("amber overdue", Rating.AMBER, london(2026, 1, 14, 9)),
        ("red overdue", Rating.RED, london(2026, 1, 14, 11)),
        ("amber sooner", Rating.AMBER, london(2026, 1, 15, 12)),
    ]
    ordered = sorted(requests, key=lambda request: queue_sort_key(request[1], request[2], now))
    assert [name for name, _, _ in ordered] == [
        "red overdue",
        "red later",
        "amber overdue",
        "amber sooner",
        "amber later",
        "green overdue",
        "blue",
    ]


def test_a_rating_without_a_deadline_sorts_last_within_its_rating():
    now = london(2026, 1, 14, 12)
    assert queue_sort_key(Rating.RED, None, now) == (0, math.inf)
    assert queue_sort_key(Rating.RED, now, now) < queue_sort_key(Rating.RED, None, now)


def test_queue_keys_do_not_depend_on_the_timezone_of_the_due_date():
    now = london(2026, 7, 1, 12)
    due = london(2026, 7, 1, 13)
    assert queue_sort_key(Rating.RED, due, now) == queue_sort_key(
        Rating.RED, due.astimezone(UTC), now
    )
    assert queue_sort_key(Rating.RED, due, now) == (0, 3600.0)


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [-1, -0.001, math.nan, math.inf, 10**9])
def test_impossible_hours_are_refused(hours):
    with pytest.raises(ValueError, match="hours must be"):
        add_working_hours(ENGLAND, london(2026, 1, 14, 10), hours)


def test_naive_datetimes_are_refused_not_guessed_at():
    naive = datetime(2026, 1, 14, 10)
    aware = london(2026, 1, 14, 10)
    with pytest.raises(ValueError, match="start must be a timezone-aware datetime"):
        add_working_hours(ENGLAND, naive, 4)
    with pytest.raises(ValueError, match="end must be a timezone-aware datetime"):
        working_hours_between(ENGLAND, aware, naive)
    with pytest.raises(ValueError, match="received_at must be a timezone-aware datetime"):
        due_at(DEFAULTS, ENGLAND, Rating.BLUE, naive)
    with pytest.raises(ValueError, match="now must be a timezone-aware datetime"):
        time_left(DEFAULTS, ENGLAND, Rating.RED, aware, naive)
    with pytest.raises(ValueError, match="decided_at must be a timezone-aware datetime"):
        decided_within_timescale(DEFAULTS, ENGLAND, Rating.RED, aware, naive)
    with pytest.raises(ValueError, match="due_at must be a timezone-aware datetime"):
        queue_sort_key(Rating.RED, naive, aware)


def test_a_date_is_not_a_datetime():
    with pytest.raises(ValueError, match="start must be a datetime, not date"):
        add_working_hours(ENGLAND, date(2026, 1, 14), 4)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings_", "message"),
    [
        ({"day_start": time(17), "day_end": time(9)}, "day_end .17:00|09:00. must be later"),
        ({"day_start": time(9), "day_end": time(9)}, "must be later than day_start"),
        ({"working_weekdays": frozenset()}, "at least one day"),
        ({"working_weekdays": frozenset({1, 7})}, "0 .Monday. to 6 .Sunday."),
        ({"timezone": "Europe/Atlantis"}, "Unknown timezone 'Europe/Atlantis'"),
        ({"country": "XX"}, "No bank holidays are known for country 'XX'"),
        ({"subdivision": "ZZZ"}, "subdivision 'ZZZ'"),
        ({"day_start": time(9, tzinfo=UTC)}, "without tzinfo"),
    ],
)
def test_a_misconfigured_calendar_is_refused(settings_, message):
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(**settings_)


@pytest.mark.parametrize("hours", [-4, math.nan, math.inf])
def test_a_misconfigured_policy_is_refused(hours):
    with pytest.raises(ValueError, match="The Amber timescale is invalid: hours must be"):
        TimescalePolicy(amber=hours)


# --- Properties -------------------------------------------------------------------------------

ZONES = st.sampled_from([LONDON, UTC, ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")])
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=ZONES,
    allow_imaginary=False,
)
HOURS = st.floats(min_value=0, max_value=400, allow_nan=False, allow_infinity=False)
CALENDARS = st.sampled_from(
    [
        ENGLAND,
        SCOTLAND,
        WorkingCalendar(day_start=time(7, 45), day_end=time(19, 15), subdivision="WLS"),
        WorkingCalendar(
            day_start=time(0, 30), day_end=time(23, 30), working_weekdays=frozenset(range(7))
        ),
    ]
)
PROPERTIES = settings(max_examples=300, deadline=None)


@PROPERTIES
@given(calendar=CALENDARS, start=MOMENTS, hours=HOURS)
def test_the_working_hours_to_a_due_date_are_its_timescale(calendar, start, hours):
    due = add_working_hours(calendar, start, hours)
    assert due >= start
    assert working_hours_between(calendar, start, due) == pytest.approx(hours, abs=1e-9)


@PROPERTIES
@given(calendar=CALENDARS, start=MOMENTS, hours=HOURS.filter(lambda hours: hours > 0))
def test_a_due_date_always_falls_inside_a_working_window(calendar, start, hours):
    due = add_working_hours(calendar, start, hours)
    local = due.astimezone(calendar.zone)
    assert calendar.is_working_day(local.date())
    assert calendar.day_start <= local.time() <= calendar.day_end


@PROPERTIES
@given(calendar=CALENDARS, start=MOMENTS, hours=st.tuples(HOURS, HOURS).map(sorted))
def test_more_hours_are_never_due_sooner(calendar, start, hours):
    fewer, more = hours
    assert add_working_hours(calendar, start, fewer) <= add_working_hours(calendar, start, more)


@PROPERTIES
@given(calendar=CALENDARS, moments=st.tuples(MOMENTS, MOMENTS).map(sorted), hours=HOURS)
def test_a_later_request_is_never_due_sooner(calendar, moments, hours):
    earlier, later = moments
    assert add_working_hours(calendar, earlier, hours) <= add_working_hours(calendar, later, hours)


@PROPERTIES
@given(calendar=CALENDARS, moments=st.tuples(MOMENTS, MOMENTS, MOMENTS).map(sorted))
def test_working_hours_add_up_and_reverse(calendar, moments):
    first, middle, last = moments
    whole = working_hours_between(calendar, first, last)
    parts = working_hours_between(calendar, first, middle) + working_hours_between(
        calendar, middle, last
    )
    assert whole == pytest.approx(parts, abs=1e-9)
    assert 0 <= working_hours_between(calendar, first, middle) <= whole + 1e-9
    assert working_hours_between(calendar, last, first) == -whole


@PROPERTIES
@given(start=MOMENTS, end=MOMENTS)
def test_working_hours_never_exceed_the_real_time_elapsed(start, end):
    elapsed = abs((end - start).total_seconds()) / 3600
    assert abs(working_hours_between(ENGLAND, start, end)) <= elapsed + 1e-9
