"""Pure statistics of scores: the mean and its 95% confidence interval (Student's t).

Aggregates come out of SQL as sufficient statistics (count, sum, sum of squares), so a
mean and its interval are computed here from those three numbers, never from the rows
again; `summarize` builds them from plain values for tests and small inputs.

The mean is exact (Decimal arithmetic on the stored four-decimal totals). The interval
is mean ± t(0.975, n-1) · s / √n with the sample standard deviation s, clamped to the
score range 0-100 (near the ends of the scale, with few or spread scores, the formula
reaches past them, and no mean can); its bounds are floats, being irrational anyway, and
there is no interval below two values.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from scipy.stats import t as student_t

CONFIDENCE = 0.95
LOWEST, HIGHEST = 0.0, 100.0  # the score range: a mean of scores cannot lie outside it


@dataclass(frozen=True)
class Summary:
    """Count, sum and sum of squares of some scores: enough for their mean and spread."""

    n: int
    total: Decimal
    total_sq: Decimal

    def __add__(self, other: "Summary") -> "Summary":
        return Summary(self.n + other.n, self.total + other.total, self.total_sq + other.total_sq)


EMPTY = Summary(0, Decimal(0), Decimal(0))


def summarize(values: Iterable[Decimal | int]) -> Summary:
    values = [Decimal(v) for v in values]
    return Summary(len(values), sum(values, Decimal(0)), sum((v * v for v in values), Decimal(0)))


def mean(summary: Summary) -> Decimal | None:
    return summary.total / summary.n if summary.n else None


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2


def interval(summary: Summary, confidence: float = CONFIDENCE) -> Interval | None:
    """The two-sided confidence interval of the mean; None for fewer than two values."""
    n = summary.n
    if n < 2:
        return None
    centre = float(summary.total / n)
    # (Σx² − (Σx)²/n) / (n − 1), exact in Decimal, then clamped: rounding can leave -0.
    variance = max(float((summary.total_sq - summary.total * summary.total / n) / (n - 1)), 0.0)
    margin = _quantile(confidence, n - 1) * math.sqrt(variance / n)
    return Interval(max(centre - margin, LOWEST), min(centre + margin, HIGHEST))


@functools.lru_cache(maxsize=4096)
def _quantile(confidence: float, df: int) -> float:
    """t((1 + confidence) / 2, df): scipy takes a while for each, and a page asks for dozens."""
    return float(student_t.ppf((1 + confidence) / 2, df))


def share(part: int, whole: int) -> Decimal | None:
    """part / whole as an exact decimal fraction of 1 (None when there is no whole)."""
    return Decimal(part) / Decimal(whole) if whole else None
