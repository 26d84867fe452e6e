"""Sampling: bounds, priority reviews, stratification, reproducibility, spreading (hypothesis),
plus the policy it reads."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from math import ceil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.sla.policy import CHANNELS, Policy
from vendor_qa.sla.sampling import AgentPlan, Candidate, goal_for_day, plan_agent

# --- strategies ----------------------------------------------------------------------------


@st.composite
def policies(draw) -> Policy:
    minimum = draw(st.integers(0, 6))
    target = draw(st.integers(max(minimum, 1), 10))
    return Policy(
        minimum=minimum,
        target=target,
        maximum=draw(st.integers(target, 14)),
        low_rating_threshold=draw(st.integers(0, 5)),
        short_call_seconds=draw(st.integers(1, 600)),
        short_share=draw(st.fractions(0, 1, max_denominator=10)),
    )


@st.composite
def candidate_lists(draw, assigned=st.booleans(), max_size=30) -> list[Candidate]:
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(0, 1200),  # duration
                st.none() | st.integers(1, 5),  # rating
                st.integers(0, 2**31),  # sample key
                assigned,
            ),
            max_size=max_size,
        )
    )
    ids = draw(st.lists(st.integers(1, 10**6), min_size=len(rows), max_size=len(rows), unique=True))
    return [Candidate(i, *row) for i, row in zip(ids, rows)]


days = st.integers(0, 7)
fresh_candidates = candidate_lists(assigned=st.just(False))


def is_low(c: Candidate, policy: Policy) -> bool:
    return c.rating is not None and c.rating <= policy.low_rating_threshold


def is_short(c: Candidate, policy: Policy) -> bool:
    return c.duration_seconds < policy.short_call_seconds


def already(candidates: list[Candidate], plan: AgentPlan) -> int:
    return sum(c.assigned for c in candidates) + len(plan.low_rating)


def assign(candidates: list[Candidate], ids: set[int]) -> list[Candidate]:
    return [replace(c, assigned=True) if c.call_id in ids else c for c in candidates]


def strata_hold(candidates: list[Candidate], policy: Policy, n: int) -> bool:
    """Both the short and the long stratum have at least n calls that may be sampled."""
    pool = [c for c in candidates if not is_low(c, policy)]
    return all(sum(is_short(c, policy) == short for c in pool) >= n for short in (True, False))


def short_share_within_one_call(chosen: list[Candidate], policy: Policy) -> bool:
    short = sum(is_short(c, policy) for c in chosen)
    return abs(short - policy.short_share * len(chosen)) <= 1


# --- bounds and membership -----------------------------------------------------------------


@given(candidate_lists(), policies(), days)
def test_never_more_samples_than_needed_nor_past_the_maximum(candidates, policy, day):
    plan = plan_agent(candidates, policy, day)
    if plan.insufficient_volume:
        return
    covered = already(candidates, plan)
    assert len(plan.samples) <= max(0, min(goal_for_day(policy, day), policy.maximum) - covered)
    # Only priority reviews may take an agent past the maximum.
    assert not plan.samples or covered + len(plan.samples) <= policy.maximum


@given(candidate_lists(), policies(), days)
def test_no_call_twice_and_never_an_assigned_call(candidates, policy, day):
    plan = plan_agent(candidates, policy, day)
    chosen = plan.low_rating + plan.samples
    assert len(set(chosen)) == len(chosen)
    unassigned = {c.call_id for c in candidates if not c.assigned}
    assert set(chosen) <= unassigned
    assert list(plan.samples) == sorted(plan.samples)
    assert list(plan.low_rating) == sorted(plan.low_rating)


@given(candidate_lists(), policies(), days)
def test_every_unassigned_low_rated_call_is_a_priority_review(candidates, policy, day):
    plan = plan_agent(candidates, policy, day)
    wanted = {c.call_id for c in candidates if not c.assigned and is_low(c, policy)}
    assert set(plan.low_rating) == wanted
    by_id = {c.call_id: c for c in candidates}
    assert not any(is_low(by_id[i], policy) for i in plan.samples)


@given(candidate_lists(), policies(), days)
def test_insufficient_volume_takes_every_call(candidates, policy, day):
    plan = plan_agent(candidates, policy, day)
    assert plan.insufficient_volume == (len(candidates) < policy.minimum)
    if plan.insufficient_volume:
        unassigned = {c.call_id for c in candidates if not c.assigned}
        assert set(plan.low_rating + plan.samples) == unassigned


# --- stratification and reproducibility ----------------------------------------------------


@given(fresh_candidates, policies(), days)
def test_short_and_long_calls_in_the_policy_share(candidates, policy, day):
    plan = plan_agent(candidates, policy, day)
    if plan.insufficient_volume or not strata_hold(candidates, policy, len(plan.samples)):
        return  # a stratum is too small: the other one fills in
    chosen = [c for c in candidates if c.call_id in plan.samples]
    assert short_share_within_one_call(chosen, policy)


@given(candidate_lists(), policies(), days, st.randoms(use_true_random=False))
def test_the_same_inputs_in_any_order_give_the_same_plan(candidates, policy, day, rng):
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    assert plan_agent(shuffled, policy, day) == plan_agent(candidates, policy, day)


@given(fresh_candidates, policies())
def test_within_a_stratum_the_lowest_keys_are_sampled(candidates, policy):
    plan = plan_agent(candidates, policy, 7)
    chosen = set(plan.samples)
    for short in (True, False):
        stratum = [c for c in candidates if is_short(c, policy) == short and not is_low(c, policy)]
        taken = [c for c in stratum if c.call_id in chosen]
        left = [c for c in stratum if c.call_id not in chosen]
        if taken and left:
            assert max((c.sample_key, c.call_id) for c in taken) < min(
                (c.sample_key, c.call_id) for c in left
            )


# --- spreading over the week ---------------------------------------------------------------


@given(fresh_candidates, policies())
def test_planned_day_by_day_the_week_ends_at_the_target(candidates, policy):
    samples: list[int] = []
    lows = sum(is_low(c, policy) for c in candidates)
    for day in range(1, 8):
        plan = plan_agent(candidates, policy, day)
        if plan.samples and not plan.insufficient_volume:
            assert already(candidates, plan) + len(plan.samples) <= ceil(policy.target * day / 7)
        samples += plan.samples
        candidates = assign(candidates, {*plan.low_rating, *plan.samples})
    assert sum(c.assigned for c in candidates) == max(lows, min(policy.target, len(candidates)))
    assert plan_agent(candidates, policy, 7) == AgentPlan((), (), len(candidates) < policy.minimum)
    # The week's samples keep the share even though each run took only a few.
    chosen = [c for c in candidates if c.call_id in samples]
    if len(candidates) >= policy.minimum and strata_hold(candidates, policy, len(chosen)):
        assert short_share_within_one_call(chosen, policy)


@given(fresh_candidates, policies())
def test_a_past_week_planned_at_once_gets_the_target(candidates, policy):
    plan = plan_agent(candidates, policy, 7)
    lows = len(plan.low_rating)
    assert lows + len(plan.samples) == max(lows, min(policy.target, len(candidates)))


def test_goal_for_day_spreads_the_target_over_the_week():
    policy = Policy()  # target 6
    assert [goal_for_day(policy, d) for d in range(8)] == [0, 1, 2, 3, 4, 5, 6, 6]
    assert [goal_for_day(Policy(target=8), d) for d in range(8)] == [0, 2, 3, 4, 5, 6, 7, 8]
    with pytest.raises(ValueError, match="day must be 0 to 7, not 8"):
        goal_for_day(policy, 8)


# --- examples ------------------------------------------------------------------------------


def call(
    call_id: int,
    duration: int = 300,
    rating: int | None = None,
    key: int | None = None,
    assigned: bool = False,
) -> Candidate:
    return Candidate(call_id, duration, rating, call_id if key is None else key, assigned)


def test_a_full_week_takes_three_short_and_three_long_calls_with_the_lowest_keys():
    short = [call(i, duration=60, key=100 - i) for i in range(1, 11)]  # keys 99..90
    long = [call(i, duration=600, key=i) for i in range(11, 21)]  # keys 11..20
    plan = plan_agent(short + long, Policy(), day=7)
    assert plan.samples == (8, 9, 10, 11, 12, 13)
    assert plan.low_rating == () and not plan.insufficient_volume


def test_bad_calls_are_all_reviewed_even_past_the_maximum():
    calls = [call(i, rating=1 + i % 2) for i in range(1, 11)] + [call(11, rating=5), call(12)]
    plan = plan_agent(calls, Policy(), day=7)
    assert plan == AgentPlan(low_rating=tuple(range(1, 11)), samples=(), insufficient_volume=False)


def test_calls_already_assigned_count_toward_the_quota():
    calls = [call(i, assigned=i <= 4) for i in range(1, 11)]
    assert plan_agent(calls, Policy(), day=7).samples == (5, 6)  # 4 assigned + 2 = target 6
    assert plan_agent(calls, Policy(), day=3).samples == ()  # goal 3 already passed


def test_an_agent_with_three_calls_gets_all_of_them():
    calls = [call(1, rating=1), call(2), call(3, assigned=True)]
    plan = plan_agent(calls, Policy(), day=1)
    assert plan == AgentPlan(low_rating=(1,), samples=(2,), insufficient_volume=True)


def test_no_rating_is_never_a_priority_review():
    assert plan_agent([call(i) for i in range(1, 5)], Policy(), 0).low_rating == ()


# --- the policy ----------------------------------------------------------------------------


def test_the_default_policy_is_valid_and_matches_the_calls_channels():
    from vendor_qa.calls.models import CHANNELS as CALL_CHANNELS

    assert Policy().validate() == []
    assert CHANNELS == frozenset(CALL_CHANNELS)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minimum": 7}, "0 ≤ minimum ≤ target ≤ maximum (got 7, 6, 8)"),
        ({"maximum": 5}, "0 ≤ minimum ≤ target ≤ maximum (got 4, 6, 5)"),
        ({"minimum": 0, "target": 0, "maximum": 0}, "maximum must be at least 1"),
        ({"low_rating_threshold": 6}, "threshold must be between 0 (no priority reviews) and 5"),
        ({"priority_turnaround_hours": 0}, "priority review turnaround must be at least 1 hour"),
        ({"sample_turnaround_hours": -3}, "sample turnaround must be at least 1 hour"),
        ({"short_call_seconds": 0}, "short-call boundary must be at least 1 second"),
        ({"short_share": Fraction(3, 2)}, "share of short calls must be between 0% and 100%"),
        ({"channels": frozenset()}, "At least one channel"),
        ({"channels": frozenset({"phone", "fax"})}, "Unknown channel(s): fax"),
        ({"compliance_target": Fraction(-1, 10)}, "compliance target must be between 0% and 100%"),
    ],
)
def test_a_bad_policy_says_what_is_wrong(changes, message):
    problems = replace(Policy(), **changes).validate()
    assert len(problems) == 1
    assert message in problems[0]
