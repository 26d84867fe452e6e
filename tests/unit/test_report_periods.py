"""Report periods: ISO weeks, months and ranges of local days, as UTC bounds in the tenant's zone."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.periods import PeriodError, parse_period, previous, weeks_overlapping

OSLO = ZoneInfo("Europe/Oslo")


def test_an_iso_week_in_the_tenants_zone():
    week = parse_period("2026-W47", OSLO)
    assert (week.first, week.last) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week.bounds.start == datetime(2026, 11, 15, 23, tzinfo=timezone.utc)
    assert week.key == "2026-W47"


def test_a_month_across_the_dst_change():
    october = parse_period("2026-10", OSLO)
    assert october.bounds.start == datetime(2026, 9, 30, 22, tzinfo=timezone.utc)  # UTC+2
    assert october.bounds.end == datetime(2026, 10, 31, 23, tzinfo=timezone.utc)  # UTC+1
    assert october.label == "October 2026"


def test_a_range_of_days_both_included():
    found = parse_period("2026-11-03..2026-11-20", OSLO)
    assert found.days == 18 and found.key == "2026-11-03..2026-11-20"


@pytest.mark.parametrize("text, message", [
    ("2026-W54", "2026 has no ISO week 54"),
    ("2026-00", "there is no month 00"),
    ("2026-11-20..2026-11-03", "ends before it starts"),
    ("2026-02-30..2026-03-01", "is not a date"),
    ("1066-10", "between 1990 and 2100"),
    ("last month", "is not a period"),
])
def test_clear_errors(text, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(text, OSLO)


@given(st.dates(min_value=date(1991, 1, 1), max_value=date(2099, 12, 31)))
def test_previous_periods_touch(day):
    for text in (f"{day:%G-W%V}", f"{day:%Y-%m}", f"{day.isoformat()}..{day.isoformat()}"):
        period = parse_period(text, OSLO)
        before = previous(period, OSLO)
        assert before.bounds.end == period.bounds.start
        assert before.kind == period.kind
        assert parse_period(period.key, OSLO) == period


def test_weeks_overlapping_a_month():
    weeks = weeks_overlapping(date(2026, 10, 1), date(2026, 10, 31), OSLO)
    assert [w.key for w in weeks] == ["2026-W40", "2026-W41", "2026-W42", "2026-W43", "2026-W44"]
