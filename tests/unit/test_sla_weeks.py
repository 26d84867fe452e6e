"""ISO weeks in a tenant's time zone: round trips, DST-safe bounds, zones far from UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.periods import (
    day_of_week,
    format_week,
    next_week,
    parse_week,
    previous_week,
    week_bounds,
    week_of,
)

MICROSECOND = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
# Zones whose clocks move by whole hours (or not at all); the SLA's own examples.
HOUR_DST_ZONES = ["Pacific/Auckland", "America/Los_Angeles", "Europe/Oslo", "Asia/Shanghai", "UTC"]


def iso(day: date) -> str:
    """The week label written independently of the module under test."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


weeks = st.dates(date(1970, 1, 5), date(2100, 12, 20)).map(iso)
zones = st.timezone_keys(allow_prefix=False)
moments = st.datetimes(datetime(1971, 1, 1), datetime(2099, 12, 1), timezones=st.just(UTC))


# --- round trips ---------------------------------------------------------------------------


@given(weeks)
def test_parse_and_format_round_trip(week):
    assert format_week(*parse_week(week)) == week


@given(weeks)
def test_next_and_previous_week_are_inverse_and_seven_days_apart(week):
    assert previous_week(next_week(week)) == week
    monday = date.fromisocalendar(*parse_week(week), 1)
    assert next_week(week) == iso(monday + timedelta(days=7))


@given(moments, zones)
def test_a_moment_lies_inside_the_bounds_of_its_week(moment, zone):
    start, end = week_bounds(week_of(moment, zone), zone)
    assert start <= moment < end


# --- bounds --------------------------------------------------------------------------------


@given(weeks, zones)
def test_bounds_start_and_end_inside_the_week_and_touch_the_next(week, zone):
    start, end = week_bounds(week, zone)
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert week_of(start, zone) == week
    assert week_of(end - MICROSECOND, zone) == week
    assert week_of(start - MICROSECOND, zone) == previous_week(week)
    assert week_bounds(next_week(week), zone)[0] == end


@given(weeks, st.sampled_from(HOUR_DST_ZONES))
def test_a_week_is_seven_local_days_long(week, zone):
    start, end = week_bounds(week, zone)
    assert end - start in {167 * HOUR, 168 * HOUR, 169 * HOUR}
    local = start.astimezone(ZoneInfo(zone))
    assert (local.isoweekday(), local.hour, local.minute) == (1, 0, 0)


def length(week: str, zone: str) -> timedelta:
    start, end = week_bounds(week, zone)
    return end - start


def test_dst_weeks_are_an_hour_shorter_or_longer():
    # Oslo: clocks go forward on 29 March 2026 (W13) and back on 25 October 2026 (W43).
    assert length("2026-W13", "Europe/Oslo") == 167 * HOUR
    assert length("2026-W43", "Europe/Oslo") == 169 * HOUR
    assert length("2026-W44", "Europe/Oslo") == 168 * HOUR
    # Auckland's seasons are the other way round: forward on 27 September 2026 (W39).
    assert length("2026-W39", "Pacific/Auckland") == 167 * HOUR


def test_bounds_in_zones_far_from_utc():
    assert week_bounds("2026-W48", "Pacific/Auckland") == (
        datetime(2026, 11, 22, 11, 0, tzinfo=UTC),  # Monday 23 Nov 00:00 NZDT (+13)
        datetime(2026, 11, 29, 11, 0, tzinfo=UTC),
    )
    assert week_bounds("2026-W47", "America/Los_Angeles") == (
        datetime(2026, 11, 16, 8, 0, tzinfo=UTC),  # Monday 16 Nov 00:00 PST (-8)
        datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
    )


def test_the_same_moment_is_in_different_weeks_far_from_utc():
    moment = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert week_of(moment, "Pacific/Auckland") == "2026-W48"  # Monday 01:00
    assert week_of(moment, "America/Los_Angeles") == "2026-W47"  # Sunday 04:00
    assert week_of(moment, "UTC") == "2026-W47"
    assert day_of_week(moment, "2026-W48", "Pacific/Auckland") == 1
    assert day_of_week(moment, "2026-W47", "America/Los_Angeles") == 7


# --- ISO years -----------------------------------------------------------------------------


def test_week_53_and_the_turn_of_the_iso_year():
    assert parse_week("2026-W53") == (2026, 53)
    assert next_week("2026-W53") == "2027-W01"
    assert previous_week("2027-W01") == "2026-W53"
    assert next_week("2025-W52") == "2026-W01"
    # 1 January 2027 (a Friday) still belongs to 2026-W53; 29 December 2025 is already 2026-W01.
    assert week_of(datetime(2027, 1, 1, 12, tzinfo=UTC), "UTC") == "2026-W53"
    assert week_of(datetime(2025, 12, 29, 12, tzinfo=UTC), "UTC") == "2026-W01"


# --- day of the week -----------------------------------------------------------------------


@given(weeks, zones, st.integers(0, 7 * 24 * 60 - 1))
def test_day_of_week_counts_local_days_and_clamps_outside(week, zone, minutes):
    start, end = week_bounds(week, zone)
    moment = start + timedelta(minutes=minutes)
    if moment < end:
        assert day_of_week(moment, week, zone) == moment.astimezone(ZoneInfo(zone)).isoweekday()
    assert day_of_week(start - MICROSECOND, week, zone) == 0
    assert day_of_week(end, week, zone) == 7
    assert day_of_week(end + timedelta(days=30), week, zone) == 7


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-47", "write it like 2026-W47"),
        ("2026W47", "write it like 2026-W47"),
        ("26-W47", "write it like 2026-W47"),
        ("2026-W7", "write it like 2026-W47"),
        ("", "write it like 2026-W47"),
        ("2026-W00", "2026 has ISO weeks 1 to 53, not 0"),
        ("2025-W53", "2025 has ISO weeks 1 to 52, not 53"),
        ("0999-W10", "year 999 is out of range"),
    ],
)
def test_bad_weeks_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_week(text)


def test_bad_zone_and_naive_moment_are_refused():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        week_bounds("2026-W47", "Mars/Olympus")
    with pytest.raises(ValueError, match="has no time zone"):
        week_of(datetime(2026, 11, 22, 12), "UTC")
    with pytest.raises(ValueError, match="has no time zone"):
        day_of_week(datetime(2026, 11, 22, 12), "2026-W47", "UTC")
    with pytest.raises(ValueError, match="2026 has ISO weeks 1 to 53, not 54"):
        format_week(2026, 54)
