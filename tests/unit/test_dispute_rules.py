"""The pure rules of disputes: the window, reading the raising form and the reviewer's ruling."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.disputes import rules
from vendor_qa.scorecards.scoring import Criterion

CRITERIA = [
    Criterion("greet", "s1", "binary", 5),
    Criterion("name", "s1", "graded", 10, allow_na=True),
    Criterion("steps", "s2", "scale", 5, scale_max=4),
]
CURRENT = {"greet": "no", "name": "partial", "steps": "2"}
OTHER_ANSWERS = {"greet": ["yes"], "name": ["full", "none", "na"], "steps": ["0", "1", "3", "4"]}


@st.composite
def claims_forms(draw):
    """A raising form disputing a non-empty subset of the criteria, each with a valid proposal or none."""
    picked = draw(st.lists(st.sampled_from([c.key for c in CRITERIA]), min_size=1, unique=True))
    form, expected = {}, {}
    for key in picked:
        reason = draw(st.text(min_size=1, max_size=40).filter(str.strip))
        proposed = draw(st.one_of(st.none(), st.sampled_from(OTHER_ANSWERS[key])))
        form[rules.REASON_PREFIX + key] = reason
        if proposed is not None:
            form[rules.PROPOSED_PREFIX + key] = proposed.upper()  # answers are read case-insensitively
        expected[key] = (reason.strip(), proposed)
    return form, expected


@given(claims_forms())
def test_valid_claims_are_read_in_scorecard_order(case):
    form, expected = case
    claims, errors = rules.read_claims(CRITERIA, CURRENT, form)
    assert errors == {}
    assert [c.criterion_key for c in claims] == [c.key for c in CRITERIA if c.key in expected]
    assert {c.criterion_key: (c.reason, c.proposed) for c in claims} == expected


@given(claims_forms(), st.sampled_from([c.key for c in CRITERIA]))
def test_one_bad_proposal_refuses_the_whole_form(case, key):
    form, _ = case
    form = {**form, rules.REASON_PREFIX + key: "Because.", rules.PROPOSED_PREFIX + key: CURRENT[key]}
    claims, errors = rules.read_claims(CRITERIA, CURRENT, form)
    assert claims == [] and errors == {rules.PROPOSED_PREFIX + key: rules.SAME_ANSWER}


def test_an_empty_form_and_a_blank_reason_are_refused():
    assert rules.read_claims(CRITERIA, CURRENT, {"r-greet": "   "}) == ([], {"form": rules.NOTHING_PICKED})
    assert rules.read_claims(CRITERIA, CURRENT, {"p-name": "full"}) == ([], {"r-name": rules.REASON_MISSING})
    assert rules.read_claims(CRITERIA, CURRENT, {"r-greet": "x", "p-greet": "na"})[1] == {
        "p-greet": "N/A is not allowed for this criterion."}


ITEMS = [rules.Item(10, CRITERIA[0], "yes"), rules.Item(11, CRITERIA[1], None), rules.Item(12, CRITERIA[2], "4")]


@given(st.sets(st.sampled_from([10, 11, 12])), st.sampled_from(["accept", "partly", "reject"]))
def test_the_ruling_applies_exactly_the_accepted_items(taken, verdict):
    form = {"verdict": verdict, "answer": "Our answer.", "apply-11": "full",
            **{f"take-{i}": "y" for i in taken}}
    ruling, errors = rules.read_ruling(ITEMS, CURRENT, form)
    if verdict == "partly" and not taken:
        assert ruling is None and errors == {"form": rules.NONE_TAKEN}
        return
    accepted = {"accept": {10, 11, 12}, "partly": taken, "reject": set()}[verdict]
    assert errors == {}
    assert ruling.status == rules.VERDICTS[verdict]
    assert ruling.applied == {i: {10: "yes", 11: "full", 12: "4"}[i] for i in accepted}
    assert all(ruling.applied[i.id] != CURRENT[i.criterion.key] for i in ITEMS if i.id in accepted)


def test_a_ruling_needs_a_written_answer_and_an_answer_to_apply():
    ruling, errors = rules.read_ruling(ITEMS, CURRENT, {"verdict": "accept", "answer": " "})
    assert ruling is None
    assert errors == {"answer": rules.ANSWER_MISSING, "apply-11": rules.APPLY_MISSING}
    _, errors = rules.read_ruling(ITEMS, CURRENT, {"verdict": "accept", "answer": "ok", "apply-11": "partial"})
    assert errors == {"apply-11": rules.APPLY_UNCHANGED}
    _, errors = rules.read_ruling(ITEMS, CURRENT, {"verdict": "maybe", "answer": "ok"})
    assert errors == {"verdict": rules.VERDICT_MISSING}


moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(timezone.utc))


@given(moments, st.integers(1, 90))
def test_the_window_holds_its_last_moment_and_not_one_after(submitted, days):
    closes = rules.window_closes_at(submitted, days)
    assert rules.within_window(submitted, days, closes)
    assert not rules.within_window(submitted, days, closes + timedelta(microseconds=1))


@given(moments, st.integers(1, 30), st.integers(0, 60 * 24 * 60))
def test_overdue_means_open_longer_than_the_alert_age(raised, alert_days, minutes):
    now = raised + timedelta(minutes=minutes)
    assert rules.is_overdue(raised, alert_days, now) == (minutes > alert_days * 24 * 60)
    assert rules.age_days(raised, now) == minutes // (24 * 60)
