"""The scoring engine, by example: each rule with numbers one can check by hand."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from vendor_qa.scorecards.scoring import (
    DEFAULT_BANDS,
    Band,
    Criterion,
    CriterionResult,
    InvalidAnswer,
    answer_choices,
    band_for,
    display,
    parse_answer,
    score,
    to_decimal,
    validate_answer,
    validate_bands,
)


def binary(key, weight=1, section="s1", **kw):
    return Criterion(key, section, "binary", weight, **kw)


def graded(key, weight=1, section="s1", **kw):
    return Criterion(key, section, "graded", weight, **kw)


def scale(key, weight=1, scale_max=4, section="s1", **kw):
    return Criterion(key, section, "scale", weight, scale_max=scale_max, **kw)


def earned(criterion, answer):
    return score([criterion], {criterion.key: answer}).criteria[criterion.key].earned


# --- kinds -------------------------------------------------------------------------------


def test_binary_earns_all_or_nothing():
    c = binary("a", weight=3)
    assert earned(c, "yes") == 3
    assert earned(c, "no") == 0
    assert score([c], {"a": "yes"}).total == 100
    assert score([c], {"a": "no"}).total == 0


def test_graded_partial_earns_half_by_default():
    c = graded("a", weight=5)
    assert [earned(c, a) for a in ("none", "partial", "full")] == [0, Fraction(5, 2), 5]


def test_graded_partial_earns_the_criterion_fraction():
    c = graded("a", weight=6, partial_fraction=Fraction(1, 3))
    assert earned(c, "partial") == 2
    assert score([c], {"a": "partial"}).total == Fraction(100, 3)


def test_scale_earns_weight_times_value_over_max():
    c = scale("a", weight=4, scale_max=5)
    assert [earned(c, v) for v in range(6)] == [Fraction(4 * v, 5) for v in range(6)]
    assert score([c], {"a": 3}).total == 60


def test_weights_may_be_decimal_or_fraction_and_stay_exact():
    criteria = [binary("a", weight=Decimal("0.1")), binary("b", weight=Fraction(1, 3))]
    result = score(criteria, {"a": "yes", "b": "no"})
    assert result.criteria["a"].possible == Fraction(1, 10)
    assert result.total == 100 * Fraction(1, 10) / (Fraction(1, 10) + Fraction(1, 3))


# --- N/A and unanswered --------------------------------------------------------------------


def test_na_leaves_the_criterion_out_of_earned_and_possible():
    criteria = [binary("a", weight=2), binary("b", weight=8, allow_na=True), binary("c", weight=2)]
    result = score(criteria, {"a": "yes", "b": "na", "c": "no"})
    assert result.total == 50
    assert result.criteria["b"] == CriterionResult(
        "b", 0, 0, applicable=False, missed_critical=False
    )
    assert result.complete


def test_all_na_has_no_score_and_cannot_be_submitted():
    criteria = [binary("a", allow_na=True), graded("b", allow_na=True, section="s2")]
    result = score(criteria, {"a": "na", "b": "na"})
    assert result.total is None
    assert result.passed is None and result.band is None
    assert result.sections["s1"].score is None and result.sections["s2"].score is None
    assert not result.complete
    assert display(result.total) == "—"


def test_unanswered_shows_the_score_so_far_but_is_not_complete():
    criteria = [binary("a", weight=1), binary("b", weight=3), binary("c", weight=1, allow_na=True)]
    result = score(criteria, {"a": "yes", "c": "na"})
    assert result.total == 100
    assert result.unanswered == ("b",)
    assert result.criteria["b"].applicable and result.criteria["b"].possible == 0
    assert not result.complete


def test_none_means_unanswered_and_unknown_keys_are_ignored():
    result = score([binary("a")], {"a": None, "stale": "yes"})
    assert result.total is None
    assert result.unanswered == ("a",)


def test_an_empty_scorecard_has_no_score():
    result = score([], {})
    assert result.total is None and not result.complete and result.sections == {}


# --- sections and critical criteria ------------------------------------------------------


def test_section_scores_are_computed_within_each_section_in_order():
    criteria = [
        binary("a", weight=1, section="open"),
        graded("b", weight=4, section="solve"),
        binary("c", weight=1, section="open"),
    ]
    result = score(criteria, {"a": "yes", "b": "partial", "c": "no"})
    assert list(result.sections) == ["open", "solve"]
    assert result.sections["open"].score == 50
    assert result.sections["solve"].score == 50
    assert result.total == Fraction(100 * 3, 6)


def test_missed_section_critical_zeroes_only_its_section():
    criteria = [
        binary("id", weight=3, section="solve", critical="section"),
        binary("need", weight=5, section="solve"),
        binary("greet", weight=2, section="open"),
    ]
    result = score(criteria, {"id": "no", "need": "yes", "greet": "yes"})
    solve = result.sections["solve"]
    assert solve.zeroed and solve.earned == 0 and solve.possible == 8 and solve.score == 0
    assert result.sections["open"].score == 100
    assert result.total == 20  # 2 of 10: the section's possible points still count
    assert result.criteria["id"].missed_critical
    assert result.criteria["need"].earned == 5  # the criterion itself keeps what it earned
    assert not result.auto_failed


def test_missed_call_critical_fails_the_whole_call():
    criteria = [binary("rude", weight=1, critical="call"), binary("greet", weight=9, section="s2")]
    result = score(criteria, {"rude": "no", "greet": "yes"})
    assert result.total == 0 and result.auto_failed and result.passed is False
    assert result.band.name == "re-certify"
    assert result.sections["s2"].score == 100  # sections still show where the points were


def test_auto_fail_fails_even_with_a_zero_pass_mark():
    result = score([binary("rude", critical="call")], {"rude": "no"}, pass_mark=0)
    assert result.passed is False


@pytest.mark.parametrize("answer", ["partial", "none"])
def test_any_lost_point_on_a_critical_criterion_is_a_miss(answer):
    result = score([graded("a", critical="call")], {"a": answer})
    assert result.auto_failed and result.total == 0


def test_critical_criteria_answered_in_full_or_na_or_unanswered_are_not_missed():
    criteria = [
        scale("a", scale_max=3, critical="call"),
        binary("b", critical="section", allow_na=True),
        binary("c", critical="call"),
        binary("d"),
    ]
    result = score(criteria, {"a": 3, "b": "na", "d": "no"})
    assert not result.auto_failed and not result.sections["s1"].zeroed
    assert result.total == 50


# --- bands and pass mark -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (Fraction(0), "re-certify"),
        (Fraction(449, 10), "re-certify"),
        (Fraction(45), "train"),
        (Fraction(759, 10), "train"),
        (Fraction(7596, 100), "train"),  # shown as "76.0", but bands compare the exact total
        (Fraction(76), "good"),
        (Fraction(100), "good"),
    ],
)
def test_default_bands_boundaries(total, band):
    assert band_for(total, DEFAULT_BANDS).name == band


@pytest.mark.parametrize(("yes_weight", "passed"), [(Fraction(759, 10), False), (76, True)])
def test_default_pass_mark_is_76_inclusive(yes_weight, passed):
    criteria = [binary("a", weight=yes_weight), binary("b", weight=100 - Fraction(yes_weight))]
    result = score(criteria, {"a": "yes", "b": "no"})
    assert result.total == yes_weight
    assert result.passed is passed


def test_tenant_bands_and_pass_mark_replace_the_defaults():
    bands = (Band("low", 0, "red"), Band("high", Decimal("50.5"), "green"))
    criteria = [binary("a", weight=101), binary("b", weight=99)]
    result = score(criteria, {"a": "yes", "b": "no"}, bands=bands, pass_mark=Decimal("50.5"))
    assert result.total == Fraction(101, 2)
    assert result.band.name == "high" and result.passed


def test_band_for_ignores_the_order_bands_are_given_in():
    assert band_for(80, list(reversed(DEFAULT_BANDS))).name == "good"
    assert band_for(None, DEFAULT_BANDS) is None


def test_validate_bands_explains_what_is_wrong():
    assert validate_bands(DEFAULT_BANDS, 76) == []
    errors = validate_bands([Band("a", 10, "red"), Band("a", 5, "blue"), Band("", 120, "x")], 101)
    assert errors == [
        "The first band must start at 0.",
        "Band minimums must rise strictly from one band to the next.",
        "Band minimums must lie between 0 and 100.",
        "Every band needs a name of its own.",
        "The pass mark must lie between 0 and 100.",
    ]
    assert validate_bands([]) == ["Define at least one band."]


# --- rounding ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(337, 4), "84.3"),  # 84.25: half-up, where banker's rounding gives 84.2
        (Fraction(1687, 20), "84.4"),  # 84.35 exactly (a float 84.35 would round to 84.3)
        (Fraction(84249999, 1000000), "84.2"),
        (Fraction(200, 3), "66.7"),
        (Fraction(0), "0.0"),
        (100, "100.0"),
        (Decimal("99.95"), "100.0"),
        (Decimal("79.4117"), "79.4"),
    ],
)
def test_display_rounds_half_up_to_one_decimal(value, shown):
    assert display(value) == shown


def test_display_of_a_real_score_on_the_half():
    result = score([binary("a", weight=337), binary("b", weight=63)], {"a": "yes", "b": "no"})
    assert result.total == Fraction(337, 4)
    assert display(result.total) == "84.3"


def test_to_decimal_keeps_four_decimals_and_never_changes_what_is_displayed():
    assert to_decimal(Fraction(1350, 17)) == Decimal("79.4117")
    assert str(to_decimal(Fraction(337, 4))) == "84.2500"
    assert to_decimal(Fraction(8424999, 100000), places=4) == Decimal("84.2499")
    # Rounding 84.249996 to four places would give 84.2500 and show "84.3"; truncation does not.
    tricky = Fraction(84249996, 1000000)
    assert display(to_decimal(tricky)) == display(tricky) == "84.2"
    assert to_decimal(None) is None
    assert to_decimal(100, places=2) == Decimal("100.00")


def test_floats_are_refused_so_scores_stay_exact():
    with pytest.raises(TypeError, match="weight must be an int, Fraction or Decimal"):
        binary("a", weight=0.1)
    with pytest.raises(TypeError):
        display(84.35)


# --- answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criterion", "answer", "message"),
    [
        (binary("a"), "yes", None),
        (binary("a"), "maybe", 'Choose "yes" or "no".'),
        (binary("a", allow_na=True), "full", 'Choose "yes", "no" or N/A.'),
        (binary("a"), "na", "N/A is not allowed for this criterion."),
        (binary("a", allow_na=True), "na", None),
        (graded("a"), "partial", None),
        (graded("a"), "yes", 'Choose "full", "partial" or "none".'),
        (graded("a", allow_na=True), 1, 'Choose "full", "partial", "none" or N/A.'),
        (scale("a", scale_max=5), 5, None),
        (scale("a", scale_max=5), 0, None),
        (scale("a", scale_max=5), 6, "Choose a whole number from 0 to 5."),
        (scale("a", scale_max=5), -1, "Choose a whole number from 0 to 5."),
        (scale("a", scale_max=5), "3", "Choose a whole number from 0 to 5."),
        (scale("a", scale_max=5), True, "Choose a whole number from 0 to 5."),
        (scale("a", scale_max=5, allow_na=True), "x", "Choose a whole number from 0 to 5 or N/A."),
        (scale("a"), None, None),
    ],
)
def test_validate_answer(criterion, answer, message):
    assert validate_answer(criterion, answer) == message


def test_score_refuses_an_invalid_answer_naming_the_criterion():
    with pytest.raises(InvalidAnswer) as caught:
        score([binary("greeting")], {"greeting": "full"})
    assert caught.value.key == "greeting"
    assert caught.value.message == 'Choose "yes" or "no".'


def test_score_refuses_duplicate_keys():
    with pytest.raises(ValueError, match="unique"):
        score([binary("a"), binary("a")], {})


def test_answer_choices_lists_worst_first_then_na():
    assert answer_choices(binary("a")) == ("no", "yes")
    assert answer_choices(graded("a", allow_na=True)) == ("none", "partial", "full", "na")
    assert answer_choices(scale("a", scale_max=2)) == (0, 1, 2)


@pytest.mark.parametrize(
    ("criterion", "raw", "answer"),
    [
        (scale("a"), " 3 ", 3),
        (scale("a"), "na", "na"),
        (binary("a"), "YES", "yes"),
        (binary("a"), "", None),
        (binary("a"), None, None),
        (scale("a"), "²", "²"),  # not an ASCII number: left for validate_answer to refuse
    ],
)
def test_parse_answer_reads_form_text(criterion, raw, answer):
    assert parse_answer(criterion, raw) == answer


# --- criterion definitions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "binary", "weight": 0}, "weight must be greater than 0"),
        ({"kind": "binary", "weight": Decimal("-1")}, "weight must be greater than 0"),
        ({"kind": "stars", "weight": 1}, "unknown criterion kind"),
        ({"kind": "binary", "weight": 1, "critical": "team"}, "unknown critical scope"),
        ({"kind": "graded", "weight": 1, "partial_fraction": Fraction(1)}, "partial fraction"),
        ({"kind": "graded", "weight": 1, "partial_fraction": 0}, "partial fraction"),
        ({"kind": "scale", "weight": 1}, "scale maximum"),
        ({"kind": "scale", "weight": 1, "scale_max": 0}, "scale maximum"),
    ],
)
def test_bad_criterion_definitions_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Criterion("a", "s1", **kwargs)


def test_decimal_weights_are_kept_as_exact_fractions():
    assert binary("a", weight=Decimal("2.5")).weight == Fraction(5, 2)


# --- the worked example of docs/scoring.md -----------------------------------------------


WORKED_EXAMPLE = [
    binary("greeting", weight=2, section="opening"),
    binary("good_time", weight=1, section="opening", allow_na=True),
    graded("need", weight=5, section="resolution"),
    scale("product", weight=4, scale_max=4, section="resolution"),
    binary("identity", weight=3, section="resolution", critical="section"),
    graded("summary", weight=2, section="closing"),
    binary("courtesy", weight=1, section="closing", critical="call"),
]
WORKED_ANSWERS = {
    "greeting": "yes",
    "good_time": "na",
    "need": "partial",
    "product": 3,
    "identity": "yes",
    "summary": "full",
    "courtesy": "yes",
}


def test_the_documented_worked_example():
    result = score(WORKED_EXAMPLE, WORKED_ANSWERS)
    assert result.total == Fraction(27, 2) / 17 * 100
    assert display(result.total) == "79.4" and to_decimal(result.total) == Decimal("79.4117")
    assert {k: display(s.score) for k, s in result.sections.items()} == {
        "opening": "100.0",
        "resolution": "70.8",
        "closing": "100.0",
    }
    assert result.band.name == "good" and result.passed and result.complete


def test_the_documented_worked_example_with_critical_misses():
    section_miss = score(WORKED_EXAMPLE, {**WORKED_ANSWERS, "identity": "no"})
    assert display(section_miss.total) == "29.4" and section_miss.band.name == "re-certify"
    call_miss = score(WORKED_EXAMPLE, {**WORKED_ANSWERS, "courtesy": "no"})
    assert display(call_miss.total) == "0.0" and call_miss.auto_failed
