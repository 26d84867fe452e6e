"""Properties of the scoring engine over random scorecards and answers (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from vendor_qa.scorecards.scoring import (
    DEFAULT_BANDS,
    Criterion,
    band_for,
    display,
    score,
    to_decimal,
)

# --- strategies ----------------------------------------------------------------------------

weights = st.one_of(
    st.integers(1, 50),
    st.fractions(min_value=Fraction(1, 20), max_value=50, max_denominator=20),
    st.decimals(min_value=Decimal("0.01"), max_value=50, places=2),
)
# Strictly between 0 and 1, built directly: a filter would throw most draws away.
partial_fractions = st.integers(2, 12).flatmap(
    lambda d: st.integers(1, d - 1).map(lambda n: Fraction(n, d))
)
scopes = st.sampled_from([None, None, None, "call", "section"])  # mostly not critical


def options(criterion: Criterion) -> list:
    """Every valid non-N/A answer, worst first (written here, not taken from the engine)."""
    if criterion.kind == "binary":
        return ["no", "yes"]
    if criterion.kind == "graded":
        return ["none", "partial", "full"]
    return list(range(criterion.scale_max + 1))


def misses(criterion: Criterion) -> list:
    """The answers that lose points."""
    return options(criterion)[:-1]


@st.composite
def criteria_lists(draw) -> list[Criterion]:
    n_sections = draw(st.integers(1, 4))
    criteria = []
    for i in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["binary", "graded", "scale"]))
        criteria.append(
            Criterion(
                key=f"c{i}",
                section=f"s{draw(st.integers(0, n_sections - 1))}",
                kind=kind,
                weight=draw(weights),
                allow_na=draw(st.booleans()),
                critical=draw(scopes),
                partial_fraction=draw(partial_fractions),
                scale_max=draw(st.integers(1, 10)) if kind == "scale" else None,
            )
        )
    return criteria


@st.composite
def answers_for(draw, criteria: list[Criterion]) -> dict:
    """Valid answers; about one criterion in eight left unanswered (missing from the dict)."""
    answers = {}
    for c in criteria:
        if draw(st.integers(0, 7)) == 0:
            continue
        answers[c.key] = draw(st.sampled_from(options(c) + (["na"] if c.allow_na else [])))
    return answers


@st.composite
def evaluations(draw) -> tuple[list[Criterion], dict]:
    criteria = draw(criteria_lists())
    return criteria, draw(answers_for(criteria))


def section_scores(result) -> dict:
    return {key: s.score for key, s in result.sections.items()}


def verdict(result) -> tuple:
    return result.band, result.passed, result.auto_failed


def swap(criteria: list[Criterion], index: int, criterion: Criterion) -> list[Criterion]:
    """The criteria with the one at `index` replaced."""
    return [*criteria[:index], criterion, *criteria[index + 1 :]]


# --- an independent implementation ----------------------------------------------------------


def reference(criteria: list[Criterion], answers: dict, pass_mark: float = 76.0) -> dict:
    """The rules of docs/scoring.md, re-done plainly in floats: one pass, running sums."""
    sums: dict[str, list] = {}  # section -> [earned, possible, zeroed]
    call_failed = False
    for c in criteria:
        row = sums.setdefault(c.section, [0.0, 0.0, False])
        answer = answers.get(c.key)
        if answer is None or answer == "na":
            continue
        weight = float(c.weight)
        if c.kind == "binary":
            got = weight if answer == "yes" else 0.0
        elif c.kind == "graded":
            shares = {"full": 1.0, "partial": float(c.partial_fraction), "none": 0.0}
            got = weight * shares[answer]
        else:
            got = weight * answer / c.scale_max
        best = {"binary": "yes", "graded": "full", "scale": c.scale_max}[c.kind]
        lost = answer != best
        row[0] += got
        row[1] += weight
        row[2] = row[2] or (lost and c.critical == "section")
        call_failed = call_failed or (lost and c.critical == "call")
    sections = {}
    earned_all = possible_all = 0.0
    for key, (earned, possible, zeroed) in sums.items():
        earned = 0.0 if zeroed else earned
        sections[key] = 100.0 * earned / possible if possible else None
        earned_all += earned
        possible_all += possible
    total = 100.0 * earned_all / possible_all if possible_all else None
    if total is not None and call_failed:
        total = 0.0
    return {"total": total, "sections": sections, "auto_failed": call_failed}


def close(exact_value, float_value) -> bool:
    if exact_value is None or float_value is None:
        return exact_value is None and float_value is None
    return abs(float(exact_value) - float_value) < 1e-9


@given(evaluations())
def test_agrees_with_an_independent_implementation(evaluation):
    criteria, answers = evaluation
    result = score(criteria, answers)
    expected = reference(criteria, answers)
    assert close(result.total, expected["total"])
    assert result.sections.keys() == expected["sections"].keys()
    for key, value in expected["sections"].items():
        assert close(result.sections[key].score, value)
    assert result.auto_failed == expected["auto_failed"]
    all_answered = all(c.key in answers for c in criteria)
    assert result.complete == (expected["total"] is not None and all_answered)
    total = expected["total"]
    if total is not None and min(abs(total - 45), abs(total - 76)) > 1e-9:  # clear of boundaries
        band = "good" if total > 76 else "train" if total > 45 else "re-certify"
        assert result.band.name == band
        assert result.passed == (total > 76)


@given(evaluations())
def test_scores_stay_between_0_and_100(evaluation):
    criteria, answers = evaluation
    result = score(criteria, answers)
    counted = [c for c in criteria if answers.get(c.key) not in (None, "na")]
    assert (result.total is None) == (not counted)
    if result.total is not None:
        assert 0 <= result.total <= 100
        assert result.band is not None
    for section in result.sections.values():
        assert section.score is None or 0 <= section.score <= 100


@given(evaluations(), st.data())
def test_improving_an_answer_never_lowers_a_score(evaluation, data):
    criteria, answers = evaluation
    improvable = [c for c in criteria if answers.get(c.key) in misses(c)]
    assume(improvable)
    criterion = data.draw(st.sampled_from(improvable))
    ladder = options(criterion)
    better = {**answers, criterion.key: ladder[ladder.index(answers[criterion.key]) + 1]}
    before, after = score(criteria, answers), score(criteria, better)
    assert after.total >= before.total
    for key, section in before.sections.items():
        if section.score is not None:  # else nothing in that section is answered yet
            assert after.sections[key].score >= section.score


@given(
    evaluations(),
    st.one_of(st.integers(2, 1000), st.fractions(min_value=Fraction(1, 1000), max_value=1000)),
)
def test_multiplying_every_weight_by_one_factor_changes_nothing(evaluation, factor):
    criteria, answers = evaluation
    scaled = [replace(c, weight=c.weight * factor) for c in criteria]
    before, after = score(criteria, answers), score(scaled, answers)
    assert after.total == before.total
    assert section_scores(after) == section_scores(before)
    assert verdict(after) == verdict(before)


@given(evaluations(), st.data())
def test_marking_a_criterion_na_equals_removing_it(evaluation, data):
    criteria, answers = evaluation
    index = data.draw(st.integers(0, len(criteria) - 1))
    chosen = replace(criteria[index], allow_na=True)
    with_na = score(swap(criteria, index, chosen), {**answers, chosen.key: "na"})
    without = score(criteria[:index] + criteria[index + 1 :], answers)
    assert with_na.total == without.total
    assert verdict(with_na) == verdict(without)
    for key, section in with_na.sections.items():
        assert section.score == (without.sections[key].score if key in without.sections else None)


@given(evaluations(), st.data())
def test_a_missed_call_critical_scores_the_call_0(evaluation, data):
    criteria, answers = evaluation
    index = data.draw(st.integers(0, len(criteria) - 1))
    chosen = replace(criteria[index], critical="call")
    criteria = swap(criteria, index, chosen)
    result = score(criteria, {**answers, chosen.key: data.draw(st.sampled_from(misses(chosen)))})
    assert result.total == 0
    assert result.auto_failed and result.passed is False
    assert result.band == band_for(0, DEFAULT_BANDS)


@given(evaluations(), st.data())
def test_a_missed_section_critical_scores_only_its_section_0(evaluation, data):
    criteria, answers = evaluation
    index = data.draw(st.integers(0, len(criteria) - 1))
    answers = {**answers, criteria[index].key: data.draw(st.sampled_from(misses(criteria[index])))}

    def with_scope(scope):
        return swap(criteria, index, replace(criteria[index], critical=scope))

    critical, plain = score(with_scope("section"), answers), score(with_scope(None), answers)
    home = criteria[index].section
    assert critical.sections[home].score == 0 and critical.sections[home].zeroed
    for key, section in plain.sections.items():
        if key != home:
            assert critical.sections[key].score == section.score
    assert critical.auto_failed == plain.auto_failed


@given(st.fractions(min_value=0, max_value=100))
def test_stored_four_decimals_display_like_the_exact_score(value):
    stored = to_decimal(value)
    assert stored.as_tuple().exponent == -4
    assert 0 <= value - Fraction(stored) < Fraction(1, 10**4)
    assert display(stored) == display(value)


@given(st.decimals(min_value=0, max_value=100, places=3))
def test_display_is_decimal_half_up(value):
    assert display(value) == str(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
