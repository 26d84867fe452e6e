"""Agreement between graders on one criterion: Krippendorff's alpha, Gwet's AC1, bootstrap intervals.

The data are *units* (calls) and, for each, the answers its graders gave: a units × categories
matrix of counts (how many graders gave each answer), categories in their order (worst first).

- **Krippendorff's alpha** (the `krippendorff` package) at the criterion's level: nominal for
  yes/no, ordinal for graded (none < partial < full) and scale answers. Criteria are never
  pooled on one scale: a yes/no and a 0-5 scale do not share a metric.
- **Gwet's AC1** (Gwet 2008; Handbook of Inter-Rater Reliability, 2014), by its formula:
  pa = the mean over units with two or more answers of Σₖ rᵢₖ(rᵢₖ − 1) / (rᵢ(rᵢ − 1)),
  πₖ = the mean over units of rᵢₖ / rᵢ,  pe = Σₖ πₖ(1 − πₖ) / (q − 1),  AC1 = (pa − pe) / (1 − pe).
  Alpha's chance correction collapses when nearly every answer is the same (47 "yes" of 48
  give alpha 0: the prevalence paradox); AC1's does not, so it is shown beside alpha and is
  the figure to read for a lopsided criterion.
- **Intervals**: a percentile bootstrap over units (calls are what was sampled; the graders of
  a call are not independent), with a fixed seed so that the same data give the same interval
  on every page. Each resample's alpha comes from the units' coincidence matrices weighted by
  how often the resample draws them: the same number krippendorff computes (a test checks it),
  for a thousand resamples in one array operation.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np

from vendor_qa.stats.intervals import Interval, bootstrap_weights, percentile_interval

Level = Literal["nominal", "ordinal"]
LOPSIDED = 0.8  # one answer makes up at least this share of all answers: read AC1 beside alpha
MINIMUM_UNITS = 5  # fewer calls than this with two or more answers: the figures are indicative


def answer_counts(units: Sequence[Sequence[Hashable]], categories: Sequence[Hashable]) -> np.ndarray:
    """The units × categories counts of some units' answers (answers outside `categories`, e.g.
    N/A or none, are left out)."""
    index = {c: i for i, c in enumerate(categories)}
    found = np.zeros((len(units), len(categories)))
    for row, answers in enumerate(units):
        for answer in answers:
            if answer in index:
                found[row, index[answer]] += 1
    return found


def _pairable(counts: np.ndarray) -> np.ndarray:
    return counts[counts.sum(axis=1) >= 2]


def alpha(counts: np.ndarray, level: Level) -> float | None:
    """Krippendorff's alpha; None when undefined (no unit with two answers, or no variation at all)."""
    counts = _pairable(counts)
    if not len(counts) or np.count_nonzero(counts.sum(axis=0)) < 2:
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        found = float(krippendorff.alpha(value_counts=counts, level_of_measurement=level))
    return None if np.isnan(found) else found


def gwet_ac1(counts: np.ndarray) -> float | None:
    """Gwet's AC1 over the q = counts.shape[1] categories; None without a unit of two answers."""
    counts = _rated(counts)
    found = _ac1(counts, np.ones((1, len(counts))))[0] if len(counts) else np.nan
    return None if np.isnan(found) else float(found)


def _rated(counts: np.ndarray) -> np.ndarray:
    return counts[counts.sum(axis=1) >= 1]


def _ac1(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """AC1 of each resample, a resample being a weighting (resamples × units) of the units."""
    q = counts.shape[1]
    raters = counts.sum(axis=1)
    pairable = raters >= 2
    with np.errstate(invalid="ignore", divide="ignore"):
        pairs = np.where(pairable, (counts * (counts - 1)).sum(axis=1) / (raters * (raters - 1)), 0.0)
        pa = weights @ pairs / (weights @ pairable)
        pi = weights @ (counts / raters[:, None]) / weights.sum(axis=1)[:, None]
        pe = (pi * (1 - pi)).sum(axis=1) / (q - 1)
        return (pa - pe) / (1 - pe)


def _alphas(counts: np.ndarray, weights: np.ndarray, level: Level) -> np.ndarray:
    """Alpha of each resample, a resample being a weighting (resamples × units) of the units."""
    pairable = counts.sum(axis=1) >= 2
    counts, weights = counts[pairable], weights[:, pairable]
    m = counts.sum(axis=1)
    # each unit's coincidences: (n_uc n_uk − [c = k] n_uc) / (m_u − 1), summed with the resample's weights
    units = np.einsum("uc,uk->uck", counts, counts) - np.einsum("uc,ck->uck", counts, np.eye(counts.shape[1]))
    coincidences = np.einsum("bu,uck->bck", weights, units / (m - 1)[:, None, None])
    totals = coincidences.sum(axis=2)
    delta = np.stack([_metric(t, level) for t in totals])
    observed = (coincidences * delta).sum(axis=(1, 2))
    expected = np.einsum("bc,bk,bck->b", totals, totals, delta)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 - (totals.sum(axis=1) - 1) * observed / expected


def _metric(totals: np.ndarray, level: Level) -> np.ndarray:
    """Krippendorff's squared difference of two categories, as the package defines it."""
    q = len(totals)
    ranks = np.arange(q)
    if level == "nominal":
        return (ranks[:, None] != ranks[None, :]).astype(float)
    # ordinal: (Σ of the totals from c to k − (n_c + n_k) / 2)²
    cumulative = np.concatenate([[0.0], np.cumsum(totals)])
    low, high = np.minimum.outer(ranks, ranks), np.maximum.outer(ranks, ranks)
    return (cumulative[high + 1] - cumulative[low] - (totals[low] + totals[high]) / 2) ** 2


@dataclass(frozen=True)
class Agreement:
    level: Level
    units: int  # calls with two or more answers
    alpha: float | None
    alpha_interval: Interval | None
    ac1: float | None
    ac1_interval: Interval | None
    lopsided: bool  # one answer makes up LOPSIDED or more of all answers: read AC1

    @property
    def indicative(self) -> bool:
        return self.units < MINIMUM_UNITS


def agreement(counts: np.ndarray, level: Level) -> Agreement:
    """Alpha and AC1 of one criterion over its units, each with its bootstrap interval."""
    counts = _rated(np.asarray(counts, dtype=float))
    units = int((counts.sum(axis=1) >= 2).sum())
    answers = counts.sum()
    lopsided = bool(answers and counts.sum(axis=0).max() / answers >= LOPSIDED)
    found_alpha, found_ac1 = alpha(counts, level), gwet_ac1(counts)
    if units < 2:
        return Agreement(level, units, found_alpha, None, found_ac1, None, lopsided)
    weights = bootstrap_weights(len(counts))
    alpha_interval = None if found_alpha is None else percentile_interval(_alphas(counts, weights, level), units)
    ac1_interval = None if found_ac1 is None else percentile_interval(_ac1(counts, weights), units)
    return Agreement(level, units, found_alpha, alpha_interval, found_ac1, ac1_interval, lopsided)
