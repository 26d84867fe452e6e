"""An agent's SLA status at the boundaries, and a tenant's compliance."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.sla.status import STATUSES, AgentWeek, agent_status, compliance

HALF = Fraction(1, 2)


def week(required=4, assigned=0, completed=0, overdue=0, insufficient=False) -> AgentWeek:
    return AgentWeek(required, assigned, completed, overdue, insufficient)


@pytest.mark.parametrize(
    ("row", "elapsed", "closed", "status"),
    [
        # met: completed reaches the requirement, open or closed week
        (week(completed=4, assigned=4), HALF, False, "met"),
        (week(completed=5, assigned=6), Fraction(1), True, "met"),
        (week(required=0), Fraction(1), True, "met"),
        # missed: closed one short
        (week(completed=3, assigned=6), Fraction(1), True, "missed"),
        (week(completed=3, assigned=6, overdue=3), Fraction(1), True, "missed"),
        # insufficient volume: never a breach, whatever the numbers
        (week(required=2, completed=0, assigned=2, insufficient=True), Fraction(1), True,
         "insufficient_volume"),
        (week(required=2, completed=2, assigned=2, insufficient=True), HALF, False,
         "insufficient_volume"),
        # at_risk boundary at half-way: completed + open must reach required x 1/2 = 2
        (week(completed=1, assigned=2), HALF, False, "on_track"),  # 1 + 1 open = 2
        (week(completed=1, assigned=2, overdue=1), HALF, False, "at_risk"),  # 1 + 0 open < 2
        (week(completed=0, assigned=1), HALF, False, "at_risk"),  # 0 + 1 open < 2
        # the start of the week: nothing is at risk yet
        (week(), Fraction(0), False, "on_track"),
        (week(assigned=1), Fraction(1, 7), False, "on_track"),  # Monday after planning
        # the end of an open week: completed + open work must cover the minimum
        (week(completed=2, assigned=4), Fraction(1), False, "on_track"),
        (week(completed=2, assigned=4, overdue=1), Fraction(1), False, "at_risk"),
        # elapsed outside 0..1 is clamped (after the end, before the close)
        (week(completed=2, assigned=3), Fraction(3, 2), False, "at_risk"),
    ],
)
def test_status_at_the_boundaries(row, elapsed, closed, status):
    assert agent_status(row, elapsed, closed) == status


counts = st.integers(0, 10)


@given(counts, counts, counts, counts, st.booleans(), st.fractions(0, 1), st.booleans())
def test_a_status_is_always_one_of_five_and_a_closed_week_is_final(
    required, assigned, completed, overdue, insufficient, elapsed, closed
):
    row = AgentWeek(required, assigned, completed, overdue, insufficient)
    status = agent_status(row, elapsed, closed)
    assert status in STATUSES
    if closed:
        assert status in {"met", "missed", "insufficient_volume"}
    if status == "met":
        assert completed >= required


def test_compliance_counts_agents_at_or_above_the_requirement():
    rows = [week(completed=4), week(completed=6), week(completed=3), week(completed=0)]
    assert compliance(rows) == Fraction(1, 2)


def test_compliance_ignores_insufficient_volume_agents():
    rows = [week(completed=4), week(completed=3), week(required=1, insufficient=True)]
    assert compliance(rows) == Fraction(1, 2)


def test_compliance_is_none_when_no_agent_counts():
    assert compliance([]) is None
    assert compliance([week(required=2, insufficient=True)]) is None
