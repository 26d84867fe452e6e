"""The calendar's hard days: instants at which time-window code tends to break.

Each is a local wall time in a zone, with what a person on that day would read off a
calendar, worked out by hand (not by the code under test): the ISO week, the month, the last
complete week and month, and which scheduled reports are owed by then (a week's report is due
at 06:00 local on the Monday after it, a month's on the 1st; the catch-up window is the last
4 weeks and 2 months). Tests take the `hard_day` fixture (tests/conftest.py), which moves the
clock to each in turn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class HardDay:
    label: str
    zone: str
    local: datetime  # wall time in `zone`, naive
    week: str  # the ISO week of the local date
    weekday: int  # 1 = Monday
    month: str
    last_week: str  # the last complete ISO week
    last_month: str  # the last complete month
    reports_owed: frozenset[str]  # the scheduled reports of the catch-up window due by now
    week_hours: int = 168  # how long the current week is (167 or 169 across a DST change)

    @property
    def instant(self) -> datetime:
        return self.local.replace(tzinfo=ZoneInfo(self.zone)).astimezone(UTC)

    def __str__(self) -> str:
        return self.label


def _owed(*keys: str) -> frozenset[str]:
    return frozenset(keys)


HARD_DAYS = [
    # Monday 00:30 in Auckland is still Sunday in UTC; last week's report is not due before 06:00.
    HardDay("auckland-monday-0030", "Pacific/Auckland", datetime(2026, 11, 30, 0, 30), "2026-W49", 1,
            "2026-11", "2026-W48", "2026-10", _owed("2026-W45", "2026-W46", "2026-W47", "2026-09", "2026-10")),
    HardDay("auckland-sunday-2330", "Pacific/Auckland", datetime(2026, 12, 6, 23, 30), "2026-W49", 7,
            "2026-12", "2026-W48", "2026-11",
            _owed("2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-10", "2026-11")),
    HardDay("los-angeles-monday-0030", "America/Los_Angeles", datetime(2026, 11, 30, 0, 30), "2026-W49", 1,
            "2026-11", "2026-W48", "2026-10", _owed("2026-W45", "2026-W46", "2026-W47", "2026-09", "2026-10")),
    # Sunday 23:30 in Los Angeles is already Monday of the next week in UTC.
    HardDay("los-angeles-sunday-2330", "America/Los_Angeles", datetime(2026, 12, 6, 23, 30), "2026-W49", 7,
            "2026-12", "2026-W48", "2026-11",
            _owed("2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-10", "2026-11")),
    # New Year's Eve falls in ISO week 53 of 2026.
    HardDay("new-years-eve-2330", "Asia/Shanghai", datetime(2026, 12, 31, 23, 30), "2026-W53", 4,
            "2026-12", "2026-W52", "2026-11",
            _owed("2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-10", "2026-11")),
    # 3 January 2027 is still 2026-W53 locally, and 2027-W01 in UTC.
    HardDay("2027-01-03-week-53", "America/Los_Angeles", datetime(2027, 1, 3, 23, 30), "2026-W53", 7,
            "2027-01", "2026-W52", "2026-12",
            _owed("2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-11", "2026-12")),
    # The clocks go forward: the week of 23-29 March 2026 lasts 167 hours in Oslo.
    HardDay("oslo-spring-forward", "Europe/Oslo", datetime(2026, 3, 29, 23, 30), "2026-W13", 7,
            "2026-03", "2026-W12", "2026-02",
            _owed("2026-W09", "2026-W10", "2026-W11", "2026-W12", "2026-01", "2026-02"), week_hours=167),
    # The clocks go back: the week of 19-25 October 2026 lasts 169 hours in Oslo.
    HardDay("oslo-fall-back", "Europe/Oslo", datetime(2026, 10, 25, 23, 30), "2026-W43", 7,
            "2026-10", "2026-W42", "2026-09",
            _owed("2026-W39", "2026-W40", "2026-W41", "2026-W42", "2026-08", "2026-09"), week_hours=169),
    HardDay("friday-noon", "Europe/Oslo", datetime(2026, 12, 4, 12, 0), "2026-W49", 5,
            "2026-12", "2026-W48", "2026-11",
            _owed("2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-10", "2026-11")),
]
