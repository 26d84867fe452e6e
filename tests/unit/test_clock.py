"""One clock for the whole application: `vendor_qa.clock.now()`, which the tests freeze."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from vendor_qa import clock

PACKAGE = Path(__file__).resolve().parents[2] / "vendor_qa"
# Reading the wall clock anywhere but clock.py would escape the tests' frozen time; so would the
# database's own clock (func.now(), CURRENT_TIMESTAMP), which follows the machine, not the application.
WALL_CLOCK = re.compile(
    r"\b(datetime\.(now|utcnow|today)|date\.today|time\.time|time\.time_ns|func\.now)\(|\bCURRENT_TIMESTAMP\b")


def test_no_module_reads_the_wall_clock_but_the_clock():
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
                 for path in sorted(PACKAGE.rglob("*.py")) if path.name != "clock.py"
                 for number, line in enumerate(path.read_text().splitlines(), 1) if WALL_CLOCK.search(line)]
    assert offenders == []


def test_the_clock_is_aware_utc_and_follows_time_machine(time_machine):
    time_machine.move_to(datetime(2027, 1, 3, 23, 30, tzinfo=UTC), tick=False)
    assert clock.now() == datetime(2027, 1, 3, 23, 30, tzinfo=UTC)
    assert clock.now().utcoffset().total_seconds() == 0
