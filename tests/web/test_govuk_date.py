"""Dates as GOV.UK writes them, the same as Django's own formatter would write them."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone
from django.utils.dateformat import format as date_format
from hypothesis import given
from hypothesis import strategies as st

from joinedup.web.templatetags.joinedup import govuk_date


def test_dates_and_times_read_as_gov_uk_writes_them() -> None:
    assert govuk_date(date(2026, 3, 4)) == "4 March 2026"
    assert govuk_date(datetime(2026, 1, 5, 14, 30, tzinfo=UTC)) == "5 January 2026 at 2:30pm"
    # British Summer Time: 23:15 UTC on 30 June is 12:15am on 1 July in London.
    assert govuk_date(datetime(2026, 6, 30, 23, 15, tzinfo=UTC)) == "1 July 2026 at 12:15am"
    assert govuk_date(datetime(2026, 12, 1, 12, 0, tzinfo=UTC)) == "1 December 2026 at 12pm"
    assert govuk_date(None) == "" and govuk_date("") == ""


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1)))
def test_the_same_as_django_formats_it(moment: datetime) -> None:
    aware = moment.replace(tzinfo=UTC)
    local = timezone.localtime(aware)
    clock = date_format(local, "g:i").replace(":00", "") + date_format(local, "A").lower()
    assert govuk_date(aware) == f"{date_format(local, 'j F Y')} at {clock}"
    assert govuk_date(moment.date() + timedelta(days=1)) == date_format(
        moment.date() + timedelta(days=1), "j F Y"
    )
