"""ISO weeks in a tenant's time zone: the SLA period.

An SLA week is an ISO week ("2026-W47") of the tenant's local calendar: it runs from Monday
00:00 local time to the next Monday 00:00 local time, i.e. [start, end) as UTC instants.
Around a daylight-saving change it therefore lasts 167 or 169 hours, not 168. Everything here
takes and returns *aware* datetimes; a naive datetime is refused rather than guessed.

Where local midnight does not exist (a zone that springs forward at 00:00) the week starts at
the first instant of that Monday (01:00 local): `zoneinfo` maps the missing wall time with the
offset in force before the change, which lands exactly on the transition.

Pure functions of plain data: no Flask, no database.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_ONE_WEEK = timedelta(days=7)
# Far enough either way for any contract; the upper bound keeps the week's end (and a next
# week) inside datetime's range whatever the zone.
FIRST_YEAR, LAST_YEAR = 1900, 9998


def weeks_in_year(year: int) -> int:
    """52 or 53: December 28th always falls in an ISO year's last week."""
    return date(year, 12, 28).isocalendar().week


def _check(year: int, week: int) -> None:
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
    _check(year, week)
    return year, week


def format_week(year: int, week: int) -> str:
    """(2026, 47) -> '2026-W47'; ValueError for a week the year does not have."""
    _check(year, week)
    return f"{year:04d}-W{week:02d}"


def _zone(zone: str) -> ZoneInfo:
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        message = f"unknown time zone {zone!r}: use an IANA name like Europe/Oslo"
        raise ValueError(message) from error


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone: pass an aware (UTC) datetime")


def _monday(week: str) -> date:
    year, number = parse_week(week)
    return date.fromisocalendar(year, number, 1)


def _week_of_date(day: date) -> str:
    iso = day.isocalendar()
    return format_week(iso.year, iso.week)


def week_of(moment: datetime, zone: str) -> str:
    """The ISO week that the aware instant `moment` falls in on the tenant's local calendar."""
    _require_aware(moment)
    return _week_of_date(moment.astimezone(_zone(zone)).date())


def _local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def week_bounds(week: str, zone: str) -> tuple[datetime, datetime]:
    """[start, end) of the week in UTC: Monday 00:00 local to the next Monday 00:00 local."""
    tz, monday = _zone(zone), _monday(week)
    return _local_midnight_utc(monday, tz), _local_midnight_utc(monday + _ONE_WEEK, tz)


def day_of_week(moment: datetime, week: str, zone: str) -> int:
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
    return moment.astimezone(_zone(zone)).isoweekday()


def previous_week(week: str) -> str:
    """The ISO week before `week` ('2027-W01' -> '2026-W53')."""
    return _week_of_date(_monday(week) - _ONE_WEEK)


def next_week(week: str) -> str:
    """The ISO week after `week` ('2026-W53' -> '2027-W01')."""
    return _week_of_date(_monday(week) + _ONE_WEEK)
