"""How sure an agent's band is, and whether a band change holds at 95%."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.stats_samples import summary_of
from vendor_qa.stats.bands import band_call, band_index, band_probabilities, change_supported
from vendor_qa.stats.estimates import summarize

MINIMUMS = [0, 45, 76]  # re-certify, train, good (seed 002)
scores = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)


@given(st.lists(scores, min_size=2, max_size=40))
def test_the_probabilities_of_the_bands_add_up_to_one(values):
    found = band_probabilities(summarize(values), MINIMUMS)
    assert len(found) == 3 and all(p >= 0 for p in found)
    assert sum(found) == pytest.approx(1)


def test_the_band_is_that_of_the_average_with_how_likely_it_is():
    steady = band_call(summarize([88, 92, 90, 91, 89, 90, 93, 87]), MINIMUMS)
    assert steady.index == 2 and steady.probability > 0.99 and steady.certain
    near_an_edge = band_call(summarize([70, 82, 75, 79]), MINIMUMS)
    assert near_an_edge.index == 2 and 0.3 < near_an_edge.probability < 0.7 and not near_an_edge.certain
    assert band_call(summarize([80]), MINIMUMS).probability is None
    assert band_call(summarize([]), MINIMUMS) is None


def test_band_index_follows_the_minimums():
    assert [band_index(v, MINIMUMS) for v in (0, 44.99, 45, 75.9999, 76, 100)] == [0, 0, 1, 1, 2, 2]


def test_a_stated_probability_is_calibrated():
    """Of the agents called "good" with a probability p, about p truly are good (fixed seed)."""
    rng = np.random.default_rng(11)
    truths = rng.uniform(60, 95, 3000)
    stated, right = [], []
    for truth in truths:
        a = truth / 100 * 6
        values = 100 * rng.beta(a, 6 - a, 8)
        call = band_call(summary_of(values), MINIMUMS)
        stated.append(call.probability)
        right.append(band_index(truth, MINIMUMS) == call.index)
    stated, right = np.array(stated), np.array(right)
    for low, high in ((0.5, 0.8), (0.8, 0.95), (0.95, 1.0)):
        chosen = (stated >= low) & (stated < high + 1e-12)
        assert right[chosen].mean() >= low - 0.05  # no more sure than it says


def test_a_change_holds_only_when_both_periods_say_so():
    before, after = summarize([50, 60, 55, 40, 50, 52, 48, 51]), summarize([80, 90, 85, 88, 92, 79, 84, 86])
    assert change_supported(before, after, MINIMUMS) is True
    assert change_supported(after, before, MINIMUMS) is True
    assert change_supported(summarize([74, 73, 76, 70]), summarize([77, 79, 75, 78]), MINIMUMS) is False
    assert change_supported(before, summarize([52, 58, 49]), MINIMUMS) is None  # same band
    assert change_supported(summarize([]), after, MINIMUMS) is None
