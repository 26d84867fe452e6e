"""The server-side SVG charts carry no script: the pages' CSP refuses inline scripts."""

from __future__ import annotations

import pygal

from vendor_qa.reports import charts


def test_a_chart_is_named_described_and_has_no_script():
    chart = charts.new_chart(pygal.Bar, "Calls")
    chart.add("calls", [3, 5])
    svg = charts.accessible(chart.render(is_unicode=True), "Calls", "Calls per day: 3, 5.")
    assert "<script" not in svg
    assert 'role="img"' in svg and "<desc" in svg and "Calls per day: 3, 5." in svg
