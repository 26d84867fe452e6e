"""The drawing primitives of a report's PDF (fpdf2): fonts, page header and footer, headings,
paragraphs, tables and charts. What a report says is in pdf.py.

Text is set in Noto Sans (Latin with Norwegian æøå, Greek, Cyrillic) with Noto Sans SC as the
fallback for Chinese; `make setup` copies both from npm into static/vendor/fonts, and fpdf2
embeds only the glyphs a document uses. The Chinese font is 10 MB to read, so a document loads
it only when its text has a character beyond Noto Sans's scripts.

Charts are the very SVG the pages show (reports/charts.py, styled element by element), drawn
as vectors, so their labels stay sharp and searchable. Tables fill every other row with a
light tint, repeat their header row on each page they run onto, and set numbers flush right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellFillMode
from fpdf.fonts import FontFace

from vendor_qa import PROJECT_ROOT
from vendor_qa.reports import charts

FONT_DIR = PROJECT_ROOT / "static" / "vendor" / "fonts"
LATIN, CHINESE = "Noto Sans", "Noto Sans SC"  # the names charts.FONT_FAMILY asks for
FIRST_CJK = 0x2E80  # CJK radicals on: beyond what Noto Sans covers
INK, MUTED, LINE, TINT = (29, 35, 48), (93, 103, 120), (210, 215, 224), (244, 246, 249)
HEADING_ROW = FontFace(emphasis="BOLD", color=INK, fill_color=(230, 234, 241))
MARGIN = 16
CHART_WIDTH = 170  # mm, centred; the SVG's own aspect ratio gives the height
CHART_HEIGHT = CHART_WIDTH * charts.HEIGHT / charts.WIDTH
CHART_ROOM = CHART_HEIGHT + 20  # a heading goes to the next page with its chart
# fpdf2 warns on every <title>/<desc> (tooltips and the text alternative): the PDF does not need them,
# each chart is followed by its numbers as a table.
_NOT_DRAWN = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.DOTALL)


class FontsMissing(RuntimeError):
    """The PDF fonts are not installed: `make setup` copies them."""


def needs_chinese(texts: Iterable[str]) -> bool:
    return any(ord(character) >= FIRST_CJK for text in texts for character in text)


class ReportPdf(FPDF):
    """An A4 document: a header (tenant, period) on every page after the title page, a footer (page n of m) on all."""

    def __init__(self, tenant: str, period: str, built: str, chinese: bool) -> None:
        super().__init__(format="A4")
        self.tenant, self.period, self.built = tenant, period, built
        self._add_fonts(chinese)
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"Quality report · {tenant} · {period}")
        self.set_creator("vendor_qa")
        self.alias_nb_pages()
        self.set_text_color(*INK)

    def _add_fonts(self, chinese: bool) -> None:
        files = {(LATIN, ""): "NotoSans-Regular.ttf", (LATIN, "B"): "NotoSans-Bold.ttf"}
        if chinese:
            files[(CHINESE, "")] = "NotoSansSC-Regular.ttf"
        missing = [name for name in files.values() if not (FONT_DIR / name).exists()]
        if missing:
            raise FontsMissing(f"PDF fonts not found in {FONT_DIR}: {', '.join(missing)}; run `make setup`.")
        for (family, style), name in files.items():
            self.add_font(family, style, str(FONT_DIR / name))
        if chinese:  # headings in bold take the regular Chinese glyphs
            self.set_fallback_fonts([CHINESE], exact_match=False)

    def font(self, size: float = 10, bold: bool = False) -> None:
        self.set_font(LATIN, "B" if bold else "", size)

    def header(self) -> None:
        if self.page_no() == 1:  # the title block says it all
            return
        self.set_y(8)
        self.font(8)
        self.set_text_color(*MUTED)
        self.cell(self.epw / 2, 5, f"{self.tenant} · Quality report")
        self.cell(self.epw / 2, 5, self.period, align="R", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*LINE)
        self.set_line_width(0.2)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_text_color(*INK)
        self.set_y(20)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(8)
        self.set_text_color(*MUTED)
        # "Page n of m" on the left: the width of the page count is not known when the line is set.
        self.cell(self.epw / 2, 5, f"Page {self.page_no()} of {{nb}}")
        self.cell(self.epw / 2, 5, f"Built {self.built} UTC", align="R")
        self.set_text_color(*INK)

    def title_block(self, title: str, subtitle: str) -> None:
        self.font(20, bold=True)
        self.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        self.paragraph(subtitle, size=11, colour=MUTED)
        self.ln(2)

    def room_left(self) -> float:
        return self.page_break_trigger - self.get_y()

    def heading(self, text: str, room: float = 40) -> None:
        """A section heading, moved to the next page with what follows when less than `room` mm is left."""
        if self.room_left() < room:
            self.add_page()
        self.ln(5)
        self.font(13, bold=True)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)
        self.font(10)

    def paragraph(self, text: str, size: float = 10, colour: tuple[int, int, int] = INK) -> None:
        self.font(size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def grid(self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int],
             align: Sequence[str] | None = None) -> None:
        """A table: header row tinted and repeated on each page the table runs onto, every other row tinted.
        No rows, no table: a line says so."""
        if not rows:
            self.paragraph("None in this period.", colour=MUTED)
            return
        self.font(9)
        self.set_draw_color(*LINE)
        self.set_line_width(0.2)
        with self.table(col_widths=widths, text_align=align or "LEFT", headings_style=HEADING_ROW,
                        line_height=5, padding=(1.2, 2), borders_layout=TableBordersLayout.HORIZONTAL_LINES,
                        cell_fill_color=TINT, cell_fill_mode=TableCellFillMode.EVEN_ROWS) as table:
            table.row([str(h) for h in header])
            for values in rows:
                table.row([str(v) for v in values])
        self.ln(2)
        self.font(10)

    def chart(self, svg: str) -> None:
        """The chart's SVG, as wide as CHART_WIDTH, on the next page when it does not fit on this one."""
        drawable = _NOT_DRAWN.sub("", charts.self_styled(svg))
        if self.room_left() < CHART_HEIGHT:
            self.add_page()
        self.image(drawable.encode(), x=(self.w - CHART_WIDTH) / 2, y=self.get_y(), w=CHART_WIDTH, h=CHART_HEIGHT)
        self.set_y(self.get_y() + CHART_HEIGHT + 2)
