"""Systemic or individual by a test: error rates checked by simulation with a fixed seed."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.stats.differences import INDIVIDUAL, NONE, SYSTEMIC, Losses, classify

AGENTS, PER_AGENT, SIMULATIONS = 12, 8, 300
THRESHOLD = 0.3


def _simulate(rates, rng):
    lost = rng.binomial(PER_AGENT, rates)
    return classify([Losses(int(k), PER_AGENT) for k in lost], THRESHOLD)


def test_equal_rates_are_called_individual_at_most_5_percent_of_the_time():
    rng = np.random.default_rng(2026)
    for rate in (0.05, 0.2, 0.5):
        found = [_simulate(np.full(AGENTS, rate), rng).kind for _ in range(SIMULATIONS)]
        assert found.count(INDIVIDUAL) / SIMULATIONS <= 0.05 + 0.02  # tolerance: the simulation's own error


def test_a_planted_problem_of_2_agents_in_12_is_found_at_8_evaluations_each():
    rng = np.random.default_rng(1125)
    rates = np.array([0.1] * 10 + [0.75] * 2)
    found = [_simulate(rates, rng) for _ in range(SIMULATIONS)]
    hits = [v.kind == INDIVIDUAL and set(v.standing_out) <= {10, 11} and v.standing_out for v in found]
    assert sum(bool(h) for h in hits) / SIMULATIONS >= 0.8


def test_a_criterion_everyone_loses_as_often_is_systemic():
    rng = np.random.default_rng(7)
    found = [_simulate(np.full(AGENTS, 0.5), rng).kind for _ in range(100)]
    assert found.count(SYSTEMIC) >= 90


def test_the_old_rule_of_30_percent_of_agents_is_gone():
    """Every agent losing it once in 18 (5%): the share-of-agents rule called this systemic."""
    assert classify([Losses(1, 18)] * 12, THRESHOLD).kind == NONE


losses = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 30)).map(lambda t: Losses(min(t), t[1])),
                  min_size=1, max_size=15)


@given(losses, st.floats(0.01, 1))
def test_the_verdict_is_consistent(found, threshold):
    verdict = classify(found, threshold)
    assert (verdict.kind == INDIVIDUAL) == bool(verdict.standing_out)
    assert all(found[i].lost > 0 for i in verdict.standing_out)
    assert len(verdict.adjusted) == len(found) and all(0 <= p <= 1 for p in verdict.adjusted)
    if verdict.kind == SYSTEMIC:
        assert verdict.pooled_rate >= threshold
    if sum(a.lost for a in found) == 0:
        assert verdict.kind == NONE
