"""Calibration figures against examples worked out by hand and Krippendorff's own published data."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.calibration.agreement import (
    Sheet, by_kind, compare, expert_deviation, modal_agreement, ordinal_value, spread,
)
from vendor_qa.scorecards.scoring import Criterion

GRADED = [Criterion(key=k, section="s", kind="graded", weight=1, allow_na=True) for k in ("greet", "solve", "close")]


def _alpha(criteria, sheets):
    (kind,) = by_kind(criteria, sheets)
    return kind.agreement.alpha


def test_ordinal_alpha_matches_a_hand_computed_example():
    """Two graders, three graded criteria: A = (full, partial, none), B = (full, full, none).

    Values (credit): greet (1, 1), solve (0.5, 1), close (0, 0). Pairable values n = 6, with
    n_0 = 2, n_0.5 = 1, n_1 = 3. Ordinal distances d(c, k) = (sum of n_g from c to k - (n_c + n_k) / 2)^2:
    d(0, 0.5) = (3 - 1.5)^2 = 2.25, d(0.5, 1) = (4 - 2)^2 = 4, d(0, 1) = (6 - 2.5)^2 = 12.25.
    Observed: only "solve" disagrees, its two ordered pairs (0.5, 1) and (1, 0.5) each weigh 1:
    sum o*d = 2 * 4 = 8. Expected: sum n_c n_k d over ordered pairs = 2 * (2*1*2.25 + 1*3*4 + 2*3*12.25) = 180.
    alpha = 1 - (n - 1) * 8 / 180 = 1 - 40/180 = 7/9.
    """
    sheets = [Sheet("A", {"greet": "full", "solve": "partial", "close": "none"}, None),
              Sheet("B", {"greet": "full", "solve": "full", "close": "none"}, None)]
    assert _alpha(GRADED, sheets) == pytest.approx(7 / 9)


def test_ordinal_alpha_matches_krippendorffs_published_example():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers,
    twelve units, values 1..5 with missing data; the paper gives ordinal alpha = 0.815."""
    table = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    units = [Criterion(key=f"u{i}", section="s", kind="scale", weight=1, scale_max=5) for i in range(12)]
    sheets = [Sheet(n, {f"u{i}": v for i, v in enumerate(row) if v is not None}, None) for n, row in enumerate(table)]
    assert _alpha(units, sheets) == pytest.approx(0.815, abs=0.0005)


def test_answers_of_every_kind_share_one_order_of_credit():
    binary = Criterion(key="b", section="s", kind="binary", weight=1)
    scale = Criterion(key="s", section="s", kind="scale", weight=1, scale_max=4, allow_na=True)
    assert ordinal_value(binary, "no") < ordinal_value(binary, "yes") == ordinal_value(scale, 4)
    assert ordinal_value(GRADED[0], "partial") == ordinal_value(scale, 2) == Fraction(1, 2)
    assert ordinal_value(scale, "na") is None and ordinal_value(scale, None) is None


def test_alpha_is_undefined_without_variation_or_without_a_second_grader():
    same = [Sheet(g, {"greet": "full", "solve": "full", "close": "full"}, None) for g in "AB"]
    assert _alpha(GRADED, same) is None
    assert _alpha(GRADED, same[:1]) is None
    disjoint = [Sheet("A", {"greet": "full"}, None), Sheet("B", {"solve": "none"}, None)]
    assert _alpha(GRADED, disjoint) is None


def test_kinds_are_never_pooled_on_one_scale():
    """The statistician's case: 4 yes/no and 4 scale criteria. Each kind gets its own alpha at its own level."""
    binary = [Criterion(key=f"b{i}", section="s", kind="binary", weight=1) for i in range(4)]
    scale = [Criterion(key=f"s{i}", section="s", kind="scale", weight=1, scale_max=4) for i in range(4)]
    sheets = [Sheet("A", {"b0": "yes", "b1": "no", "b2": "yes", "b3": "yes", "s0": 4, "s1": 3, "s2": 1, "s3": 0}, None),
              Sheet("B", {"b0": "yes", "b1": "yes", "b2": "no", "b3": "yes", "s0": 4, "s1": 2, "s2": 1, "s3": 0}, None)]
    found = {k.label: k for k in by_kind(binary + scale, sheets)}
    assert set(found) == {"yes/no", "scale 0–4"}
    assert (found["yes/no"].agreement.level, found["scale 0–4"].agreement.level) == ("nominal", "ordinal")
    assert found["yes/no"].criteria == found["scale 0–4"].criteria == 4
    assert found["yes/no"].agreement.alpha < 0.2 < 0.8 < found["scale 0–4"].agreement.alpha


