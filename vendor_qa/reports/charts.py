"""Charts drawn on the server as SVG text (pygal), so a page, a PDF and an e-mail show the same picture.

Each function takes aggregates (vendor_qa.reports.aggregates) and returns an SVG string that can
be inlined in HTML, drawn into a PDF or written to a file. Every chart carries a <title> and a
<desc> that say its data in words (role="img", aria-labelledby), labelled axes, and no script:
nothing to load. Band colours are the tenant's own.

Readable at any length: an axis of periods starts at the first period with data (a quality
file of 12 months whose agent started in October shows two), shows at most MAX_X_LABELS
labels (the latest always), and keeps its last label inside the frame; axes of counts step
in whole numbers. pygal colours its charts with a style sheet of id selectors, which fpdf2
and many mail clients ignore, so `self_styled` writes each rule into the style attribute of
the elements it matches (cssselect2, the selector engine pygal's authors wrote for CairoSVG).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TypeVar
from xml.etree import ElementTree

import cssselect2
import pygal
import tinycss2
from markupsafe import escape
from pygal.style import Style

from vendor_qa.reports.aggregates import AbilityProfile, BandCount, TrendPoint
from vendor_qa.scorecards.scoring import Band, band_for, display

INK, MUTED, LINE, ACCENT = "#1d2330", "#5d6778", "#dfe3ea", "#2f5bea"
SERIES_COLOURS = ("#2f5bea", "#2e7d32", "#b26a00", "#c62828", "#6a1b9a", "#00838f", "#5d4037", "#ad1457")
# The PDF registers its fonts under these two names (reports/pdf_layout.py); a browser without
# them takes the system's sans-serif.
FONT_FAMILY = "'Noto Sans SC', 'Noto Sans', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
WIDTH, HEIGHT = 720, 340
LABEL_PX = 14  # about 9 pt in the PDF, 9 px in a half-width card of a page
MAX_X_LABELS = 8  # at 720 px and LABEL_PX type, "Nov 2026" labels run together beyond that
MAX_COUNT_TICKS = 6
SVG_NS = "http://www.w3.org/2000/svg"
_ids = itertools.count(1)
# pygal writes its config into a <script> even with js=[]; the charts need none, and the pages'
# Content-Security-Policy (vendor_qa/security_headers.py) refuses inline scripts.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
T = TypeVar("T")


def _style(colours: Sequence[str]) -> Style:
    return Style(background="transparent", plot_background="#ffffff", foreground=INK, foreground_strong=INK,
                 foreground_subtle=LINE, colors=tuple(colours) or (ACCENT,), font_family=FONT_FAMILY,
                 guide_stroke_color=LINE, major_guide_stroke_color=LINE, guide_stroke_dasharray="none",
                 major_guide_stroke_dasharray="none", label_font_size=LABEL_PX, major_label_font_size=LABEL_PX,
                 title_font_size=16, legend_font_size=LABEL_PX, value_font_size=12, no_data_font_size=24)


def new_chart(kind: Callable, title: str, colours: Sequence[str] = (ACCENT,), **config) -> pygal.Graph:
    """A pygal chart in the house style (colours, size, no script), for every chart of the app.

    The right margin leaves room for half the last x label, which is centred on the plot's edge.
    """
    return kind(title=title, style=_style(colours), js=[], disable_xml_declaration=True, width=WIDTH,
                height=HEIGHT, margin=12, margin_right=40, legend_at_bottom=True,
                show_legend=config.pop("show_legend", True), print_values=False, truncate_label=-1, **config)


def period_axis(labels: Sequence[str]) -> dict:
    """pygal settings for an x axis of periods: the labels, at most MAX_X_LABELS of them shown,
    evenly spaced and counted back from the latest, which is always shown."""
    every = math.ceil(len(labels) / MAX_X_LABELS)
    if every <= 1:
        return {"x_labels": list(labels)}
    return {"x_labels": list(labels), "x_labels_major": list(labels)[::-1][::every], "show_minor_x_labels": False}


def count_axis(highest: int) -> dict:
    """pygal settings for a y axis of counts: whole-number ticks from 0, at most MAX_COUNT_TICKS of them."""
    highest = max(highest, 1)
    step = next(step for magnitude in (10 ** e for e in itertools.count()) for step in (magnitude, 2 * magnitude,
                5 * magnitude) if math.ceil(highest / step) < MAX_COUNT_TICKS)
    top = step * math.ceil(highest / step)
    return {"range": (0, top), "y_labels": list(range(0, top + 1, step))}


def from_first_data(items: Sequence[T], has_data: Callable[[T], bool]) -> list[T]:
    """The items from the first that has data on: an axis does not open on a stretch of empty periods.
    All of them when none has data, so that the chart still shows the periods it covers."""
    first = next((i for i, item in enumerate(items) if has_data(item)), 0)
    return list(items[first:])


def self_styled(svg: str) -> str:
    """The SVG with its style sheet written into each element's style attribute, and no <style> left.

    Rules apply in cascade order (specificity, then order); a style attribute already on an element
    wins. Pseudo-classes (:hover) match nothing here, as in print. Idempotent.
    """
    root = ElementTree.fromstring(svg)
    matcher = cssselect2.Matcher()
    for parent in list(root.iter()):
        for sheet in [child for child in parent if child.tag == f"{{{SVG_NS}}}style"]:
            _add_rules(matcher, sheet.text or "")
            parent.remove(sheet)
    for element in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        matches = sorted(matcher.match(element), key=lambda match: match[:2])
        declared = dict(pair for *_, declarations in matches for pair in declarations)
        if declared:
            own = element.etree_element.get("style")
            style = ";".join(f"{name}:{value}" for name, value in declared.items())
            element.etree_element.set("style", f"{style};{own}" if own else style)
    for element in root.iter():  # written back as SVG in HTML has it: one default namespace, no prefixes
        element.tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
    root.set("xmlns", SVG_NS)
    return ElementTree.tostring(root, encoding="unicode")


def _add_rules(matcher: cssselect2.Matcher, css: str) -> None:
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        if rule.type != "qualified-rule":
            continue
        declarations = [(d.name, _value(d)) for d in tinycss2.parse_declaration_list(
            rule.content, skip_whitespace=True, skip_comments=True)
            if d.type == "declaration" and not d.name.startswith("-") and d.name != "transition"]
        try:
            selectors = cssselect2.compile_selector_list(rule.prelude)
        except cssselect2.SelectorError:  # a selector print has no use for
            continue
        for selector in selectors:
            if selector.pseudo_element is None:
                matcher.add_selector(selector, declarations)


def _value(declaration) -> str:
    value = tinycss2.serialize(declaration.value).strip()
    return "none" if value == "transparent" else value  # SVG paint has no "transparent" (fpdf2 refuses it)


def accessible(svg: str, title: str, description: str) -> str:
    """The SVG self-styled, named and described for screen readers: role, <title> and <desc> first inside it."""
    n = next(_ids)
    head, rest = self_styled(_SCRIPT.sub("", svg)).split(">", 1)
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
    points = from_first_data(points, lambda p: p.scores.evaluations > 0)
    chart = new_chart(pygal.Line, title, x_title=x_title, y_title="Average score (0-100)", range=(0, 100),
                      show_legend=False, dots_size=4, allow_interruptions=True,
                      **period_axis([label(p) for p in points]))
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
                      y_title="Agents", show_legend=True, **count_axis(max((c.agents for c in counts), default=0)))
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
    """One line per ability tag: its earned share month by month, from the first month with data."""
    months = from_first_data(list(zip(profile.months, profile.by_month)), lambda pair: bool(pair[1]))
    chart = new_chart(pygal.Line, title, SERIES_COLOURS, x_title="Month", y_title="Points earned, % of possible",
                      range=(0, 100), allow_interruptions=True, dots_size=3,
                      **period_axis([f"{m.first:%b %Y}" for m, _ in months]))
    lines = []
    for tag in profile.tags:
        values = [month[tag].percent if tag in month else None for _, month in months]
        chart.add(tag, [_score(v) for v in values])
        lines.append(f"{tag}: " + ", ".join(f"{m.first:%b %Y} {display(v)}%" for (m, _), v in zip(months, values)
                                           if v is not None))
    return accessible(chart.render(is_unicode=True), title,
                      "Points earned per ability by month. " + ("; ".join(lines) or "No data") + ".")
