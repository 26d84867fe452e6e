"""The application's one clock.

Every "now" of the application (views, jobs, the planner, the reports, the demo) comes from
`now()`, so that a test can move the whole application in time at once: the suite freezes it
with time-machine, which moves `datetime.now` and `time.time` for the process. Time windows
in a tenant's zone (ISO weeks, months, ranges) live beside it in `vendor_qa.periods`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)
