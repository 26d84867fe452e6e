"""Time windows in a tenant's zone: ISO weeks, calendar months, ranges of days, and their bounds.

The one home for calendar arithmetic; the SLA, the reports and the client pages use it.

- A **span** (`Period`) is a half-open stretch of time [start, end), both ends UTC instants.
- An **ISO week** is named by its text ("2026-W47", the SLA period). It runs from Monday 00:00
  local time to the next Monday 00:00 local time. Around a daylight-saving change it therefore
  lasts 167 or 169 hours, not 168. Where local midnight does not exist (a zone that springs
  forward at 00:00) the day starts at its first instant: `zoneinfo` maps the missing wall time
  with the offset in force before the change, which lands exactly on the transition.
- A **report period** (`ReportPeriod`) is a week, a month or a range of local days, named by
  text a person can type and a URL can carry: '2026-W47', '2026-11' or
  '2026-11-03..2026-11-20' (both days included).

Zones are IANA names or `ZoneInfo`s. Instants are *aware* datetimes; a naive one is refused
rather than guessed. "Now" defaults to the application clock (`vendor_qa.clock`).
Pure functions of plain data: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_

from vendor_qa import clock

Kind = Literal["week", "month", "range"]
MAX_RANGE_DAYS = 366
# Far enough either way for any contract; the upper bound keeps a week's end (and the next
# week) inside datetime's range whatever the zone.
FIRST_YEAR, LAST_YEAR = 1900, 9998
# The years a report period or a date filter may name: no evaluation is older or newer.
REPORT_FIRST_YEAR, REPORT_LAST_YEAR = 1990, 2100
_ONE_WEEK = timedelta(days=7)

_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


class PeriodError(ValueError):
    """A period that does not parse or makes no sense; the message says what to type instead."""


# ---- zones, instants, local days ----------------------------------------------------------------

def zone_of(zone: str | ZoneInfo) -> ZoneInfo:
    """The ZoneInfo of an IANA name (or the ZoneInfo itself); ValueError for an unknown name."""
    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        message = f"unknown time zone {zone!r}: use an IANA name like Europe/Oslo"
        raise ValueError(message) from error


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone: pass an aware (UTC) datetime")


def today(zone: str | ZoneInfo, now: datetime | None = None) -> date:
    """The local date in `zone` at `now` (default: the application clock)."""
    moment = now or clock.now()
    _require_aware(moment)
    return moment.astimezone(zone_of(zone)).date()


@dataclass(frozen=True)
class Period:
    """A half-open span of time [start, end), both ends in UTC."""

    start: datetime
    end: datetime

    def contains(self, column) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)

    def local_dates(self, zone: str | ZoneInfo) -> tuple[date, date]:
        """The first and the last local day the period covers."""
        tz = zone_of(zone)
        return self.start.astimezone(tz).date(), (self.end.astimezone(tz) - timedelta(microseconds=1)).date()


def local_midnight(day: date, zone: str | ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `zone`."""
    return datetime.combine(day, time.min, tzinfo=zone_of(zone)).astimezone(UTC)


def local_days(first: date, last: date, zone: str | ZoneInfo) -> Period:
    """From the start of `first` to the end of `last`, both local dates."""
    return Period(local_midnight(first, zone), local_midnight(last + timedelta(days=1), zone))


# ---- ISO weeks by name ---------------------------------------------------------------------------

def weeks_in_year(year: int) -> int:
    """52 or 53: December 28th always falls in an ISO year's last week."""
    return date(year, 12, 28).isocalendar().week


