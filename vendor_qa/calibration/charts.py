"""The reliability trend as a server-side SVG chart, drawn like the report charts (reports/charts.py)."""

from __future__ import annotations

from typing import Sequence

import pygal

from vendor_qa.calibration.reliability import Figures, percent
from vendor_qa.reports.charts import SERIES_COLOURS, accessible, new_chart


def reliability_trend(trend: Sequence[tuple[str, Figures]], title: str) -> str:
    """Agreement with peers and alignment with experts, month by month, in % of criteria."""
    chart = new_chart(pygal.Line, title, SERIES_COLOURS, x_title="Month", y_title="% of criteria answered alike",
                   range=(0, 100), allow_interruptions=True, dots_size=4)
    chart.x_labels = [month for month, _ in trend]
    words = []
    series = (("Agreement with peers", lambda f: f.agreement), ("Alignment with experts", lambda f: f.alignment))
    for label, pick in series:
        values = [pick(f).value for _, f in trend]
        chart.add(label, [None if v is None else round(float(v) * 100, 1) for v in values])
        words.append(f"{label}: " + (", ".join(f"{m} {percent(v)}" for (m, _), v in zip(trend, values) if v is not None)
                                     or "no data"))
    return accessible(chart.render(is_unicode=True), title, "; ".join(words) + ".")
