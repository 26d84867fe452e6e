"""95% intervals: for a mean of bounded scores, for a rate, for a mean difference.

**A mean of scores (0-100).** Student's t assumes a symmetric spread; scores are bounded and
skewed (many at 100, critical fails at 0), and with the 4-8 scores of an agent's week t covers
85-94% instead of 95% and reaches past 100. Here the mean is modelled as a proportion of the
scale with a design effect, in the way survey statisticians give a clustered proportion its
Jeffreys interval with an effective sample size (Korn & Graubard 1998):

    m = mean / 100,  φ = s² / (100² · m(1 − m))          (the spread relative to the largest
                                                          a mean of m allows: 0 < φ ≤ n/(n−1))
    φ̃ = (ν₀ · 1 + (n − 1) · φ) / (ν₀ + n − 1)            (ν₀ = 0.5 pseudo degrees of freedom at
                                                          the largest spread: few or identical
                                                          scores cannot claim a certainty they lack)
    n* = n / φ̃ · (z₀.₉₇₅ / t₀.₉₇₅,ₙ₋₁)²                  (the effective n, discounted for a spread
                                                          that is itself estimated)
    mean / 100 ~ Beta(m · n* + ½, (1 − m) · n* + ½)      (Jeffreys)

The interval is that distribution's 2.5% and 97.5% quantiles, so it never leaves 0-100 and
needs no clamping; at a mean of 0 or 100 it reaches that end (the modified Jeffreys
interval). bands.py reads band probabilities from the same distribution. Coverage was checked
by simulation at n = 2..30 on beta, point-mass-at-100 and critical-fail mixtures
(tests/unit/test_stats_intervals.py; docs/methods.md has the table): at least 93% at n ≥ 4.

**A rate** (pass, auto-fail, loss): Wilson's score interval (statsmodels).

**A mean difference** (a grader's leniency): Student's t on the per-call differences, which
are differences of two scores and so not bounded on one side.

**A share pooled over clusters** (criteria answered alike, of those compared, call by call): a
percentile bootstrap over the calls, since the criteria of one call are not independent. The
bootstrap's seed is fixed, so the same data give the same interval on every page.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import proportion_confint

from vendor_qa.stats.estimates import Summary

CONFIDENCE = 0.95
LOWEST, HIGHEST = 0.0, 100.0  # the score range: a mean of scores cannot lie outside it
MINIMUM_N = 8  # below this many values a figure is "indicative" (shown, and marked so)
SPREAD_PRIOR_DF = 0.5  # ν₀ above
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 20261125


@dataclass(frozen=True)
class Interval:
    """A 95% interval of a figure from n values; `indicative` below MINIMUM_N values."""

    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    @property
    def indicative(self) -> bool:
        return self.n < MINIMUM_N

    def excludes(self, value: float) -> bool:
        return value < self.low or self.high < value


@dataclass(frozen=True)
class MeanDistribution:
    """Beta(a, b): the distribution of the true mean / 100. Through scipy.special, which is
    a thousand times quicker than a frozen scipy.stats.beta, and a page asks for hundreds."""

    a: float
    b: float

    def cdf(self, x: float) -> float:
        return float(special.betainc(self.a, self.b, x))

    def sf(self, x: float) -> float:
        return float(special.betaincc(self.a, self.b, x))

    def ppf(self, q: float) -> float:
        return float(special.betaincinv(self.a, self.b, q))

    def isf(self, q: float) -> float:
        return float(special.betainccinv(self.a, self.b, q))


def mean_distribution(summary: Summary) -> MeanDistribution | None:
    """The distribution of the true mean / 100; None below two scores."""
    if summary.n < 2:
        return None
    n = summary.n
    m = float(summary.total / n) / HIGHEST
    largest = m * (1 - m) * HIGHEST * HIGHEST
    phi = summary.variance / largest if largest > 0 else 1.0
    phi = (SPREAD_PRIOR_DF + (n - 1) * phi) / (SPREAD_PRIOR_DF + n - 1)
    effective = n / phi * _t_discount(n - 1)
    return MeanDistribution(m * effective + 0.5, (1 - m) * effective + 0.5)


def mean_interval(summary: Summary, confidence: float = CONFIDENCE) -> Interval | None:
    """The interval of the mean of scores 0-100; None below two scores."""
    found = mean_distribution(summary)
    if found is None:
        return None
    tail = (1 - confidence) / 2
    m = float(summary.total / summary.n)
    low, high = found.ppf(tail) * HIGHEST, found.isf(tail) * HIGHEST
    # At (or within a hair of) an end of the scale the half pseudo-count outweighs the mean and
    # the quantile passes it: the interval then reaches that end, as the modified Jeffreys
    # interval of Brown, Cai & DasGupta (2001) does for none or all successes.
    return Interval(LOWEST if low > m else low, HIGHEST if high < m else high, summary.n)


@functools.lru_cache(maxsize=1024)
def _t_discount(df: int) -> float:
    """(z / t)² at 97.5%: scipy takes a while for each quantile, and a page asks for dozens."""
    z = scipy_stats.norm.ppf(0.975)
    return float((z / scipy_stats.t.ppf(0.975, df)) ** 2)


def rate_interval(part: int, whole: int, confidence: float = CONFIDENCE) -> Interval | None:
    """Wilson's interval of part / whole, as shares of 1; None when there is no whole."""
    if not whole:
        return None
    low, high = proportion_confint(part, whole, alpha=1 - confidence, method="wilson")
    return Interval(float(low), float(high), whole)


def difference_interval(differences: Sequence[float], confidence: float = CONFIDENCE) -> Interval | None:
    """Student's t interval of the mean of some differences; None below two."""
    if len(differences) < 2:
        return None
    values = [float(d) for d in differences]
    if max(values) == min(values):  # no spread: t has nothing to say, the differences are all alike
        return Interval(values[0], values[0], len(values))
    found = scipy_stats.ttest_1samp(values, 0.0).confidence_interval(confidence)
    return Interval(float(found.low), float(found.high), len(values))


def bootstrap_weights(units: int, resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """How often each resample draws each unit (resamples × units), from the fixed seed."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    return rng.multinomial(units, np.full(units, 1 / units), size=resamples).astype(float)


def percentile_interval(values: np.ndarray, n: int, confidence: float = CONFIDENCE) -> Interval | None:
    """The bootstrap's percentile interval; None when most resamples left the figure undefined."""
    values = values[~np.isnan(values)]
    if len(values) < BOOTSTRAP_RESAMPLES / 2:
        return None
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval(float(low), float(high), n)


def ratio_interval(parts: Sequence[int], wholes: Sequence[int], confidence: float = CONFIDENCE) -> Interval | None:
    """Σ parts / Σ wholes with clusters (parts[i] of wholes[i]) resampled; None below two clusters."""
    if len(parts) < 2 or not sum(wholes):
        return None
    weights = bootstrap_weights(len(parts))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = weights @ np.asarray(parts, dtype=float) / (weights @ np.asarray(wholes, dtype=float))
    return percentile_interval(ratios, len(parts), confidence)
