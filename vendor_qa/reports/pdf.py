"""A report's PDF, drawn with fpdf2 (pure Python) from the report's snapshot.

The charts are drawn here with fpdf2's own lines and rectangles from the same numbers as
the dashboard's pygal SVG: fpdf2 renders SVG but ignores the style sheet pygal colours its
charts with (selectors by id), which would print them as black shapes. Every chart is
followed by its numbers as a table, so the document reads without the picture too.

Text is set in DejaVu Sans when the machine has it (any script); otherwise in the PDF's
built-in Helvetica, which knows Latin-1 only, so other characters print as "?".
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from vendor_qa.reports.builder import interval_text, percent_text, score_text

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
             Path("/usr/share/fonts/TTF"), Path("/Library/Fonts"))
INK, MUTED, LINE, ACCENT = (29, 35, 48), (93, 103, 120), (223, 227, 234), (47, 91, 234)
HEADING = FontFace(emphasis="BOLD", fill_color=(238, 241, 246))
CHART_HEIGHT = 55


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    try:
        return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
    except ValueError:
        return ACCENT


class ReportPdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.report_title = title
        self.unicode = self._use_unicode_font()
        self.set_auto_page_break(True, margin=15)
        self.set_title(title)
        self.set_creator("vendor_qa")

    def _use_unicode_font(self) -> bool:
        for folder in FONT_DIRS:
            regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                self.add_font("DejaVu", "", str(regular))
                self.add_font("DejaVu", "B", str(bold))
                self.family = "DejaVu"
                return True
        self.family = "Helvetica"
        return False

    def text_of(self, value: Any) -> str:
        text = str(value)
        if self.unicode:
            return text
        return text.replace("–", "-").replace("—", "-").encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float = 10, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, self.text_of(f"{self.report_title} · page {self.page_no()}/{{nb}}"), align="C")
        self.set_text_color(*INK)

    def heading(self, text: str) -> None:
        if self.get_y() > self.h - 50:
            self.add_page()
        self.ln(4)
        self.font(13, bold=True)
        self.cell(0, 8, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.font(10)

    def paragraph(self, text: str, size: float = 10, colour=INK) -> None:
        self.font(size)
        self.set_text_color(*colour)
        self.multi_cell(0, 5, self.text_of(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int],
             align: Sequence[str] | None = None) -> None:
        self.font(9)
        with self.table(col_widths=widths, text_align=align or "LEFT", headings_style=HEADING,
                        line_height=5, borders_layout="HORIZONTAL_LINES") as table:
            table.row([self.text_of(h) for h in header])
            for values in rows:
                table.row([self.text_of(v) for v in values])
        self.font(10)

    # ---- charts --------------------------------------------------------------------------------

    def _frame(self, left: float, top: float, width: float, height: float, top_value: float) -> None:
        self.set_draw_color(*LINE)
        self.set_line_width(0.2)
        self.font(7)
        self.set_text_color(*MUTED)
        for step in range(5):
            value = top_value * step / 4
            y = top + height - height * step / 4
            self.line(left, y, left + width, y)
            self.set_xy(left - 11, y - 2)
            self.cell(10, 4, f"{value:g}", align="R")
        self.set_text_color(*INK)

    def line_chart(self, title: str, labels: Sequence[str], values: Sequence[float | None],
                   colours: Sequence[tuple[int, int, int]]) -> None:
        """Average score (0-100) per label: a line through the known values, dots in band colours."""
        self._chart_title(title)
        left, top, width, height = self.l_margin + 12, self.get_y() + 2, self.epw - 14, CHART_HEIGHT
        self._frame(left, top, width, height, 100)
        step = width / max(len(labels), 1)
        points = [(left + step * (i + 0.5), None if v is None else top + height - height * v / 100)
                  for i, v in enumerate(values)]
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.6)
        known = [(x, y) for x, y in points if y is not None]
        for (x1, y1), (x2, y2) in zip(known, known[1:]):
            self.line(x1, y1, x2, y2)
        for (x, y), colour in zip(points, colours):
            if y is not None:
                self.set_fill_color(*colour)
                self.circle(x=x, y=y, radius=1.2, style="F")
        self._x_labels(labels, left, top + height, step)

    def bar_chart(self, title: str, labels: Sequence[str], values: Sequence[int],
                  colours: Sequence[tuple[int, int, int]]) -> None:
        self._chart_title(title)
        left, top, width, height = self.l_margin + 12, self.get_y() + 2, self.epw - 14, CHART_HEIGHT
        highest = max([*values, 1])
        top_value = highest if highest % 4 == 0 else highest + 4 - highest % 4
        self._frame(left, top, width, height, top_value)
        step = width / max(len(labels), 1)
        for i, (value, colour) in enumerate(zip(values, colours)):
            bar = height * value / top_value
            self.set_fill_color(*colour)
            self.rect(left + step * i + step * 0.2, top + height - bar, step * 0.6, bar, style="F")
        self._x_labels(labels, left, top + height, step)

    def _chart_title(self, title: str) -> None:
        if self.get_y() > self.h - CHART_HEIGHT - 35:
            self.add_page()
        self.font(10, bold=True)
        self.cell(0, 6, self.text_of(title), new_x="LMARGIN", new_y="NEXT")

    def _x_labels(self, labels: Sequence[str], left: float, bottom: float, step: float) -> None:
        self.font(7)
        self.set_text_color(*MUTED)
        for i, label in enumerate(labels):
            self.set_xy(left + step * i, bottom + 1)
            self.cell(step, 4, self.text_of(label), align="C")
        self.set_text_color(*INK)
        self.set_xy(self.l_margin, bottom + 7)
        self.font(10)


def _band_colour(bands: Sequence[dict], average: str | None) -> tuple[int, int, int]:
    if average is None:
        return ACCENT
    reached = [b for b in bands if Decimal(b["min_score"]) <= Decimal(average)]
    return _rgb(reached[-1]["color"]) if reached else _rgb(bands[0]["color"])


def _figures(pdf: ReportPdf, s: dict) -> None:
    f, sla = s["figures"], s["sla"]
    pdf.heading("Figures of the period")
    pdf.grid(("Figure", "Value"), [
        ("Evaluations", f["evaluations"]),
        ("Average score", score_text(f["average"])),
        ("95% confidence interval", interval_text(f)),
        ("Pass rate", f"{percent_text(f['pass_rate'])} ({f['passed']} of {f['evaluations']})"),
        ("Auto-fail rate", f"{percent_text(f['auto_fail_rate'])} ({f['auto_failed']} of {f['evaluations']})"),
        ("SLA fulfilment", f"{percent_text(sla['share'])} ({sla['met']} of {sla['counted']} agent-weeks met; "
                           f"{sla['insufficient']} short of calls)"),
    ], (60, 120))
    pdf.paragraph(f"SLA weeks: {', '.join(sla['weeks'])}.", size=8, colour=MUTED)


def _trend(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Weekly trend")
    trend = s["trend"]
    pdf.line_chart("Average score per ISO week", [p["week"][5:] for p in trend],
                   [None if p["average"] is None else float(p["average"]) for p in trend],
                   [_band_colour(s["bands"], p["average"]) for p in trend])
    pdf.grid(("ISO week", "Evaluations", "Average", "Pass rate"),
             [(p["week"], p["evaluations"], score_text(p["average"]), percent_text(p["pass_rate"])) for p in trend],
             (45, 45, 45, 45), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))


def _bands(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Bands")
    bands = s["bands"]
    pdf.bar_chart("Agents per band of their average score", [b["name"] for b in bands],
                  [b["agents"] for b in bands], [_rgb(b["color"]) for b in bands])
    pdf.grid(("Band", "From score", "Agents"), [(b["name"], b["min_score"], b["agents"]) for b in bands],
             (90, 45, 45), ("LEFT", "RIGHT", "RIGHT"))
    lowest = s["lowest_band"]
    pdf.heading(f"Agents in the lowest band ({lowest['name']})")
    if not lowest["agents"]:
        pdf.paragraph("No agent's average falls in the lowest band.")
        return
    pdf.grid(("Agent", "Code", "Team", "Evaluations", "Average"),
             [(a["name"], a["code"], a["team"], a["evaluations"], score_text(a["average"]))
              for a in lowest["agents"]], (60, 25, 45, 25, 25), ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT"))


def _teams(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Teams")
    pdf.grid(("Team", "Agents", "Evaluations", "Average", "Pass rate"),
             [(t["name"], t["agents"], t["evaluations"], score_text(t["average"]), percent_text(t["pass_rate"]))
              for t in s["teams"]], (60, 25, 30, 30, 35), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))


def _problems(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Problem areas: criteria")
    criteria = s["criteria"]
    pdf.grid(("Criterion", "Lost / applicable", "Share lost", "Points lost", "Agents who lost", "Finding"),
             [(c["text"], f"{c['lost']} / {c['applicable']}", percent_text(c["loss_share"]),
               score_text(c["points_lost"]), f"{c['agents_lost']} of {c['agents']}",
               "systemic" if c["systemic"] else ("individual" if c["agents_lost"] else "none")) for c in criteria],
             (55, 27, 22, 22, 27, 27), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"))
    pdf.heading("Problem areas: topics")
    pdf.grid(("Topic", "Evaluations", "Failed share", "Average"),
             [(t["topic"], t["evaluations"], percent_text(t["fail_share"]), score_text(t["average"]))
              for t in s["topics"]], (75, 35, 35, 35), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    _findings(pdf, s)


def _findings(pdf: ReportPdf, s: dict) -> None:
    share = percent_text(s["systemic_share"])
    systemic = [c for c in s["criteria"] if c["systemic"]]
    individual = [c for c in s["criteria"] if not c["systemic"] and c["agents_lost"]]
    pdf.heading("Systemic findings (group training)")
    pdf.paragraph(f"A criterion lost by at least {share} of the agents evaluated on it is systemic.", 8, MUTED)
    for c in systemic:
        pdf.paragraph(f"• {c['text']}: lost by {c['agents_lost']} of {c['agents']} agents "
                      f"({percent_text(c['agent_share'])}).")
    if not systemic:
        pdf.paragraph("None.")
    pdf.heading("Individual findings (personal coaching)")
    for c in individual:
        names = ", ".join(f"{a['name']} ({a['lost']} of {a['applicable']})" for a in c["failing_agents"])
        more = c["agents_lost"] - len(c["failing_agents"])
        pdf.paragraph(f"• {c['text']}: {names}" + (f" and {more} more" if more > 0 else "") + ".")
    if not individual:
        pdf.paragraph("None.")


def render(snapshot: dict) -> bytes:
    """The report's PDF document from its snapshot."""
    title = f"Quality report · {snapshot['tenant']} · {snapshot['period']['label']}"
    pdf = ReportPdf(title)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.font(16, bold=True)
    pdf.multi_cell(0, 8, pdf.text_of(f"Quality report: {snapshot['tenant']}"), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(f"{snapshot['period']['label']} · built {snapshot['generated_at'][:16].replace('T', ' ')} UTC",
                  colour=MUTED)
    for section in (_figures, _trend, _bands, _teams, _problems):
        section(pdf, snapshot)
    return bytes(pdf.output())
