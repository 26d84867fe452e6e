"""The mean and its 95% confidence interval (Student's t) from count, sum and sum of squares."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from vendor_qa.reports.statistics import interval, mean, share, summarize

# Stored totals: 0..100 with four decimals, as Numeric(7, 4) holds them.
scores = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
samples = st.lists(scores, min_size=2, max_size=60)


def test_the_mean_is_exact():
    assert mean(summarize([Decimal("80.1"), Decimal("70.2"), Decimal("90.3")])) == Decimal("80.2")


def test_no_mean_without_values_and_no_interval_below_two():
    assert mean(summarize([])) is None
    assert interval(summarize([])) is None
    assert interval(summarize([Decimal(70)])) is None


def test_a_known_interval():
    # 60, 70, 80: mean 70, s = 10, t(0.975, 2) = 4.302653; half-width 4.302653 * 10 / sqrt(3).
    found = interval(summarize([60, 70, 80]))
    assert found.low == pytest.approx(70 - 24.8414, abs=1e-4)
    assert found.high == pytest.approx(70 + 24.8414, abs=1e-4)


@given(samples)
def test_the_interval_contains_the_mean(values):
    summary = summarize(values)
    found = interval(summary)
    centre = float(mean(summary))
    assert found.low <= centre + 1e-9 and centre - 1e-9 <= found.high
    assert found.high - found.low >= 0


@given(samples)
def test_it_agrees_with_scipy_on_the_raw_values(values):
    summary = summarize(values)
    found = interval(summary)
    floats = [float(v) for v in values]
    sem = scipy_stats.sem(floats)
    if sem == 0 or math.isnan(sem):
        assert found.low == pytest.approx(found.high, abs=1e-6)
        return
    low, high = scipy_stats.t.interval(0.95, len(floats) - 1, loc=sum(floats) / len(floats), scale=sem)
    assert found.low == pytest.approx(max(low, 0), abs=1e-6)  # clamped to the score range
    assert found.high == pytest.approx(min(high, 100), abs=1e-6)


def test_near_the_top_of_the_scale_the_interval_stops_at_100():
    # 100, 100, 90: mean 96.67, s = 5.77, t(0.975, 2) = 4.3027: 96.67 ± 14.34 reaches 111.
    found = interval(summarize([100, 100, 90]))
    assert found.high == 100.0
    assert found.low == pytest.approx(96.6667 - 14.3422, abs=1e-4)
    assert interval(summarize([0, 0, 10])).low == 0.0


@given(samples)
def test_the_interval_never_leaves_the_score_range(values):
    found = interval(summarize(values))
    assert 0 <= found.low <= found.high <= 100


@settings(max_examples=50)
@given(st.lists(scores, min_size=2, max_size=20).filter(lambda v: len(set(v)) > 1), st.integers(2, 5))
def test_more_of_the_same_data_narrows_it(values, times):
    once = interval(summarize(values))
    more = interval(summarize(values * times))
    assert more.half_width <= once.half_width
    if 0 < once.low and once.high < 100:  # not cut by the ends of the scale
        assert more.half_width < once.half_width


def test_summaries_add_up():
    left, right = summarize([1, 2]), summarize([3])
    assert left + right == summarize([1, 2, 3])


def test_share_of_nothing_is_none():
    assert share(1, 4) == Decimal("0.25")
    assert share(0, 0) is None
