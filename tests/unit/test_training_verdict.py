"""The training verdict (vendor_qa.trainings.verdict): a test, not a feeling.

Simulated before/after windows with a fixed seed: a planted improvement of the documented
size (docs/methods.md: from 40% to 25%, 15 points) is found in at least 80% of simulations at
the n the verdict asks for; with no change, "improved" comes out in at most 5% (+ tolerance).
"""

from __future__ import annotations

import numpy as np
import pytest

from vendor_qa.stats.estimates import summarize
from vendor_qa.trainings import verdict
from vendor_qa.trainings.verdict import Window, decide

SIMULATIONS = 400
BEFORE, AFTER, EXPECTED = 0.40, 0.25, 0.15  # the documented effect size


def _share_called(rate_after: float, seed: int, kind: str) -> float:
    n = verdict.needed(BEFORE, EXPECTED)
    rng = np.random.default_rng(seed)
    before, after = rng.binomial(n, BEFORE, SIMULATIONS), rng.binomial(n, rate_after, SIMULATIONS)
    return sum(decide(Window(int(b), n), Window(int(a), n), EXPECTED).kind == kind
               for b, a in zip(before, after)) / SIMULATIONS


def test_a_planted_improvement_of_the_documented_size_is_found_at_least_8_times_in_10():
    assert _share_called(AFTER, seed=20261125, kind=verdict.IMPROVED) >= 0.80


def test_no_change_is_called_improved_at_most_5_percent_of_the_time():
    assert _share_called(BEFORE, seed=20261126, kind=verdict.IMPROVED) <= 0.05 + 0.02


def test_the_n_needed_matches_the_documented_example():
    assert verdict.needed(0.40, 0.15) == 203
    assert verdict.needed(0.30, 0.10) == 391


@pytest.mark.parametrize("before, after, kind", [
    (Window(80, 200), Window(40, 200), verdict.IMPROVED),
    (Window(40, 200), Window(80, 200), verdict.WORSE),
    (Window(84, 210), Window(80, 210), verdict.NO_CHANGE),
    (Window(8, 20), Window(6, 20), verdict.NOT_ENOUGH),
    (Window(0, 0), Window(3, 10), verdict.NOT_ENOUGH),
])
def test_the_four_verdicts(before, after, kind):
    assert decide(before, after, EXPECTED).kind == kind


def test_not_enough_data_says_how_many_are_needed():
    found = decide(Window(8, 20), Window(6, 20), EXPECTED)
    assert found.text == f"not enough data yet (n needed: {verdict.needed(0.4, EXPECTED)})"


def test_a_clear_drop_is_called_even_before_the_n_needed():
    """A significant result is significant: 9 of 10 lost before, 0 of 10 after."""
    assert decide(Window(9, 10), Window(0, 10), EXPECTED).kind == verdict.IMPROVED


def test_the_score_change_is_tested_beside_the_loss_rate():
    before = Window(25, 50, summarize([60, 70, 65, 55, 70]))
    after = Window(5, 50, summarize([90, 95, 85, 100, 90]))
    found = decide(before, after, EXPECTED)
    assert found.score_difference == pytest.approx(28.0)
    assert found.score_p_value < 0.01
    assert found.difference.high < 0  # Newcombe's interval of after - before lies below zero


def test_agents_still_losing_at_the_same_rate_or_more_are_listed_for_coaching():
    per_agent = {1: (Window(5, 10), Window(1, 10)),  # improved
                 2: (Window(2, 10), Window(4, 10)),  # worse
                 3: (Window(0, 0), Window(2, 5)),    # nothing to compare: losing after
                 4: (Window(3, 10), Window(0, 10))}  # no loss after
    assert verdict.not_improved(per_agent) == [2, 3]