def test_agreement_is_the_share_giving_the_modal_answer():
    assert modal_agreement(["yes", "yes", "no", "yes"]) == (("yes",), Fraction(3, 4))
    assert modal_agreement(["full", "partial", "na", None]) == (("full", "partial", "na"), Fraction(1, 3))
    assert modal_agreement([None, None]) == ((), None)


def test_deviation_from_the_expert_counts_differences_and_averages_the_credit_gap():
    deviation = expert_deviation(GRADED[0], "full", ["full", "partial", "none", "na", None])
    assert (deviation.differing, deviation.others) == (3, 4)
    # Gaps where both answers earn credit: 0, 1/2, 1 (N/A has no credit, no answer is not counted).
    assert deviation.mean_gap == Fraction(1, 2)


def test_spread_of_totals():
    found = spread([Decimal("80"), Decimal("60"), None, Decimal("70")])
    assert (found.lowest, found.highest, found.range, found.mean) == (Decimal(60), Decimal(80), Decimal(20), Decimal(70))
    assert float(found.stdev) == pytest.approx(math.sqrt(200 / 3))
    assert spread([None]) is None


def test_comparison_puts_the_figures_together_with_the_expert_as_benchmark():
    sheets = [Sheet("expert", {"greet": "full", "solve": "full", "close": "none"}, Decimal("66.6667")),
              Sheet("ann", {"greet": "full", "solve": "partial", "close": "none"}, Decimal("50.0000")),
              Sheet("bob", {"greet": "full", "solve": "full", "close": "full"}, Decimal("100.0000"))]
    result = compare(GRADED, sheets, expert="expert")
    by_key = {row.key: row for row in result.criteria}
    assert by_key["greet"].agreement == 1 and by_key["solve"].agreement == Fraction(2, 3)
    assert by_key["solve"].deviation.differing == 1 and by_key["solve"].deviation.mean_gap == Fraction(1, 4)
    assert result.total_gaps == {"ann": Decimal("-16.6667"), "bob": Decimal("33.3333")}
    assert result.spread.range == Decimal("50.0000")
    (graded,) = result.by_kind
    assert graded.agreement.alpha is not None and -1 <= graded.agreement.alpha < 1
    plain = compare(GRADED, sheets)
    assert plain.total_gaps == {} and all(r.deviation is None for r in plain.criteria)


ANSWERS = st.sampled_from(["none", "partial", "full", "na"])


@given(st.lists(st.lists(ANSWERS, min_size=3, max_size=3), min_size=2, max_size=6))
def test_figures_stay_in_their_ranges(rows):
    sheets = [Sheet(i, dict(zip(("greet", "solve", "close"), row)), None) for i, row in enumerate(rows)]
    result = compare(GRADED, sheets, expert=0)
    for row in result.criteria:
        assert Fraction(1, len(rows)) <= row.agreement <= 1
        assert 0 <= row.deviation.differing <= row.deviation.others == len(rows) - 1
    assert all(k.agreement.alpha is None or -2 <= k.agreement.alpha <= 1 for k in result.by_kind)


@given(st.lists(ANSWERS, min_size=3, max_size=3).filter(lambda r: len({a for a in r if a != "na"}) > 1),
       st.integers(min_value=2, max_value=6))
def test_identical_sheets_agree_perfectly(row, graders):
    sheets = [Sheet(i, dict(zip(("greet", "solve", "close"), row)), None) for i in range(graders)]
    result = compare(GRADED, sheets)
    assert result.by_kind[0].agreement.alpha == pytest.approx(1.0)
    assert all(r.agreement == 1 for r in result.criteria)
