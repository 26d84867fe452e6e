"""Point estimates: a mean from its sufficient statistics, a share, a stratified mean.

Scores come out of SQL as count, sum and sum of squares, so a mean (and, in intervals.py, its
interval) is computed from those three numbers, never from the rows again. The mean is exact:
Decimal arithmetic on the stored four-decimal totals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Summary:
    """Count, sum and sum of squares of some scores: enough for their mean and spread."""

    n: int
    total: Decimal
    total_sq: Decimal

    def __add__(self, other: Summary) -> Summary:
        return Summary(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)

    @property
    def variance(self) -> float | None:
        """The sample variance (n − 1 in the denominator); None below two values."""
        if self.n < 2:
            return None
        # (Σx² − (Σx)²/n) / (n − 1), exact in Decimal, then floored: rounding can leave -0.
        return max(float((self.total_sq - self.total * self.total / self.n) / (self.n - 1)), 0.0)


EMPTY = Summary(0, Decimal(0), Decimal(0))


def summarize(values: Iterable[Decimal | int | float]) -> Summary:
    values = [Decimal(str(v)) if isinstance(v, float) else Decimal(v) for v in values]
    return Summary(len(values), sum(values, Decimal(0)), sum((v * v for v in values), Decimal(0)))


def mean(summary: Summary) -> Decimal | None:
    return summary.total / summary.n if summary.n else None


def share(part: int, whole: int) -> Decimal | None:
    """part / whole as an exact decimal fraction of 1 (None when there is no whole)."""
    return Decimal(part) / Decimal(whole) if whole else None


@dataclass(frozen=True)
class Stratum:
    """One stratum of a stratified sample: its weight in the population and its sampled scores."""

    weight: Decimal  # the stratum's share of the population (e.g. of the calls taken), summing to 1
    summary: Summary


def stratified_mean(strata: Sequence[Stratum]) -> Decimal | None:
    """Σ W_h · ȳ_h over the strata that were sampled, the weights renormalised over them.

    The sampling design draws as many short calls as long ones (seed 000), so the plain mean
    over-represents whichever kind is rarer; weighting each stratum's mean by its share of the
    calls taken estimates the mean over all calls. A stratum with no sampled score is left out
    and the others' weights rescaled (None when no stratum was sampled).
    """
    sampled = [s for s in strata if s.summary.n and s.weight > 0]
    weight = sum((s.weight for s in sampled), Decimal(0))
    if not weight:
        return None
    return sum((s.weight * mean(s.summary) for s in sampled), Decimal(0)) / weight
