"""An agent's SLA status for a week, and a tenant's compliance.

For one agent and week (`AgentWeek`): `required` is the minimum, or the calls available when
there are fewer; `assigned` the assignments made; `completed` those evaluated; `overdue` those
past their due time and not evaluated. Open work = assigned - completed - overdue (never below
0): work in a grader's hands and still within its turnaround.

The status, checked in this order (`elapsed` = the elapsed share of the week, 0..1):

1. `insufficient_volume`: the agent had fewer calls than the minimum. Never a breach, and shown
   as such even once all its calls are evaluated (otherwise an agent with no calls at all would
   read "met").
2. `met`: completed >= required.
3. `missed`: the week is closed and completed < required.
4. `at_risk`: completed + open < required x elapsed. In words: counting the open work as done,
   the pace so far, (completed + open) / elapsed, projects the week's end below the minimum.
   At the week's end (elapsed = 1) this is "completed + open work < minimum"; at its start
   nothing is at risk yet.
5. `on_track`: anything else.

Decision where the contract was open: the contract flagged an agent as at risk as soon as
completed + open < required, and also when completed / elapsed projects below. Because the
planner spreads the samples over the week (about a seventh of the target per day), those tests
would call nearly every agent "at risk" on Monday. Projecting completed *and open* work by the
elapsed share keeps the contract's meaning (pace and open work) and is exact at the week's end.
`elapsed` outside 0..1 is clamped (a tracker run after the week's end but before its close
counts as the full week).

`compliance` is the share of agents at or above their requirement, leaving out the
insufficient-volume agents; None when no agent counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal, get_args

Status = Literal["met", "on_track", "at_risk", "missed", "insufficient_volume"]
STATUSES: tuple[Status, ...] = get_args(Status)


@dataclass(frozen=True)
class AgentWeek:
    required: int
    assigned: int
    completed: int
    overdue: int
    insufficient_volume: bool

    @property
    def open(self) -> int:
        return max(0, self.assigned - self.completed - self.overdue)


def agent_status(row: AgentWeek, elapsed_fraction: Fraction, week_closed: bool) -> Status:
    """The agent's status (see the module docstring for the exact rules)."""
    elapsed = min(max(Fraction(elapsed_fraction), Fraction(0)), Fraction(1))
    if row.insufficient_volume:
        return "insufficient_volume"
    if row.completed >= row.required:
        return "met"
    if week_closed:
        return "missed"
    if row.completed + row.open < row.required * elapsed:
        return "at_risk"
    return "on_track"


def compliance(rows: Sequence[AgentWeek]) -> Fraction | None:
    """Share of the counted agents (not insufficient volume) with completed >= required."""
    counted = [r for r in rows if not r.insufficient_volume]
    if not counted:
        return None
    return Fraction(sum(r.completed >= r.required for r in counted), len(counted))
