"""The report PDF as a client sees it: every page of a weekly and a monthly report rendered to
pixels (pypdfium2), for a tenant whose teams and agents are named in Chinese, Russian and
Norwegian. Tables are light with dark text, every name prints, charts carry readable axis
labels, and every page says whose report it is, of which period, and which page.

Set REPORT_PNG_DIR to keep the rendered pages as PNG files to look at.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import undefer

from tests.integration import report_data
from tests.integration.report_data import FULL, HALF, NONE, oslo
from vendor_qa.extensions import db
from vendor_qa.reports import jobs
from vendor_qa.reports.models import Report
from vendor_qa.tenants.scoping import tenant_scope

TEAMS = ("长江理赔中心", "Карты и кредиты", "Kundeservice Tromsø")
AGENTS = ("王小明", "李静", "Анна Смирнова", "Ёлка Щукина", "Øyvind Ås", "Kjærstin Bø")
SCALE = 2  # pixels per PDF point: 144 dpi
LIGHT = 200  # a cell's background is at least this light (0 black, 255 white): a light tint
MIN_LABEL_POINTS = 8
PERIODS = {"weekly": "2026-W42", "monthly": "2026-10"}
# Chart titles, an x label of the weekly trend, the y axis top, a band in the legend.
CHART_LABELS = ("Average score per ISO week", "W42", "100", "Agents per band")


@pytest.fixture(params=PERIODS, ids=str)
def report(request, build):
    """A weekly or a monthly report of a tenant with names in three scripts: its kind, PDF and tenant."""
    tenant = build.tenant(name="Nordlys Telecom", timezone=report_data.OSLO)
    grader = build.user("grader", certify=[tenant])
    card = report_data.scorecard(tenant)
    teams = [build.team(tenant, name) for name in TEAMS]
    for n, name in enumerate(AGENTS):
        agent = build.agent(tenant, team=teams[n % len(teams)], display_name=name)
        credits = [FULL, NONE, NONE] if n < 2 else [FULL, HALF, FULL]  # the first two in the lowest band
        for day in (5, 12, 14):  # weeks 41 and 42
            report_data.evaluate(build, tenant, agent, grader, card, credits, oslo(2026, 10, day, 11))
    report_id = jobs.build_report(tenant.id, PERIODS[request.param])
    with tenant_scope(tenant.id):
        data = db.session.scalar(select(Report).where(Report.id == report_id).options(undefer(Report.pdf))).pdf
    return request.param, data, tenant.name


def _pages(report):
    """Each page: its number, the pypdfium2 page, its text page and its pixels in grey."""
    kind, data, _ = report
    keep = os.environ.get("REPORT_PNG_DIR")
    for number, page in enumerate(pypdfium2.PdfDocument(data), 1):
        picture = page.render(scale=SCALE).to_pil()
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            picture.save(Path(keep) / f"{kind}-{number}.png")
        yield number, page, page.get_textpage(), picture.convert("L")


def _boxes(textpage, text):
    """The PDF-space boxes (left, bottom, right, top) of each occurrence of the text on the page."""
    searcher = textpage.search(text, match_case=True)
    while (found := searcher.get_next()) is not None:
        first, count = found
        boxes = [textpage.get_charbox(i) for i in range(first, first + count)]
        yield (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def test_every_name_prints_dark_on_a_light_row(report):
    _, data, _ = report
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for name in (*TEAMS, *AGENTS[:2]):  # the teams table; the lowest band's agents by name
        assert name in text, name
    rows = 0
    for _, page, textpage, grey in _pages(report):
        height = page.get_height()
        for name in (*TEAMS, *AGENTS[:2]):
            for left, bottom, right, top in _boxes(textpage, name):
                y = int((height - (bottom + top) / 2) * SCALE)
                # The cell's padding beside the name, and the row's background at its far end.
                for x in (left - 3, page.get_width() - 20):
                    assert grey.getpixel((int(x * SCALE), y)) >= LIGHT, (name, x)
                glyphs = grey.crop((int(left * SCALE), int((height - top) * SCALE),
                                    int(right * SCALE), int((height - bottom) * SCALE)))
                assert min(glyphs.get_flattened_data()) < 100, name  # the name itself is dark ink
                rows += 1
    assert rows >= len(TEAMS) + 2


def test_charts_are_labelled_and_every_page_says_whose_and_which(report):
    kind, data, tenant = report
    sizes = {}
    pages = len(pypdfium2.PdfDocument(data))
    for number, _, textpage, _ in _pages(report):
        text = textpage.get_text_range()
        assert tenant in text and f"Page {number} of {pages}" in text
        assert ("Week 2026-W42" if kind == "weekly" else "October 2026") in text
        for label in CHART_LABELS:
            if (found := textpage.search(label, match_case=True).get_next()) is not None:
                sizes[label] = pdfium_c.FPDFText_GetFontSize(textpage.raw, found[0])
    assert set(sizes) == set(CHART_LABELS)
    assert all(size >= MIN_LABEL_POINTS for size in sizes.values()), sizes
