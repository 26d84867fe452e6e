"""The server-side SVG charts: readable at any period length, counts on whole numbers, a text
alternative in each, no script (the pages' CSP refuses inline scripts), and styled element by
element so that a PDF (fpdf2) and a mail client draw them as the page does."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from xml.etree import ElementTree

import pygal
from hypothesis import given
from hypothesis import strategies as st

from vendor_qa import periods
from vendor_qa.calibration.charts import reliability_trend
from vendor_qa.calibration.reliability import Figures, Share
from vendor_qa.reports import charts
from vendor_qa.reports.aggregates import (
    AbilityProfile,
    AbilityScore,
    BandCount,
    Scores,
    TrendPoint,
)
from vendor_qa.reports.statistics import Summary
from vendor_qa.scorecards.scoring import DEFAULT_BANDS

NS = {"svg": charts.SVG_NS}
OSLO = "Europe/Oslo"
CHARACTER_PX = charts.LABEL_PX * 0.6  # an upper estimate of a label's character width


def _scores(*totals: int) -> Scores:
    return Scores(len(totals), Summary(len(totals), Decimal(sum(totals)), Decimal(sum(t * t for t in totals))))


def _months(count: int) -> list[periods.ReportPeriod]:
    return periods.months_back(OSLO, count)


def _tree(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def _axis_labels(svg: str, axis: str) -> list[tuple[float, str]]:
    """The shown labels of an axis ("x" or "y"), with their x position in the chart's frame."""
    root = _tree(svg)
    plot_x = 0.0
    for group in root.iter(f"{{{charts.SVG_NS}}}g"):
        if "plot" in group.get("class", "").split() and group.get("transform"):
            plot_x = float(re.search(r"translate\(([\d.]+)", group.get("transform")).group(1))
            break
    found = []
    for group in root.iter(f"{{{charts.SVG_NS}}}g"):
        if group.get("class", "").split()[:2] == ["axis", axis]:
            found += [(plot_x + float(t.get("x")), t.text) for t in group.iterfind(".//svg:text", NS) if t.text]
    return found


def test_a_chart_is_named_described_and_has_no_script():
    chart = charts.new_chart(pygal.Bar, "Calls")
    chart.add("calls", [3, 5])
    svg = charts.accessible(chart.render(is_unicode=True), "Calls", "Calls per day: 3, 5.")
    assert "<script" not in svg
    assert 'role="img"' in svg and "<desc" in svg and "Calls per day: 3, 5." in svg


def test_a_year_of_months_opens_on_the_first_month_with_data_and_keeps_the_last_label_in_the_frame():
    months = _months(12)
    points = [TrendPoint(m, _scores(70, 80) if i >= 10 else Scores(0)) for i, m in enumerate(months)]
    svg = charts.score_trend(points, DEFAULT_BANDS, lambda p: f"{p.period.first:%b %Y}", "Average score per month",
                             "Month")
    labels = _axis_labels(svg, "x")
    assert [text for _, text in labels] == ["Oct 2026", "Nov 2026"]  # not ten empty months first
    x, text = labels[-1]
    assert x + len(text) * CHARACTER_PX / 2 <= charts.WIDTH
    assert "Dec 2025" not in svg  # the words say the same as the picture


def test_a_long_axis_shows_a_few_evenly_spaced_labels_the_latest_among_them():
    weeks = periods.recent_weeks(OSLO, 52)
    points = [TrendPoint(w, _scores(60 + i % 30)) for i, w in enumerate(weeks)]
    svg = charts.score_trend(points, DEFAULT_BANDS, lambda p: p.period.key, "Average score per ISO week", "ISO week")
    shown = [text for _, text in _axis_labels(svg, "x")]
    assert 2 <= len(shown) <= charts.MAX_X_LABELS
    assert shown[-1] == weeks[-1].key
    xs = [x for x, _ in _axis_labels(svg, "x")]
    gaps = {round(b - a) for a, b in itertools.pairwise(xs)}
    assert max(gaps) - min(gaps) <= 1  # evenly spaced
    assert all(w.key in svg for w in weeks)  # the description still has every week


@given(st.integers(min_value=1, max_value=200))
def test_a_period_axis_never_shows_more_than_the_limit_and_always_the_latest(count):
    labels = [f"L{i}" for i in range(count)]
    axis = charts.period_axis(labels)
    shown = axis.get("x_labels_major", labels)
    assert len(shown) <= charts.MAX_X_LABELS and labels[-1] in shown
    assert axis.get("show_minor_x_labels", True) == ("x_labels_major" not in axis)


@given(st.integers(min_value=0, max_value=100_000))
def test_a_count_axis_steps_in_whole_numbers_from_zero_past_the_highest(highest):
    axis = charts.count_axis(highest)
    ticks = axis["y_labels"]
    assert ticks[0] == 0 and ticks[-1] >= highest and axis["range"] == (0, ticks[-1])
    assert all(isinstance(t, int) for t in ticks) and 2 <= len(ticks) <= charts.MAX_COUNT_TICKS
    assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1


def test_agents_per_band_counts_in_whole_agents():
    counts = [BandCount(band, n) for band, n in zip(DEFAULT_BANDS, (1, 0, 3))]
    svg = charts.band_distribution(counts)
    assert [text for _, text in _axis_labels(svg, "y")] == ["0", "1", "2", "3"]
    assert "re-certify: 1 agents; train: 0 agents; good: 3 agents" in svg


def test_the_ability_chart_starts_at_the_first_month_with_data():
    months = _months(12)
    by_month = [{} for _ in months[:-3]] + [{"listening": AbilityScore(Decimal(8), Decimal(10))} for _ in months[-3:]]
    profile = AbilityProfile(["listening"], months, {"listening": AbilityScore(Decimal(24), Decimal(30))}, by_month)
    svg = charts.ability_change(profile)
    assert [text for _, text in _axis_labels(svg, "x")] == [f"{m.first:%b %Y}" for m in months[-3:]]
    assert "<title" in svg and "listening: Sep 2026 80.0%" in svg


def test_the_reliability_trend_starts_at_the_first_month_with_data():
    empty, known = Figures(), Figures(agreement=Share(((3, 4),)))
    trend = [("2026-06", empty), ("2026-07", empty), ("2026-08", known), ("2026-09", empty), ("2026-10", known)]
    svg = reliability_trend(trend, "Grader on Nordlys")
    assert [text for _, text in _axis_labels(svg, "x")] == ["2026-08", "2026-09", "2026-10"]
    assert "<desc" in svg and "Agreement with peers: 2026-08 75%" in svg


def test_a_chart_carries_its_style_on_its_elements_and_says_the_same_after_a_second_pass():
    counts = [BandCount(band, n) for band, n in zip(DEFAULT_BANDS, (1, 2, 3))]
    svg = charts.band_distribution(counts)
    assert "<style" not in svg
    series = [g for g in _tree(svg).iter(f"{{{charts.SVG_NS}}}g") if "series" in g.get("class", "").split()]
    fills = {re.search(r"(?:^|;)fill:([^;]+)", g.get("style")).group(1) for g in series}
    assert fills == {band.color for band in DEFAULT_BANDS}  # each bar in its band's colour, no style sheet needed
    assert charts.self_styled(svg) == charts.self_styled(charts.self_styled(svg))