def _check_week(year: int, week: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year {year} is out of range ({FIRST_YEAR} to {LAST_YEAR})")
    last = weeks_in_year(year)
    if not 1 <= week <= last:
        raise ValueError(f"{year} has ISO weeks 1 to {last}, not {week}")


def parse_week(text: str) -> tuple[int, int]:
    """'2026-W47' -> (2026, 47); ValueError saying what is wrong otherwise."""
    match = _WEEK.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not an ISO week: write it like 2026-W47")
    year, week = int(match[1]), int(match[2])
    _check_week(year, week)
    return year, week


def format_week(year: int, week: int) -> str:
    """(2026, 47) -> '2026-W47'; ValueError for a week the year does not have."""
    _check_week(year, week)
    return f"{year:04d}-W{week:02d}"


def _monday(week: str) -> date:
    year, number = parse_week(week)
    return date.fromisocalendar(year, number, 1)


def week_of_date(day: date) -> str:
    """The ISO week that holds a local date ('2027-01-03' -> '2026-W53')."""
    iso = day.isocalendar()
    return format_week(iso.year, iso.week)


def week_of(moment: datetime, zone: str | ZoneInfo) -> str:
    """The ISO week that the aware instant `moment` falls in on the tenant's local calendar."""
    return week_of_date(today(zone, moment))


def current_week_key(zone: str | ZoneInfo, now: datetime | None = None) -> str:
    """The ISO week the tenant is living in now."""
    return week_of_date(today(zone, now))


def week_bounds(week: str, zone: str | ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of the week in UTC: Monday 00:00 local to the next Monday 00:00 local."""
    monday = _monday(week)
    return local_midnight(monday, zone), local_midnight(monday + _ONE_WEEK, zone)


def day_of_week(moment: datetime, week: str, zone: str | ZoneInfo) -> int:
    """1 (Monday) .. 7 (Sunday) for an instant inside the week; 0 before it, 7 after its end.

    The planner uses it as "how far the week has gone": a run before the week plans nothing,
    a run after it (a past week) plans the whole week at once.
    """
    _require_aware(moment)
    start, end = week_bounds(week, zone)
    if moment < start:
        return 0
    if moment >= end:
        return 7
    return moment.astimezone(zone_of(zone)).isoweekday()


def previous_week(week: str) -> str:
    """The ISO week before `week` ('2027-W01' -> '2026-W53')."""
    return week_of_date(_monday(week) - _ONE_WEEK)


def next_week(week: str) -> str:
    """The ISO week after `week` ('2026-W53' -> '2027-W01')."""
    return week_of_date(_monday(week) + _ONE_WEEK)


def weeks_back(week: str, count: int) -> list[str]:
    """`week` and the `count - 1` weeks before it, newest first."""
    found = [week]
    while len(found) < count:
        found.append(previous_week(found[-1]))
    return found


# ---- report periods: a week, a month or a range of days ------------------------------------------

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
            return week_of_date(self.first)
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

    def is_complete(self, zone: str | ZoneInfo, now: datetime | None = None) -> bool:
        """True once the period's last local day is over."""
        return today(zone, now) > self.last


def _check_year(day: date) -> None:
    if not REPORT_FIRST_YEAR <= day.year <= REPORT_LAST_YEAR:
        raise PeriodError(f"pick a period between {REPORT_FIRST_YEAR} and {REPORT_LAST_YEAR}")


def week_period(year: int, week: int, zone: str | ZoneInfo) -> ReportPeriod:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise PeriodError(f"{year} has no ISO week {week:02d}") from None
    _check_year(monday)
    sunday = monday + timedelta(days=6)
    return ReportPeriod("week", monday, sunday, local_days(monday, sunday, zone))


def month_period(year: int, month: int, zone: str | ZoneInfo) -> ReportPeriod:
    if not 1 <= month <= 12:
        raise PeriodError(f"there is no month {month:02d}; use 01 to 12")
    first = date(year, month, 1)
    _check_year(first)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return ReportPeriod("month", first, last, local_days(first, last, zone))


def range_period(first: date, last: date, zone: str | ZoneInfo) -> ReportPeriod:
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


def parse_period(text: str, zone: str | ZoneInfo) -> ReportPeriod:
    """'2026-W47', '2026-11' or '2026-11-03..2026-11-20' as a period of the tenant's zone."""
    text = (text or "").strip()
    if match := _WEEK.fullmatch(text):
        return week_period(int(match[1]), int(match[2]), zone)
    if match := _MONTH.fullmatch(text):
        return month_period(int(match[1]), int(match[2]), zone)
    if match := _RANGE.fullmatch(text):
        return range_period(_day(match[1]), _day(match[2]), zone)
    raise PeriodError(f"“{text}” is not a period: write a week as 2026-W47, a month as 2026-11 "
                      "or a range as 2026-11-03..2026-11-20")


def current_month(zone: str | ZoneInfo, now: datetime | None = None) -> ReportPeriod:
    day = today(zone, now)
    return month_period(day.year, day.month, zone)


def current_week(zone: str | ZoneInfo, now: datetime | None = None) -> ReportPeriod:
    year, week, _ = today(zone, now).isocalendar()
    return week_period(year, week, zone)


def previous(period: ReportPeriod, zone: str | ZoneInfo) -> ReportPeriod:
    """The period just before: the week or month before, or a range as long ending the day before."""
    if period.kind == "week":
        return week_period(*(period.first - _ONE_WEEK).isocalendar()[:2], zone)
    if period.kind == "month":
        before = period.first - timedelta(days=1)
        return month_period(before.year, before.month, zone)
    last = period.first - timedelta(days=1)
    return range_period(last - timedelta(days=period.days - 1), last, zone)


def weeks_overlapping(first: date, last: date, zone: str | ZoneInfo) -> list[ReportPeriod]:
    """The ISO weeks that share at least one day with [first, last], oldest first."""
    monday = first - timedelta(days=first.weekday())
    found = []
    while monday <= last:
        found.append(week_period(*monday.isocalendar()[:2], zone))
        monday += _ONE_WEEK
    return found


def thursday(week: str) -> date:
    """The week's Thursday: it names the ISO year of the week, and by the same rule its month."""
    return _monday(week) + timedelta(days=3)


def month_of_week(week: str) -> str:
    """The month an ISO week belongs to, by the ISO rule (its Thursday): '2026-W49' -> '2026-12'."""
    return f"{thursday(week):%Y-%m}"


def weeks_belonging(first: date, last: date, zone: str | ZoneInfo) -> list[ReportPeriod]:
    """The ISO weeks whose Thursday falls in [first, last], oldest first.

    A week that straddles the edge of a month belongs to one month only (the one holding most
    of its days), so the weeks of consecutive months never overlap and every week is counted
    once. A range with no Thursday in it has no weeks.
    """
    return [week for week in weeks_overlapping(first, last, zone)
            if first <= week.first + timedelta(days=3) <= last]


def recent_weeks(zone: str | ZoneInfo, count: int, now: datetime | None = None) -> list[ReportPeriod]:
    """The current ISO week and the `count - 1` before it, oldest first."""
    found = [current_week(zone, now)]
    while len(found) < count:
        found.insert(0, previous(found[0], zone))
    return found


def months_back(zone: str | ZoneInfo, count: int, now: datetime | None = None) -> list[ReportPeriod]:
    """The current month and the `count - 1` before it, oldest first."""
    found = [current_month(zone, now)]
    while len(found) < count:
        found.insert(0, previous(found[0], zone))
    return found
