"""Agreement coefficients against published worked examples, and the bootstrap against the package."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendor_qa.stats import agreement as stats_agreement
from vendor_qa.stats.agreement import agreement, alpha, answer_counts, gwet_ac1
from vendor_qa.stats.intervals import bootstrap_weights

# Gwet's irrCAC package (README, "cac.raw4raters"): 12 subjects, 4 raters, categories 1-5, with gaps.
RAW_4_RATERS = [[1, 1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4],
                [1, 1, 2, 1], [2, 2, 2, 2], [5, 5, 5], [1, 1], [3]]


def test_ac1_matches_gwets_published_examples():
    # irrCAC: gwet.ac1.raw(cac.raw4raters) gives pa 0.8181818, pe 0.1903212, AC1 0.77544.
    assert gwet_ac1(answer_counts(RAW_4_RATERS, [1, 2, 3, 4, 5])) == pytest.approx(0.77544, abs=5e-6)
    # irrCAC: gwet.ac1.table(cont3x3abstractors), two raters' 3 x 3 table: AC1 0.8493305.
    table = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    units = [[a, b] for a in range(3) for b in range(3) for _ in range(table[a][b])]
    assert gwet_ac1(answer_counts(units, [0, 1, 2])) == pytest.approx(0.8493305, abs=5e-8)


def test_alpha_is_krippendorffs_and_matches_the_published_value():
    # irrCAC: krippen.alpha.raw(cac.raw4raters) 0.74342 (nominal); Krippendorff (2011): 0.815 (ordinal).
    counts = answer_counts(RAW_4_RATERS, [1, 2, 3, 4, 5])
    assert alpha(counts, "nominal") == pytest.approx(0.74342, abs=5e-6)
    assert alpha(counts, "ordinal") == pytest.approx(0.815, abs=5e-4)


def test_the_prevalence_paradox_shows_in_alpha_not_in_ac1():
    """47 of 48 answers "yes" (24 calls, two graders, one disagreement): alpha says 0, AC1 says near-perfect."""
    units = [["yes", "yes"]] * 23 + [["yes", "no"]]
    found = agreement(answer_counts(units, ["no", "yes"]), "nominal")
    assert found.alpha == pytest.approx(0, abs=0.01) and found.ac1 > 0.95 and found.lopsided
    assert found.ac1_interval.low <= found.ac1 <= found.ac1_interval.high


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2), min_size=2, max_size=4), min_size=3, max_size=12),
       st.sampled_from(["nominal", "ordinal"]))
def test_each_resample_gives_the_packages_alpha(units, level):
    """The vectorised bootstrap computes, for each resample, the alpha krippendorff computes on it."""
    counts = answer_counts(units, [0, 1, 2])
    weights = bootstrap_weights(len(counts), 20)
    fast = stats_agreement._alphas(counts, weights, level)
    for row, found in zip(weights, fast, strict=True):
        drawn = np.repeat(counts, row.astype(int), axis=0)
        if np.count_nonzero(drawn.sum(axis=0)) < 2:
            continue  # no variation drawn: undefined either way
        with np.errstate(invalid="ignore", divide="ignore"):
            expected = krippendorff.alpha(value_counts=drawn, level_of_measurement=level)
        assert found == pytest.approx(expected, abs=1e-9) or (np.isnan(found) and np.isnan(expected))


def test_the_interval_is_the_same_every_time_and_narrows_with_more_calls():
    rng = np.random.default_rng(5)
    def calls(n):
        truth = rng.integers(0, 3, n)
        return [[t, t if rng.random() < 0.8 else rng.integers(0, 3)] for t in truth]
    few, many = answer_counts(calls(10), [0, 1, 2]), answer_counts(calls(200), [0, 1, 2])
    assert agreement(few, "ordinal") == agreement(few, "ordinal")  # a fixed seed: reproducible figures
    narrow, wide = agreement(many, "ordinal").alpha_interval, agreement(few, "ordinal").alpha_interval
    assert narrow.high - narrow.low < wide.high - wide.low
    assert agreement(few, "ordinal").indicative is False and agreement(few[:3], "ordinal").indicative
