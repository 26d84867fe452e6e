"""Which of an agent's calls to review this week: priority reviews and the random sample.

Pure logic over one agent's calls in one ISO week (`Candidate`s); the planner loads them with
set-based SQL, calls `plan_agent` per agent and bulk-inserts the result. Rules (docs/sla.md):

* **Priority reviews.** Every call rated at or below the policy's low-rating threshold that has no
  assignment yet goes to `low_rating`, all of them, even past the maximum.
* **Already covered** = calls that already have an assignment this week (any reason) plus the new
  priority reviews.
* **Spreading.** A run on day d (1..7) of the week tops the agent up to
  `goal_for_day(d) = min(target, ceil(target * d / 7))`; day 0 (before the week) plans nothing.
  Samples needed = max(0, min(goal - already covered, maximum - already covered)), so samples
  never take the agent past the maximum, and a week planned daily ends at the target while a past
  week planned at once (day 7) gets the whole target.
* **Insufficient volume.** An agent with fewer calls in the week than the minimum gets every
  unassigned call (priority reviews as such, the rest as samples) and `insufficient_volume`.
  While the week is still running this is provisional: it describes the calls seen so far.
* **Random but reproducible.** Within a stratum the calls with the lowest `sample_key` are taken
  (ties by call id). The key is a stable pseudo-random number per call, so the same tenant, week
  and data give the same sample, whatever order the candidates come in.
* **Stratified by length.** Short calls (duration < short_call_seconds) and long calls are taken
  in the policy's share. Decision where the contract was open: the share is kept over the week's
  *non-priority* evaluations (already-assigned calls that are not low-rated, plus the new samples),
  not over each run's new samples alone. Planned in one go the two readings agree (short =
  round-half-up(share x n) of the n new samples); planned one call a day, splitting each run's
  single sample would always pick a short call, whereas the running total keeps the week within
  one call of the share. When a stratum runs out, the other fills the rest.

Both tuples of an `AgentPlan` are sorted by call id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor

from vendor_qa.sla.policy import Policy

DAYS_IN_WEEK = 7


@dataclass(frozen=True)
class Candidate:
    """One of the agent's calls in the week."""

    call_id: int
    duration_seconds: int
    rating: int | None
    sample_key: int  # stable pseudo-random number per call; the lowest keys are sampled first
    assigned: bool  # already has an assignment this week (any reason)


@dataclass(frozen=True)
class AgentPlan:
    low_rating: tuple[int, ...]  # unassigned calls needing a priority review (all, even above max)
    samples: tuple[int, ...]  # calls to sample now
    insufficient_volume: bool  # fewer calls in the week than the minimum


def round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def goal_for_day(policy: Policy, day: int) -> int:
    """How many evaluations an agent should have by the end of day `day` (0..7) of the week."""
    if not 0 <= day <= DAYS_IN_WEEK:
        raise ValueError(f"day must be 0 to {DAYS_IN_WEEK}, not {day}")
    return min(policy.target, ceil(Fraction(policy.target * day, DAYS_IN_WEEK)))


def _lowest_keys(calls: list[Candidate], count: int) -> list[Candidate]:
    return sorted(calls, key=lambda c: (c.sample_key, c.call_id))[:count]


def _stratified(
    short: list[Candidate],
    long: list[Candidate],
    n: int,
    short_before: int,
    total_before: int,
    share: Fraction,
) -> list[Candidate]:
    """n of the short and long calls, keeping the week's running short share at `share`."""
    wanted_short = round_half_up(share * (total_before + n)) - short_before
    take_short = min(max(wanted_short, 0), n, len(short))
    take_short = max(take_short, n - len(long))  # the long stratum ran out: fill with short calls
    return _lowest_keys(short, take_short) + _lowest_keys(long, n - take_short)


def _ids(calls: Sequence[Candidate]) -> tuple[int, ...]:
    return tuple(sorted(c.call_id for c in calls))


def plan_agent(candidates: Sequence[Candidate], policy: Policy, day: int) -> AgentPlan:
    """The priority reviews and samples to create now for one agent (see the module docstring)."""
    goal = goal_for_day(policy, day)
    low = [c for c in candidates if not c.assigned and policy.is_low_rating(c.rating)]
    pool = [c for c in candidates if not c.assigned and not policy.is_low_rating(c.rating)]
    if len(candidates) < policy.minimum:
        return AgentPlan(low_rating=_ids(low), samples=_ids(pool), insufficient_volume=True)

    sampled_before = [c for c in candidates if c.assigned and not policy.is_low_rating(c.rating)]
    already = sum(c.assigned for c in candidates) + len(low)
    needed = max(0, min(goal - already, policy.maximum - already))
    n = min(needed, len(pool))
    chosen = _stratified(
        short=[c for c in pool if policy.is_short(c.duration_seconds)],
        long=[c for c in pool if not policy.is_short(c.duration_seconds)],
        n=n,
        short_before=sum(policy.is_short(c.duration_seconds) for c in sampled_before),
        total_before=len(sampled_before),
        share=policy.short_share,
    )
    return AgentPlan(low_rating=_ids(low), samples=_ids(chosen), insufficient_volume=False)
