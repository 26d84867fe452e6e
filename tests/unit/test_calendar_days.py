"""SLA weeks and report periods at each of the calendar's hard days (tests/calendar_days.py)."""

from __future__ import annotations

from datetime import timedelta

from vendor_qa import clock, periods


def test_the_sla_week_is_the_local_iso_week_with_its_real_length(hard_day):
    now, zone = clock.now(), periods.zone_of(hard_day.zone)
    assert periods.current_week_key(hard_day.zone) == periods.week_of(now, hard_day.zone) == hard_day.week
    start, end = periods.week_bounds(hard_day.week, hard_day.zone)
    assert start <= now < end and end - start == timedelta(hours=hard_day.week_hours)
    assert start.astimezone(zone).isoweekday() == 1 and start.astimezone(zone).strftime("%H:%M") == "00:00"
    assert periods.day_of_week(now, hard_day.week, hard_day.zone) == hard_day.weekday
    assert periods.previous_week(hard_day.week) == hard_day.last_week
    assert periods.next_week(hard_day.last_week) == hard_day.week
    assert periods.weeks_back(hard_day.week, 2) == [hard_day.week, hard_day.last_week]


def test_the_report_periods_of_the_day(hard_day):
    now = clock.now()
    month, week = periods.current_month(hard_day.zone), periods.current_week(hard_day.zone)
    assert (month.key, week.key) == (hard_day.month, hard_day.week)
    assert month.bounds.start <= now < month.bounds.end and week.bounds.start <= now < week.bounds.end
    assert not month.is_complete(hard_day.zone) and not week.is_complete(hard_day.zone)
    last_month, last_week = periods.previous(month, hard_day.zone), periods.previous(week, hard_day.zone)
    assert (last_month.key, last_week.key) == (hard_day.last_month, hard_day.last_week)
    assert last_month.is_complete(hard_day.zone) and last_week.is_complete(hard_day.zone)
    assert last_week.bounds.end == week.bounds.start and last_month.bounds.end == month.bounds.start
    assert [w.key for w in periods.recent_weeks(hard_day.zone, 2)] == [hard_day.last_week, hard_day.week]
