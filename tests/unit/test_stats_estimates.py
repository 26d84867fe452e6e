"""Point estimates: the exact mean, a share, the stratified mean of the sampling design."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.stats.estimates import Stratum, mean, share, stratified_mean, summarize

scores = st.lists(st.decimals(min_value=0, max_value=100, places=4, allow_nan=False), min_size=1, max_size=20)


def test_the_mean_is_exact():
    assert mean(summarize([Decimal("80.1"), Decimal("70.2"), Decimal("90.3")])) == Decimal("80.2")
    assert mean(summarize([])) is None and share(1, 0) is None and share(1, 4) == Decimal("0.25")


def test_strata_are_weighted_by_their_share_of_the_calls():
    # 4 short calls scored 90 and 4 long scored 60, but 80% of the calls taken were short.
    short, long = summarize([90] * 4), summarize([60] * 4)
    assert stratified_mean([Stratum(Decimal("0.8"), short), Stratum(Decimal("0.2"), long)]) == Decimal(84)
    assert mean(short + long) == 75  # the plain mean over-weights the long calls


def test_an_unsampled_stratum_leaves_the_others_weights_rescaled():
    assert stratified_mean([Stratum(Decimal("0.7"), summarize([80])), Stratum(Decimal("0.3"), summarize([]))]) == 80
    assert stratified_mean([]) is None


@given(scores, scores, st.decimals(min_value="0.01", max_value="0.99", places=2))
def test_the_stratified_mean_lies_between_the_strata(a, b, weight):
    found = stratified_mean([Stratum(weight, summarize(a)), Stratum(1 - weight, summarize(b))])
    low, high = sorted([mean(summarize(a)), mean(summarize(b))])
    assert low <= found <= high
