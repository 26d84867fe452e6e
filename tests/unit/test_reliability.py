"""Grader reliability figures against examples worked out by hand, and their properties."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.calibration.reliability import (
    Figures, GradedCall, Leniency, Share, Sheet, Thresholds, call_figures, chosen_for_double, direction, drift,
    last_months, monthly_figures, percent, points, total, trend,
)

LIMITS = Thresholds.of(0.8, 5, 2)


def _double(month: str, a: Sheet, b: Sheet) -> GradedCall:
    return GradedCall(month, (a, b))


# ---- hand-computed examples ----------------------------------------------------------------------

def test_a_double_grade_compares_the_two_graders_both_ways():
    """A answers greet yes, solve no, close full (80 points); B yes, yes, full (90 points).
    Two of three criteria alike: both agree 2/3. A is 10 points stricter, B 10 more lenient.
    A double grade has no expert, so nobody's alignment is measured."""
    call = _double("2026-11", Sheet("A", {"greet": "yes", "solve": "no", "close": "full"}, Decimal(80)),
                   Sheet("B", {"greet": "yes", "solve": "yes", "close": "full"}, Decimal(90)))
    found = call_figures(call)
    assert found["A"] == Figures(Share(((2, 3),)), Share(), Leniency((Fraction(-10),)))
    assert found["B"] == Figures(Share(((2, 3),)), Share(), Leniency((Fraction(10),)))


def test_a_calibration_session_measures_alignment_against_its_expert():
    """Session with expert E: A (yes, yes; 100), B (no, yes; 50), E (yes, yes; 100).
    A against peers B and E: 1 + 2 alike of 4 compared; against the expert 2 of 2.
    B: 1 + 1 of 4; expert 1 of 2. E: (2 vs A) + (1 vs B) = 3 of 4 and no alignment of their own.
    Leniency: A 100 - mean(50, 100) = +25; B 50 - 100 = -50; E 100 - 75 = +25."""
    call = GradedCall("2026-10", (Sheet("A", {"k1": "yes", "k2": "yes"}, Decimal(100)),
                                  Sheet("B", {"k1": "no", "k2": "yes"}, Decimal(50)),
                                  Sheet("E", {"k1": "yes", "k2": "yes"}, Decimal(100))), expert="E")
    found = call_figures(call)
    assert found["A"] == Figures(Share(((3, 4),)), Share(((2, 2),)), Leniency((Fraction(25),)))
    assert found["B"] == Figures(Share(((2, 4),)), Share(((1, 2),)), Leniency((Fraction(-50),)))
    assert found["E"] == Figures(Share(((3, 4),)), Share(), Leniency((Fraction(25),)))


def test_figures_add_up_over_calls_and_months():
    """A over both calls above: agreement (2 + 3) / (3 + 4) = 5/7 on 2 calls, alignment 2/2 on 1,
    leniency (-10 + 25) / 2 = +7.5 points on 2."""
    calls = [
        _double("2026-11", Sheet("A", {"greet": "yes", "solve": "no", "close": "full"}, Decimal(80)),
                Sheet("B", {"greet": "yes", "solve": "yes", "close": "full"}, Decimal(90))),
        GradedCall("2026-10", (Sheet("A", {"k1": "yes", "k2": "yes"}, Decimal(100)),
                               Sheet("B", {"k1": "no", "k2": "yes"}, Decimal(50)),
                               Sheet("E", {"k1": "yes", "k2": "yes"}, Decimal(100))), expert="E"),
    ]
    months = monthly_figures(calls)
    assert set(months["A"]) == {"2026-10", "2026-11"}
    overall = total(months["A"])
    assert overall.agreement.value == Fraction(5, 7) and overall.agreement.calls == 2
    assert overall.alignment.value == 1 and overall.alignment.calls == 1
    assert overall.leniency.value == Fraction(15, 2) and overall.leniency.calls == 2
    assert points(overall.leniency.value) == "+7.5" and percent(overall.agreement.value) == "71%"
    assert set(months["E"]) == {"2026-10"}


def test_only_criteria_both_graders_answered_are_compared_and_missing_totals_are_left_out():
    call = _double("2026-11", Sheet("A", {"k1": "yes", "k2": "na"}, None),
                   Sheet("B", {"k1": "yes", "k3": "no"}, Decimal(70)))
    found = call_figures(call)
    assert found["A"].agreement == Share(((1, 1),))
    assert found["A"].leniency == Leniency() and found["B"].leniency == Leniency()


def test_a_lone_grader_has_no_figures_to_show():
    found = call_figures(GradedCall("2026-11", (Sheet("A", {"k1": "yes"}, Decimal(10)),)))
    assert found["A"] == Figures() and found["A"].agreement.value is None and found["A"].leniency.value is None


# ---- drifting ------------------------------------------------------------------------------------

def _calls(*shares: tuple[int, int]) -> Share:
    return Share(tuple(shares))


def test_drift_needs_enough_calls_then_an_interval_wholly_beyond_the_bound():
    low = Figures(_calls((1, 2)), Share(), Leniency((Fraction(-9),)))
    assert drift(low, LIMITS) == []  # one call is too few to say anything
    both = low + low
    assert drift(both, LIMITS) == ["agreement with peers 50% (95% interval 50–50%) below 80%",
                                   "9.0 points stricter than peers (95% interval -9.0 to -9.0; bound 5.0)"]
    aligned_badly = Figures(_calls((9, 10), (9, 10)), _calls((3, 5), (2, 5), (3, 5)), Leniency((Fraction(2),) * 2))
    assert drift(aligned_badly, LIMITS) == ["alignment with experts 53% (95% interval 40–60%) below 80%"]


