"""Which month an ISO week belongs to: the month of its Thursday (the ISO rule), so no week counts twice."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.periods import month_of_week, month_period, thursday, weeks_belonging

ZONE = "Europe/Oslo"
months = st.tuples(st.integers(1995, 2095), st.integers(1, 12))


def test_a_week_across_a_month_edge_belongs_to_the_month_of_its_thursday():
    # W49 runs Monday 30 November to Sunday 6 December 2026: Thursday 3 December.
    assert thursday("2026-W49") == date(2026, 12, 3)
    assert month_of_week("2026-W49") == "2026-12"
    # W44 runs 26 October to 1 November: Thursday 29 October.
    assert month_of_week("2026-W44") == "2026-10"
    # W53 of 2026 ends on 3 January 2027 and still belongs to December.
    assert month_of_week("2026-W53") == "2026-12"
    assert month_of_week("2027-W01") == "2027-01"


def test_the_weeks_of_november_and_december_2026():
    november = month_period(2026, 11, ZONE)
    december = month_period(2026, 12, ZONE)
    assert [w.key for w in weeks_belonging(november.first, november.last, ZONE)] == [
        "2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert [w.key for w in weeks_belonging(december.first, december.last, ZONE)] == [
        "2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]


def test_a_range_without_a_thursday_has_no_week():
    assert weeks_belonging(date(2026, 11, 27), date(2026, 11, 30), ZONE) == []  # Friday to Monday


@given(months)
def test_consecutive_months_share_no_week_and_leave_none_out(month):
    year, number = month
    this = month_period(year, number, ZONE)
    following = month_period(*((year, number + 1) if number < 12 else (year + 1, 1)), ZONE)
    here = weeks_belonging(this.first, this.last, ZONE)
    there = weeks_belonging(following.first, following.last, ZONE)
    assert 4 <= len(here) <= 5
    assert here[-1].first + timedelta(days=7) == there[0].first  # consecutive, no gap, no overlap
    assert all(month_of_week(w.key) == f"{year:04d}-{number:02d}" for w in here)
