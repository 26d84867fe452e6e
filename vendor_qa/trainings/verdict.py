"""Did a training work? The before and after windows compared on the trained criteria.

Pure: plain counts in, a verdict out (docs/methods.md, "Trainings: did it work?").

- **Loss rate**: of the evaluations where a trained criterion applied (one per evaluation and
  criterion), the share that lost points on it; Wilson's interval for each window and
  Newcombe's for their difference (statsmodels).
- **The test**: Fisher's exact test of the two windows' 2×2 table, two-sided at 5%: exact at any
  count, so a small window cannot fool it.
- **How much data is enough**: the evaluations per window with which the expected improvement
  (a drop of the loss rate by so many percentage points from the before rate) would be found 9
  times in 10 (the normal approximation on Cohen's h, `NormalIndPower`). Fisher's test is a
  little more cautious than that approximation, so at that n the planted improvement is still
  found in well over 8 simulations in 10 (tests/unit/test_training_verdict.py).
- **Verdict**: a significant drop is "improved", a significant rise "worse" (however little data:
  a significant result is significant); otherwise "not enough data yet" while either window has
  fewer than the n needed, else "no measurable change". With no change in truth, "improved"
  comes out at most 2.5% of the time (one side of the two-sided 5%).
- **Score**: the evaluations' score on the trained criteria (points earned of possible, 0-100),
  each window's mean with the core's interval, and Welch's t-test of the difference, shown
  beside the verdict (which rests on the loss rate, the thing a training targets).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from math import ceil, sqrt

from scipy.stats import fisher_exact, ttest_ind_from_stats
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize

from vendor_qa.stats.estimates import EMPTY, Summary
from vendor_qa.stats.intervals import Interval, mean_interval, rate_interval

SIGNIFICANCE = 0.05
POWER = 0.9
PLANNING_RATE = 0.5  # the before rate assumed while the before window is empty: the largest n
IMPROVED, NO_CHANGE, WORSE, NOT_ENOUGH = "improved", "no measurable change", "worse", "not enough data yet"


@dataclass(frozen=True)
class Window:
    """The trained criteria in one window: applicable (evaluation, criterion) pairs, those that
    lost points, and the evaluations' scores on those criteria."""

    lost: int = 0
    applicable: int = 0
    scores: Summary = EMPTY

    def __add__(self, other: Window) -> Window:
        return Window(self.lost + other.lost, self.applicable + other.applicable, self.scores + other.scores)

    @property
    def rate(self) -> float | None:
        return self.lost / self.applicable if self.applicable else None

    @property
    def rate_interval(self) -> Interval | None:
        return rate_interval(self.lost, self.applicable)

    @property
    def score(self) -> Decimal | None:
        return self.scores.total / self.scores.n if self.scores.n else None

    @property
    def score_interval(self) -> Interval | None:
        return mean_interval(self.scores)


@dataclass(frozen=True)
class Verdict:
    kind: str  # IMPROVED, NO_CHANGE, WORSE or NOT_ENOUGH
    needed: int  # applicable evaluations per window for the expected improvement
    p_value: float | None  # Fisher's exact test of the loss rates
    difference: Interval | None  # after − before loss rate, shares of 1 (Newcombe)
    score_difference: float | None  # after − before mean score
    score_p_value: float | None  # Welch's t-test

    @property
    def text(self) -> str:
        return f"{self.kind} (n needed: {self.needed})" if self.kind == NOT_ENOUGH else self.kind


@functools.lru_cache(maxsize=1024)  # solving for n takes a while, and a page or a simulation asks often
def needed(before_rate: float | None, improvement: float, significance: float = SIGNIFICANCE,
           power: float = POWER) -> int:
    """Applicable evaluations per window to find a drop of `improvement` (a share of 1) from
    `before_rate` with this power, two-sided at `significance`. A before rate below the
    improvement is planned as a drop to none."""
    start = PLANNING_RATE if before_rate is None else before_rate
    if start <= 0:
        start = min(improvement, 1.0)  # nothing lost before: plan to detect a rise of the same size
        effect = proportion_effectsize(start, 0.0)
    else:
        effect = proportion_effectsize(start, max(start - improvement, 0.0))
    n = NormalIndPower().solve_power(effect_size=abs(effect), alpha=significance, power=power, ratio=1.0,
                                     alternative="two-sided")
    return max(ceil(n), 2)


def loss_test(before: Window, after: Window) -> float | None:
    """Fisher's exact two-sided p-value of the two windows' loss rates; None when one is empty."""
    if not before.applicable or not after.applicable:
        return None
    table = [[after.lost, after.applicable - after.lost], [before.lost, before.applicable - before.lost]]
    return float(fisher_exact(table, alternative="two-sided").pvalue)


def loss_difference(before: Window, after: Window) -> Interval | None:
    """Newcombe's 95% interval of after − before loss rate; None when a window is empty."""
    if not before.applicable or not after.applicable:
        return None
    low, high = confint_proportions_2indep(after.lost, after.applicable, before.lost, before.applicable,
                                           method="newcomb", compare="diff")
    return Interval(float(low), float(high), min(before.applicable, after.applicable))


def score_test(before: Summary, after: Summary) -> tuple[float | None, float | None]:
    """(after − before mean score, Welch's p-value); p is None below two scores a window or no spread."""
    if not before.n or not after.n:
        return None, None
    difference = float(after.total / after.n - before.total / before.n)
    spreads = before.variance, after.variance
    if None in spreads or not any(spreads):
        return difference, None
    found = ttest_ind_from_stats(float(before.total / before.n), sqrt(spreads[0]), before.n,
                                 float(after.total / after.n), sqrt(spreads[1]), after.n, equal_var=False)
    return difference, float(found.pvalue)


def decide(before: Window, after: Window, improvement: float, significance: float = SIGNIFICANCE) -> Verdict:
    """The verdict of a training whose expected improvement is `improvement` (a share of 1)."""
    need = needed(before.rate, improvement, significance)
    p = loss_test(before, after)
    if p is not None and p < significance:
        kind = IMPROVED if after.rate < before.rate else WORSE
    elif min(before.applicable, after.applicable) < need:
        kind = NOT_ENOUGH
    else:
        kind = NO_CHANGE
    score_difference, score_p = score_test(before.scores, after.scores)
    return Verdict(kind, need, p, loss_difference(before, after), score_difference, score_p)


def not_improved(per_agent: Mapping[int, tuple[Window, Window]]) -> list[int]:
    """The agents to coach personally: still losing points after, at a rate no lower than before
    (or with nothing to compare), most losses after first."""
    found = [(agent_id, after) for agent_id, (before, after) in per_agent.items()
             if after.lost and (before.rate is None or after.rate >= before.rate)]
    return [agent_id for agent_id, _ in sorted(found, key=lambda f: (-f[1].lost, -(f[1].rate or 0), f[0]))]
