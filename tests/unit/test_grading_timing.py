"""The grading clock's core: time at work counts, time away never does, and no gap counts beyond its limit."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta, timezone

from hypothesis import given, strategies as st

from vendor_qa.grading.timing import BEAT_LIMIT, QUIET_LIMIT, Tally, advance, paces

START = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)

signs = st.lists(st.tuples(st.integers(min_value=-60, max_value=3_600),  # seconds after the previous sign
                           st.sampled_from(["active", "away", "start"]), st.booleans()), max_size=40)


def run(steps) -> tuple[Tally, datetime]:
    tally, at = Tally(0, START), START
    for seconds, event, from_page in steps:
        at += timedelta(seconds=seconds)
        tally = advance(tally, at, event, from_page)
    return tally, at


def test_a_grader_at_work_is_counted_to_the_second():
    steps = [(30, "active", True)] * 12  # six minutes of heartbeats
    assert run(steps)[0].active_seconds == 6 * 60


def test_time_away_is_left_out():
    # 2 min at work, the tab hidden for 40 min, back, 3 more minutes of heartbeats, submitted.
    steps = [(30, "active", True)] * 4 + [(0, "away", True), (40 * 60, "active", True)] + [(30, "active", True)] * 6
    assert run(steps)[0].active_seconds == 5 * 60


def test_a_sleeping_laptop_counts_no_more_than_two_missed_heartbeats():
    steps = [(30, "active", True), (3_600, "active", True)]
    assert run(steps)[0].active_seconds == 30 + BEAT_LIMIT.total_seconds()


def test_without_javascript_the_servers_own_signs_count_up_to_the_quiet_limit():
    # started, a draft saved by hand after 7 minutes, submitted an hour later (lunch in between)
    steps = [(7 * 60, "active", False), (3_600, "active", False)]
    assert run(steps)[0].active_seconds == 7 * 60 + QUIET_LIMIT.total_seconds()


def test_coming_back_to_the_work_does_not_count_the_time_in_between():
    steps = [(60, "active", False), (2 * 3_600, "start", False), (60, "active", False)]
    assert run(steps)[0].active_seconds == 120


@given(signs)
def test_never_more_than_the_time_that_passed(steps):
    tally, _ = run(steps)
    assert 0 <= tally.active_seconds <= max((tally.last_seen_at - START).total_seconds(), 0)
    assert tally.last_seen_at >= START


@given(signs, st.integers(min_value=1, max_value=10_000))
def test_the_gap_after_an_away_report_never_counts(steps, gap):
    before, at = run([*steps, (0, "away", True)])
    after = advance(before, at + timedelta(seconds=gap), "active", True)
    assert after.active_seconds == before.active_seconds and not after.away


@given(signs)
def test_a_late_sign_changes_no_total(steps):
    tally, _ = run(steps)
    late = advance(tally, tally.last_seen_at - timedelta(seconds=5), "active")
    assert late.active_seconds == tally.active_seconds and late.last_seen_at == tally.last_seen_at


@given(st.dictionaries(st.sampled_from("abc"), st.lists(st.integers(0, 5_000), min_size=1, max_size=30)))
def test_paces_are_the_median_and_the_count_per_key(measured):
    rows = [(key, seconds) for key, values in measured.items() for seconds in values]
    found = paces(rows)
    assert set(found) == set(measured)
    for key, values in measured.items():
        assert found[key].median_seconds == statistics.median(values) and found[key].count == len(values)
        assert found[key].enough is (len(values) >= 10)
