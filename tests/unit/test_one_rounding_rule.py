"""One rounding rule for every number people read: half-up from the exact value (vendor_qa.templating).

The filter's arithmetic, and a scan of templates/ and vendor_qa/ for the ways of formatting a number
that round otherwise (half-even, on a float's binary value): '%.2f', |round, format(x, '.2f'), f"{x:.2f}".
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from vendor_qa.scorecards.scoring import display
from vendor_qa.templating import number, percent, points, rounded

ROOT = Path(__file__).resolve().parents[2]
# A printf-style or format-spec precision: '%.2f', '%+.1f', "{:.0%}", f"{x:.2f}", format(x, '.2f');
# and Jinja's |round, which rounds half-even on floats.
FORBIDDEN = re.compile(r"%[-+ 0#]*\d*\.\d+[fFeEgG%]|:[-+ 0#]*\d*,?\.\d+[fFeEgG%]\}|\|\s*round\b"
                       r"|format\([^()]*['\"][-+ ]?\d*\.\d+[fFeEgG%]['\"]")
# Not figures people are shown: an operator's stopwatch in the demo loader's console output.
ALLOWED = {"vendor_qa/demo/cli.py"}


def test_half_up_where_half_even_rounds_down():
    assert number(Decimal("2.125"), 2) == "2.13"  # a customer rating of 17/8 ('%.2f' printed 2.12)
    assert number(2.125, 2) == "2.13"  # a float is read as the number it prints as
    assert number(Decimal("84.25")) == "84.3" and number(84) == "84.0"
    assert number(Decimal("-0.05")) == "-0.1"  # a half goes away from zero
    assert number(Fraction(29199, 300), 2) == "97.33" and number("29199/300", 2) == "97.33"
    assert number(None) == "—"
    assert points(Decimal("10.0000")) == "10" and points("97.335") == "97.34"


def test_a_share_below_its_target_never_reads_as_the_target():
    assert percent(Fraction(18, 19), against=Decimal("0.95")) == "94.7%"
    assert percent(Fraction(18, 19), 0) == "95%"  # which is why the SLA pages compare with `against`
    assert percent(Fraction(18, 19), 0, against=Decimal("0.95")) == "94.7%"
    assert percent(Fraction(1899, 2000), against=Decimal("0.95")) == "94.95%"
    assert percent(Fraction(19, 20), against=Decimal("0.95")) == "95.0%"
    assert percent(None) == "—"


exact_values = st.fractions(min_value=-10**6, max_value=10**6, max_denominator=10**4)


@given(exact_values, st.integers(0, 4))
def test_rounded_is_the_nearest_with_halves_away_from_zero(value, places):
    shown = Fraction(rounded(value, places))
    unit = Fraction(1, 10**places)
    assert abs(shown - value) <= unit / 2
    if abs(shown - value) == unit / 2:
        assert abs(shown) > abs(value)
    assert number(value, places) == format(rounded(value, places), "f")


@given(exact_values)
def test_scores_shown_by_the_scoring_engine_follow_the_same_rule(value):
    assert number(value) == display(value)  # scoring.display: one decimal for scores, bands, charts


@given(st.fractions(0, 1, max_denominator=5000), st.integers(50, 100))
def test_a_share_reads_as_its_target_only_when_it_is_the_target(share, target_percent):
    target = Fraction(target_percent, 100)
    shown = Fraction(percent(share, against=target).rstrip("%"))
    assert (shown == target * 100) == (share == target)
    assert (shown < target * 100) == (share < target)


def _offences() -> list[str]:
    found = []
    for folder, suffixes in (("templates", {".html", ".txt"}), ("vendor_qa", {".py", ".html", ".txt"})):
        for path in sorted((ROOT / folder).rglob("*")):
            name = str(path.relative_to(ROOT))
            if path.suffix not in suffixes or name in ALLOWED:
                continue
            for number_, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if FORBIDDEN.search(line):
                    found.append(f"{name}:{number_}: {line.strip()}")
    return found


def test_no_number_is_formatted_past_the_one_rule():
    assert _offences() == [], "use the templating filters number/percent/points (half-up) instead"


def test_the_scan_finds_each_way_of_rounding_otherwise():
    for line in ("{{ '%.2f'|format(x) }}", "{{ '%.0f' % (x * 100) }}", "{{ x|round|int }}", "{{ x | round(1) }}",
                 "f'{share:.0%}'", "f'{value:.2f}'", "format(value, '.2f')", "'%+.1f' % gap"):
        assert FORBIDDEN.search(line), line
    for line in ("'%Y-%m-%d %H:%M'", "f'{hours}:{minutes:02d}'", "width: 100%", "format(value, 'f')",
                 "width: .8em; height: .8em"):
        assert not FORBIDDEN.search(line), line
