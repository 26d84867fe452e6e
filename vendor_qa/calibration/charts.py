"""The reliability trend as a server-side SVG chart, drawn like the report charts (reports/charts.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pygal

from vendor_qa.calibration.reliability import Figures, percent
from vendor_qa.reports.charts import (
    SERIES_COLOURS,
    accessible,
    from_first_data,
    new_chart,
    period_axis,
)


def reliability_trend(trend: Sequence[tuple[str, Figures]], title: str) -> str:
    """Agreement with peers and alignment with experts, month by month from the first month with
    either, in % of criteria."""
    series = (("Agreement with peers", lambda f: f.agreement), ("Alignment with experts", lambda f: f.alignment))
    trend = from_first_data(trend, lambda month: any(pick(month[1]).value is not None for _, pick in series))
    chart = new_chart(pygal.Line, title, SERIES_COLOURS, x_title="Month", y_title="% of criteria answered alike",
                      range=(0, 100), allow_interruptions=True, dots_size=4,
                      **period_axis([month for month, _ in trend]))
    words = []
    for label, pick in series:
        values = [pick(f).value for _, f in trend]
        chart.add(label, [None if v is None else round(float(v) * 100, 1) for v in values])
        words.append(f"{label}: " + (", ".join(f"{m} {percent(v)}" for (m, _), v in zip(trend, values) if v is not None)
                                     or "no data"))
    return accessible(chart.render(is_unicode=True), title, "; ".join(words) + ".")
