"""Report periods: an ISO week, a calendar month or a custom range of days, in the tenant's zone.

A period is named by text a person can type and a URL can carry: '2026-W47' (ISO week),
'2026-11' (month) or '2026-11-03..2026-11-20' (a range of local days, both included).
Its bounds are the UTC instants of the local midnights that open and close it
(vendor_qa.calls.queries.Period), so the same evaluation always falls in the same period
whatever the server's zone, across DST changes too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from vendor_qa.calls.forms import FIRST_YEAR, LAST_YEAR
from vendor_qa.calls.queries import Period, local_days

Kind = Literal["week", "month", "range"]
MAX_RANGE_DAYS = 366

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    """A period that does not parse or makes no sense; the message says what to type instead."""


@dataclass(frozen=True)
class ReportPeriod:
    kind: Kind
    first: date  # first local day
    last: date  # last local day, included
    bounds: Period  # [start, end) in UTC

    @property
    def key(self) -> str:
        """The period's text: parse_period(p.key, zone) == p."""
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "week":
            return f"Week {self.key} ({self.first:%d %b} – {self.last:%d %b %Y})"
        if self.kind == "month":
            return f"{self.first:%B %Y}"
        return f"{self.first:%d %b %Y} – {self.last:%d %b %Y}"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _check_year(day: date) -> None:
    # Far-off years would overflow the time-zone arithmetic; no evaluation is that old or new.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PeriodError(f"pick a period between {FIRST_YEAR} and {LAST_YEAR}")


def week_period(year: int, week: int, zone: ZoneInfo) -> ReportPeriod:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise PeriodError(f"{year} has no ISO week {week:02d}") from None
    _check_year(monday)
    sunday = monday + timedelta(days=6)
    return ReportPeriod("week", monday, sunday, local_days(monday, sunday, zone))


def month_period(year: int, month: int, zone: ZoneInfo) -> ReportPeriod:
    if not 1 <= month <= 12:
        raise PeriodError(f"there is no month {month:02d}; use 01 to 12")
    first = date(year, month, 1)
    _check_year(first)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return ReportPeriod("month", first, last, local_days(first, last, zone))


def range_period(first: date, last: date, zone: ZoneInfo) -> ReportPeriod:
    _check_year(first)
    _check_year(last)
    if last < first:
        raise PeriodError("the range ends before it starts")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise PeriodError(f"a range may cover at most {MAX_RANGE_DAYS} days")
    return ReportPeriod("range", first, last, local_days(first, last, zone))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{text} is not a date (YYYY-MM-DD)") from None


def parse_period(text: str, zone: ZoneInfo) -> ReportPeriod:
    """'2026-W47', '2026-11' or '2026-11-03..2026-11-20' as a period of the tenant's zone."""
    text = (text or "").strip()
    if match := _WEEK.match(text):
        return week_period(int(match[1]), int(match[2]), zone)
    if match := _MONTH.match(text):
        return month_period(int(match[1]), int(match[2]), zone)
    if match := _RANGE.match(text):
        return range_period(_day(match[1]), _day(match[2]), zone)
    raise PeriodError(f"“{text}” is not a period: write a week as 2026-W47, a month as 2026-11 "
                      "or a range as 2026-11-03..2026-11-20")


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(timezone.utc)).astimezone(zone).date()


def current_month(zone: ZoneInfo, now: datetime | None = None) -> ReportPeriod:
    day = today(zone, now)
    return month_period(day.year, day.month, zone)


def current_week(zone: ZoneInfo, now: datetime | None = None) -> ReportPeriod:
    year, week, _ = today(zone, now).isocalendar()
    return week_period(year, week, zone)


def previous(period: ReportPeriod, zone: ZoneInfo) -> ReportPeriod:
    """The period just before: the week or month before, or a range as long ending the day before."""
    if period.kind == "week":
        return week_period(*(period.first - timedelta(days=7)).isocalendar()[:2], zone)
    if period.kind == "month":
        before = period.first - timedelta(days=1)
        return month_period(before.year, before.month, zone)
    last = period.first - timedelta(days=1)
    return range_period(last - timedelta(days=period.days - 1), last, zone)


def weeks_overlapping(first: date, last: date, zone: ZoneInfo) -> list[ReportPeriod]:
    """The ISO weeks that share at least one day with [first, last], oldest first."""
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday <= last:
        weeks.append(week_period(*monday.isocalendar()[:2], zone))
        monday += timedelta(days=7)
    return weeks


def months_back(zone: ZoneInfo, count: int, now: datetime | None = None) -> list[ReportPeriod]:
    """The current month and the `count - 1` before it, oldest first."""
    months = [current_month(zone, now)]
    while len(months) < count:
        months.insert(0, previous(months[0], zone))
    return months