def test_a_gap_whose_interval_reaches_the_bound_is_noise():
    """The statistician's G-81F8: -26.4 points on average, but the interval spans 0: not flagged."""
    gaps = tuple(Fraction(g) for g in (-68, 15, -30, -20, -10, -45))
    noisy = Figures(_calls((9, 10), (8, 10)), Share(), Leniency(gaps))
    assert noisy.leniency.interval.excludes(0) is False and drift(noisy, LIMITS) == []
    wavering = Figures(_calls((10, 10), (5, 10), (9, 10)), Share(), Leniency())  # 80%, but 50-100% by call
    assert drift(wavering, LIMITS) == []
    lenient = Figures(_calls((9, 10), (9, 10)), Share(), Leniency((Fraction(14), Fraction(15), Fraction(13))))
    assert drift(lenient, LIMITS) == ["14.0 points more lenient than peers (95% interval +11.5 to +16.5; bound 5.0)"]


# ---- the trend -----------------------------------------------------------------------------------

def test_last_months_cross_the_year_and_the_trend_fills_empty_months():
    assert last_months(date(2026, 2, 14), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    months = {"2025-12": Figures(Share(((1, 2),)))}
    assert trend(months, ["2025-11", "2025-12"]) == [("2025-11", Figures()), ("2025-12", Figures(Share(((1, 2),))))]


def test_direction_compares_the_first_and_last_month_with_calls():
    def month(same: int) -> Figures:
        return Figures(Share(((same, 10),)))

    assert direction([("a", month(5)), ("b", Figures()), ("c", month(9))]) == "up"
    assert direction([("a", month(9)), ("b", month(5))]) == "down"
    assert direction([("a", month(9)), ("b", month(9))]) == "steady"
    assert direction([("a", month(9)), ("b", Figures())]) is None


# ---- which calls are double-graded ---------------------------------------------------------------

def test_the_double_grade_share_is_close_to_the_setting_and_nested():
    keys = range(-20_000, 20_000)
    chosen_3 = {k for k in keys if chosen_for_double(k, 0.03)}
    chosen_10 = {k for k in keys if chosen_for_double(k, 0.10)}
    assert 0.025 < len(chosen_3) / len(keys) < 0.035
    assert chosen_3 <= chosen_10  # raising the share only adds calls
    assert not any(chosen_for_double(k, 0) for k in keys) and all(chosen_for_double(k, 1) for k in range(100))


def test_the_double_grade_choice_ignores_the_sampling_order():
    """The sampling takes the lowest sample keys first: the chosen share is the same among them."""
    lowest = [k for k in range(-2 ** 63, -2 ** 63 + 20_000)]
    share = Counter(chosen_for_double(k, 0.05) for k in lowest)[True] / len(lowest)
    assert 0.04 < share < 0.06


# ---- properties ----------------------------------------------------------------------------------

ANSWERS = st.dictionaries(st.sampled_from(["k1", "k2", "k3", "k4"]), st.sampled_from(["yes", "no", "na"]), max_size=4)
TOTALS = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=4))
SHEETS = st.lists(st.tuples(ANSWERS, TOTALS), min_size=1, max_size=5)


def _call(drawn, expert_index=None) -> GradedCall:
    sheets = tuple(Sheet(i, answers, score) for i, (answers, score) in enumerate(drawn))
    expert = expert_index % len(sheets) if expert_index is not None else None
    return GradedCall("2026-11", sheets, expert)


@given(SHEETS, st.one_of(st.none(), st.integers(0, 10)))
def test_shares_stay_between_zero_and_one_and_leniency_sums_to_zero(drawn, expert_index):
    call = _call(drawn, expert_index)
    found = call_figures(call)
    for figures in found.values():
        for share in (figures.agreement, figures.alignment):
            assert 0 <= share.same <= share.compared
            assert share.value is None or 0 <= share.value <= 1
    # With every total given, each grader's gap to the mean of the others sums to zero.
    if all(s.total is not None for s in call.sheets) and len(call.sheets) > 1:
        assert sum(sum(f.leniency.gaps) for f in found.values()) == 0


@given(SHEETS)
def test_graders_who_answer_alike_agree_fully_and_are_not_lenient(drawn):
    answers, score = drawn[0]
    call = _call([(answers, score)] * max(2, len(drawn)))
    for figures in call_figures(call).values():
        assert figures.agreement.value in (None, 1)
        assert figures.leniency.value in (None, 0)


@given(ANSWERS, ANSWERS, TOTALS, TOTALS)
def test_in_a_pair_agreement_is_symmetric_and_leniency_opposite(a, b, ta, tb):
    found = call_figures(_double("2026-11", Sheet("A", a, ta), Sheet("B", b, tb)))
    assert found["A"].agreement == found["B"].agreement
    if found["A"].leniency.calls:
        assert found["A"].leniency.value == -found["B"].leniency.value


@given(st.lists(SHEETS, max_size=6))
def test_monthly_figures_add_up_to_the_figures_of_each_call(calls):
    graded = [_call(drawn) for drawn in calls]
    expected: dict = {}
    for call in graded:
        for grader, figures in call_figures(call).items():
            expected[grader] = expected.get(grader, Figures()) + figures
    assert {g: total(months) for g, months in monthly_figures(graded).items()} == expected
