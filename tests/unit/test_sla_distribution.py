"""Distribution to graders: capacity, the at-most-twice rule, completeness, determinism."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.sla.distribution import GraderLoad, distribute

# --- strategies ----------------------------------------------------------------------------


@st.composite
def grader_lists(draw) -> list[GraderLoad]:
    ids = draw(st.lists(st.integers(1, 500), min_size=0, max_size=6, unique=True))
    return [
        GraderLoad(
            grader_id=grader_id,
            open_work=draw(st.integers(0, 12)),
            capacity=draw(st.integers(0, 12)),
            agent_counts=draw(st.dictionaries(st.integers(1, 5), st.integers(0, 3), max_size=5)),
        )
        for grader_id in ids
    ]


@st.composite
def item_lists(draw) -> list[tuple[int, int]]:
    agents = draw(st.lists(st.integers(1, 5), max_size=40))
    return [(1000 + n, agent) for n, agent in enumerate(agents)]


def free_capacity(grader: GraderLoad) -> int:
    return max(0, grader.capacity - grader.open_work)


# --- properties ----------------------------------------------------------------------------


@given(item_lists(), grader_lists())
def test_every_item_is_given_once_or_left_in_the_pool(items, graders):
    given_to, unassigned = distribute(items, graders)
    ids = [assignment_id for assignment_id, _ in items]
    assert sorted([*given_to, *unassigned]) == sorted(ids)
    assert unassigned == [i for i in ids if i in set(unassigned)]  # input order kept
    assert set(given_to.values()) <= {g.grader_id for g in graders}


@given(item_lists(), grader_lists())
def test_no_grader_goes_above_capacity(items, graders):
    given_to, _ = distribute(items, graders)
    taken = Counter(given_to.values())
    for grader in graders:
        assert taken[grader.grader_id] <= free_capacity(grader)


@given(item_lists(), grader_lists())
def test_everything_is_assigned_when_capacity_suffices(items, graders):
    _, unassigned = distribute(items, graders)
    if sum(free_capacity(g) for g in graders) >= len(items):
        assert unassigned == []
    else:
        assert len(unassigned) == len(items) - sum(free_capacity(g) for g in graders)


@given(item_lists(), grader_lists())
def test_no_third_time_with_the_same_agent_while_another_grader_is_free(items, graders):
    """Replays the run: each third (or later) item of an agent for a grader must have had no
    alternative, i.e. no other grader with free capacity and the agent fewer than twice."""
    given_to, _ = distribute(items, graders)
    free = {g.grader_id: free_capacity(g) for g in graders}
    counts = {g.grader_id: Counter(g.agent_counts) for g in graders}
    for assignment_id, agent in items:
        grader = given_to.get(assignment_id)
        if grader is None:
            assert not any(free.values())
            continue
        if counts[grader][agent] >= 2:
            assert not any(free[g] > 0 and counts[g][agent] < 2 for g in free if g != grader)
        free[grader] -= 1
        counts[grader][agent] += 1


@given(item_lists(), grader_lists(), st.randoms(use_true_random=False))
def test_deterministic_whatever_the_order_of_graders(items, graders, rng):
    shuffled = list(graders)
    rng.shuffle(shuffled)
    assert distribute(items, shuffled) == distribute(items, graders)


# --- examples ------------------------------------------------------------------------------


def load(grader_id: int, open_work: int = 0, capacity: int = 60, **agents: int) -> GraderLoad:
    return GraderLoad(grader_id, open_work, capacity, {int(k[1:]): v for k, v in agents.items()})


def test_work_goes_to_the_freest_grader_ties_to_the_lowest_id():
    graders = [load(2, open_work=10), load(1, open_work=10), load(3, open_work=58)]
    given_to, unassigned = distribute([(1, 7), (2, 8), (3, 9)], graders)
    assert given_to == {1: 1, 2: 2, 3: 1}
    assert unassigned == []


def test_a_grader_who_has_the_agent_twice_is_passed_over_while_another_is_free():
    graders = [load(1, a7=2), load(2, open_work=50)]
    given_to, _ = distribute([(1, 7), (2, 7), (3, 7)], graders)
    assert given_to == {1: 2, 2: 2, 3: 1}  # grader 2 has the agent twice by then


def test_when_no_one_else_is_free_the_third_goes_anyway_and_the_rest_stays_in_the_pool():
    graders = [load(1, capacity=3, a7=2), load(2, open_work=60)]
    given_to, unassigned = distribute([(1, 7), (2, 7), (3, 7), (4, 8)], graders)
    assert given_to == {1: 1, 2: 1, 3: 1}
    assert unassigned == [4]


def test_no_graders_means_everything_stays_in_the_pool():
    assert distribute([(1, 7), (2, 8)], []) == ({}, [1, 2])
