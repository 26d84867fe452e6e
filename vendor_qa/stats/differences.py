"""Systemic or individual: do agents differ in how often they lose points on a criterion?

Seed 000: an error most agents make is systemic (a group training), one agent's error is
individual (personal coaching). Counting the agents who lost points at least once confuses the
two (with enough evaluations every agent loses a criterion once), so the decision is a test:

- each agent's loss rate against the rest's: Fisher's exact test, one-sided (losing more often
  than the others), exact at any count, so no large-sample approximation is needed;
- the agents who stand out are those whose test rejects under Benjamini-Hochberg at 5%
  (statsmodels); "agents differ" is that at least one stands out, which is Simes' global test,
  so when every agent has the same rate a criterion is called individual at most 5% of the time;
- systemic: no agent stands out and the pooled loss rate reaches the tenant's threshold;
- individual: some agents stand out (they are the ones to coach);
- otherwise no finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests

from vendor_qa.stats.intervals import Interval, rate_interval

SIGNIFICANCE = 0.05
SYSTEMIC, INDIVIDUAL, NONE = "systemic", "individual", "none"


@dataclass(frozen=True)
class Losses:
    """One agent's evaluations where a criterion applied, and those where it lost points."""

    lost: int
    applicable: int


@dataclass(frozen=True)
class Verdict:
    kind: str  # SYSTEMIC, INDIVIDUAL or NONE
    pooled: Interval | None  # the pooled loss rate's Wilson interval (shares of 1)
    pooled_rate: float | None
    standing_out: tuple[int, ...]  # indices of the agents who lose it more often than the rest, worst first
    adjusted: tuple[float, ...]  # each agent's BH-adjusted p-value, in input order


def standing_out(losses: Sequence[Losses],
                 significance: float = SIGNIFICANCE) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The agents losing a criterion more often than the others (BH at `significance`), and every adjusted p."""
    lost, applicable = sum(a.lost for a in losses), sum(a.applicable for a in losses)
    if len(losses) < 2 or lost == 0:
        return (), tuple(1.0 for _ in losses)
    p_values = [_versus_rest(agent, lost, applicable) for agent in losses]
    rejected, adjusted, _, _ = multipletests(p_values, alpha=significance, method="fdr_bh")
    found = sorted((i for i, r in enumerate(rejected) if r), key=lambda i: (adjusted[i], -losses[i].lost))
    return tuple(found), tuple(float(p) for p in adjusted)


def _versus_rest(agent: Losses, lost: int, applicable: int) -> float:
    others_lost, others = lost - agent.lost, applicable - agent.applicable
    table = [[agent.lost, agent.applicable - agent.lost], [others_lost, others - others_lost]]
    return float(fisher_exact(table, alternative="greater").pvalue)


def classify(losses: Sequence[Losses], systemic_rate: float, significance: float = SIGNIFICANCE) -> Verdict:
    """The verdict on one criterion in one period from each agent's losses on it."""
    lost, applicable = sum(a.lost for a in losses), sum(a.applicable for a in losses)
    pooled_rate = lost / applicable if applicable else None
    found, adjusted = standing_out(losses, significance)
    if found:
        kind = INDIVIDUAL
    elif pooled_rate is not None and lost and pooled_rate >= systemic_rate:
        kind = SYSTEMIC
    else:
        kind = NONE
    return Verdict(kind, rate_interval(lost, applicable), pooled_rate, found, adjusted)
