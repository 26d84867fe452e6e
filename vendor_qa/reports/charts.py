"""Charts drawn on the server as SVG text (pygal), so a page, a PDF and an e-mail show the same picture.

Each function takes aggregates (vendor_qa.reports.aggregates) and returns an SVG string that can
be inlined in HTML or written to a file. Every chart carries a <title> and a <desc> that say its
data in words (role="img", aria-labelledby), labelled axes, and no script: nothing to load.
Band colours are the tenant's own.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Callable, Iterable, Sequence

import pygal
from markupsafe import escape
from pygal.style import Style

from vendor_qa.reports.aggregates import AbilityProfile, BandCount, TrendPoint
from vendor_qa.scorecards.scoring import Band, band_for, display

INK, MUTED, LINE, ACCENT = "#1d2330", "#5d6778", "#dfe3ea", "#2f5bea"
SERIES_COLOURS = ("#2f5bea", "#2e7d32", "#b26a00", "#c62828", "#6a1b9a", "#00838f", "#5d4037", "#ad1457")
_ids = itertools.count(1)
# pygal writes its config into a <script> even with js=[]; the charts need none, and the pages'
# Content-Security-Policy (vendor_qa/security_headers.py) refuses inline scripts.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _style(colours: Sequence[str]) -> Style:
    return Style(background="transparent", plot_background="#ffffff", foreground=INK, foreground_strong=INK,
                 foreground_subtle=LINE, colors=tuple(colours) or (ACCENT,),
                 font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                 label_font_size=12, major_label_font_size=12, title_font_size=15, legend_font_size=12,
                 value_font_size=11)


def new_chart(kind: Callable, title: str, colours: Sequence[str] = (ACCENT,), **config) -> pygal.Graph:
    """A pygal chart in the house style (colours, size, no script), for every chart of the app."""
    return kind(title=title, style=_style(colours), js=[], disable_xml_declaration=True, width=720, height=340,
                margin=12, legend_at_bottom=True, show_legend=config.pop("show_legend", True), print_values=False,
                truncate_label=-1, **config)


def accessible(svg: str, title: str, description: str) -> str:
    """The SVG named and described for screen readers: role, <title> and <desc> first inside it."""
    n = next(_ids)
    head, rest = _SCRIPT.sub("", svg).split(">", 1)
    labels = f' role="img" aria-labelledby="chart-title-{n} chart-desc-{n}"'
    return (f"{head}{labels}><title id=\"chart-title-{n}\">{escape(title)}</title>"
            f"<desc id=\"chart-desc-{n}\">{escape(description)}</desc>{rest}")


def _score(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _points_in_words(points: Iterable[tuple[str, Decimal | None, int]]) -> str:
    return "; ".join(f"{label}: {display(avg)} ({n} evaluations)" if n else f"{label}: no evaluations"
                     for label, avg, n in points)


def score_trend(points: Sequence[TrendPoint], bands: Sequence[Band], label: Callable[[TrendPoint], str],
                title: str, x_title: str) -> str:
    """The average score per period as a line, each dot in the colour of the band it falls in."""
    chart = new_chart(pygal.Line, title, x_title=x_title, y_title="Average score (0-100)", range=(0, 100),
                   show_legend=False, dots_size=4, allow_interruptions=True)
    chart.x_labels = [label(p) for p in points]
    values = []
    for p in points:
        average, band = p.scores.average, band_for(p.scores.average, bands)
        values.append(None if average is None else {"value": float(average), "color": band.color if band else ACCENT})
    chart.add("Average score", values)
    words = _points_in_words((label(p), p.scores.average, p.scores.evaluations) for p in points)
    return accessible(chart.render(is_unicode=True), title, f"Average score by {x_title.lower()}: {words}.")


def band_distribution(counts: Sequence[BandCount], title: str = "Agents per band") -> str:
    """How many agents' average falls in each band, one bar per band in its own colour."""
    chart = new_chart(pygal.Bar, title, [c.band.color for c in counts], x_title="Band of the agent's average",
                   y_title="Agents", show_legend=True)
    chart.x_labels = [""]
    for c in counts:
        chart.add(f"{c.band.name} (from {display(c.band.min_score)})", [c.agents])
    words = "; ".join(f"{c.band.name}: {c.agents} agents" for c in counts)
    return accessible(chart.render(is_unicode=True), title, f"Agents per band of their average score: {words}.")


def _percent_words(pairs: Iterable[tuple[str, Decimal | None]]) -> str:
    return "; ".join(f"{name}: {display(value)}%" if value is not None else f"{name}: no data" for name, value in pairs)


def ability_profile(profile: AbilityProfile, title: str = "Ability profile") -> str:
    """The share of possible points earned per ability tag, over all the months shown."""
    chart = new_chart(pygal.HorizontalBar, title, x_title="Points earned, % of possible", y_title="Ability",
                   range=(0, 100), show_legend=False)
    chart.x_labels = profile.tags
    chart.add("Earned %", [_score(profile.overall[t].percent) for t in profile.tags])
    words = _percent_words((t, profile.overall[t].percent) for t in profile.tags)
    return accessible(chart.render(is_unicode=True), title, f"Points earned per ability: {words or 'no data'}.")


def ability_change(profile: AbilityProfile, title: str = "Ability profile by month") -> str:
    """One line per ability tag: its earned share month by month."""
    chart = new_chart(pygal.Line, title, SERIES_COLOURS, x_title="Month", y_title="Points earned, % of possible",
                   range=(0, 100), allow_interruptions=True, dots_size=3)
    chart.x_labels = [f"{m.first:%b %Y}" for m in profile.months]
    lines = []
    for tag in profile.tags:
        values = [month[tag].percent if tag in month else None for month in profile.by_month]
        chart.add(tag, [_score(v) for v in values])
        lines.append(f"{tag}: " + ", ".join(f"{m.first:%b %Y} {display(v)}%" for m, v in zip(profile.months, values)
                                           if v is not None))
    return accessible(chart.render(is_unicode=True), title,
                       "Points earned per ability by month. " + ("; ".join(lines) or "No data") + ".")
