"""How sure an agent's band is: the probability that the true mean lies in each band.

Read from the same distribution of the mean as its interval (intervals.mean_distribution), so
the band, the interval and the probability never disagree in kind. Bands are given by their
minimums (rising, the first 0): band i covers [minimum i, minimum i+1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from vendor_qa.stats.estimates import Summary
from vendor_qa.stats.intervals import CONFIDENCE, HIGHEST, mean_distribution

Minimums = Sequence[Decimal | int | float]


def band_probabilities(summary: Summary, minimums: Minimums) -> list[float] | None:
    """P(true mean in band i) for each band; None below two scores."""
    found = mean_distribution(summary)
    if found is None:
        return None
    edges = [0.0, *(float(m) / HIGHEST for m in minimums[1:]), 1.0]
    below = [found.cdf(edge) for edge in edges]
    return [max(b - a, 0.0) for a, b in pairwise(below)]


def band_index(value: Decimal | float, minimums: Minimums) -> int:
    """The band of a mean: the highest minimum not above it (as scoring.band_for)."""
    reached = [i for i, m in enumerate(minimums) if Decimal(str(m)) <= Decimal(str(value))]
    return reached[-1] if reached else 0


@dataclass(frozen=True)
class BandCall:
    index: int  # the band of the average
    probability: float | None  # that the true mean lies in it; None below two scores

    @property
    def certain(self) -> bool:
        return self.probability is not None and self.probability >= CONFIDENCE


def band_call(summary: Summary, minimums: Minimums) -> BandCall | None:
    """The band of the average and how likely the true mean lies in it; None without scores."""
    if not summary.n:
        return None
    index = band_index(summary.total / summary.n, minimums)
    found = band_probabilities(summary, minimums)
    return BandCall(index, None if found is None else found[index])


def change_supported(before: Summary, now: Summary, minimums: Minimums) -> bool | None:
    """Whether a move from the band of `before` to the band of `now` holds at 95%.

    The move crosses the edge of the earlier band on its side; it holds when the probability
    that the earlier true mean lay on the old side of that edge and the present one lies on
    the new side (the two periods' scores being independent) is at least 95%. None when the
    band did not change or a period has fewer than two scores.
    """
    if not before.n or not now.n:
        return None
    old, new = band_index(before.total / before.n, minimums), band_index(now.total / now.n, minimums)
    was, is_now = mean_distribution(before), mean_distribution(now)
    if old == new or was is None or is_now is None:
        return None
    edge = float(minimums[old + 1 if new > old else old]) / HIGHEST
    if new > old:
        chance = was.cdf(edge) * is_now.sf(edge)
    else:
        chance = was.sf(edge) * is_now.cdf(edge)
    return bool(chance >= CONFIDENCE)
