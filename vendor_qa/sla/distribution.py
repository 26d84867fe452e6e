"""Who grades what: new assignments shared out among the graders certified for a tenant.

Items are taken in the order given (priority reviews first, then by due time: the caller
decides). Each goes to the grader with the most free capacity today (daily capacity minus open
work, counting what this run has already given them), ties to the lowest grader id. A grader with
no free capacity takes nothing. To keep scores objective (DOMAIN.md: graders should not keep
grading the same agent) a grader who already has an agent twice this week is passed over while
another grader with free capacity has that agent fewer than twice; only when none has does the
third one go to the freest grader anyway. Items that no grader can take are returned as
unassigned: they stay in the pool and the caller raises a capacity alert.

Pure and deterministic: no Flask, no database; the same inputs give the same result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_SAME_AGENT = 2  # per grader per week while another grader is free


@dataclass(frozen=True)
class GraderLoad:
    grader_id: int
    open_work: int  # assignments assigned or in progress now
    capacity: int  # per day (default 60)
    agent_counts: Mapping[int, int]  # agent_id -> assignments this week with this grader


@dataclass
class _Grader:
    """A grader's state while one run hands out work."""

    grader_id: int
    free: int
    agents: Counter[int]

    def rank(self) -> tuple[int, int]:
        return (-self.free, self.grader_id)


def distribute(
    items: Sequence[tuple[int, int]], graders: Sequence[GraderLoad]
) -> tuple[dict[int, int], list[int]]:
    """({assignment_id: grader_id}, unassigned assignment ids in input order).

    `items` are (assignment_id, agent_id) pairs in priority order.
    """
    state = [
        _Grader(g.grader_id, max(0, g.capacity - g.open_work), Counter(g.agent_counts))
        for g in graders
    ]
    given: dict[int, int] = {}
    unassigned: list[int] = []
    for assignment_id, agent_id in items:
        free = [g for g in state if g.free > 0]
        if not free:
            unassigned.append(assignment_id)
            continue
        fresh = [g for g in free if g.agents[agent_id] < MAX_SAME_AGENT]
        chosen = min(fresh or free, key=_Grader.rank)
        chosen.free -= 1
        chosen.agents[agent_id] += 1
        given[assignment_id] = chosen.grader_id
    return given, unassigned
