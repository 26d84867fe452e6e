"""The monthly report's "Trainings and their results": its snapshot, its PDF pages and its CSV.

The trainings whose follow-up window overlaps the report's period, each with its verdict as of
the build (a training still in follow-up is marked so: its verdict may change). Figures are
kept as in the rest of the snapshot (builder.py): exact shares as decimal text, intervals as
repr text of their floats.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vendor_qa import csv_export
from vendor_qa.extensions import db
from vendor_qa.periods import ReportPeriod
from vendor_qa.reports.pdf_layout import MUTED
from vendor_qa.stats.estimates import share
from vendor_qa.templating import percent, rounded
from vendor_qa.trainings import results, service, verdict
from vendor_qa.trainings.models import Trainee, Training, follow_up_end

MAX_LISTED = 50  # trainings in one report; more are counted, not listed


def _window(w: verdict.Window) -> dict[str, Any]:
    interval = w.rate_interval
    return {"applicable": w.applicable, "lost": w.lost, "rate": _text(share(w.lost, w.applicable)),
            "rate_low": None if interval is None else repr(interval.low),
            "rate_high": None if interval is None else repr(interval.high),
            "evaluations": w.scores.n, "score": _text(w.score)}


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def snapshot(tenant, period: ReportPeriod) -> dict[str, Any]:
    """The section's plain data: the trainings followed up during the period."""
    found = [t for t in db.session.scalars(
        select(Training).where(Training.tenant_id == tenant.id, Training.given_on < period.last)
        .options(selectinload(Training.trainees).joinedload(Trainee.agent))
        .order_by(Training.given_on, Training.id))
        if follow_up_end(t.given_on, t.follow_up_weeks) > period.first]
    texts = {c.key: c.text for c in service.criterion_choices()}
    listed = []
    for training in found[:MAX_LISTED]:
        r = results.result(tenant, training)
        listed.append({
            "id": training.id, "title": training.title, "given_on": training.given_on.isoformat(),
            "follow_up_last": training.follow_up_last.isoformat(), "live": r.live,
            "criteria": [texts.get(k, k) for k in training.criterion_keys], "topic": training.topic,
            "agents": len(training.trainees), "expected_improvement": training.expected_improvement,
            "before": _window(r.before), "after": _window(r.after), "verdict": r.verdict.text,
            "p_value": None if r.verdict.p_value is None else repr(r.verdict.p_value),
            "coaching": [{"name": a.display_name, "code": a.code} for a in r.coaching]})
    return {"trainings": listed, "more": max(len(found) - MAX_LISTED, 0)}


def rate_text(window: dict[str, Any]) -> str:
    """A window's loss rate with its 95% interval, as people read it."""
    if window["rate"] is None:
        return "—"
    return (f"{percent(window['rate'])} ({percent(Decimal(window['rate_low']))}–"
            f"{percent(Decimal(window['rate_high']))}) of {window['applicable']}")


def draw_pdf(pdf, snapshot: dict) -> None:
    """The section in the report's PDF (vendor_qa.reports.pdf); nothing for reports built before it."""
    section = snapshot.get("trainings")
    if section is None:
        return
    pdf.heading("Trainings and their results")
    if not section["trainings"]:
        pdf.paragraph("No training was followed up in this period.")
        return
    pdf.grid(("Training", "Given on", "Loss rate before", "Loss rate after", "Verdict"),
             [(t["title"] + (" (follow-up running)" if t["live"] else ""), t["given_on"], rate_text(t["before"]),
               rate_text(t["after"]), t["verdict"]) for t in section["trainings"]],
             (50, 22, 38, 38, 32), ("LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"))
    for t in section["trainings"]:
        if t["coaching"]:
            names = ", ".join(f"{a['name']} ({a['code']})" for a in t["coaching"])
            pdf.paragraph(f"• {t['title']}: for personal coaching: {names}.", size=8)
    if section["more"]:
        pdf.paragraph(f"And {section['more']} more trainings (see the trainings page).", size=8, colour=MUTED)


CSV_HEADER = ("training", "given_on", "follow_up_last", "status", "agents", "criteria", "topic",
              "expected_improvement_points", "before_applicable", "before_lost", "before_loss_rate",
              "after_applicable", "after_lost", "after_loss_rate", "before_score", "after_score", "verdict",
              "p_value", "coaching")


def _four(text: str | None) -> Decimal | None:
    return None if text is None else rounded(Decimal(text), 4)


def csv_text(snapshot: dict) -> str:
    """The section as CSV text (one row per training), through the one safe CSV writer."""
    buffer = io.StringIO(newline="")
    rows = [(t["title"], t["given_on"], t["follow_up_last"], "in progress" if t["live"] else "finished",
             t["agents"], "; ".join(t["criteria"]), t["topic"], t["expected_improvement"],
             t["before"]["applicable"], t["before"]["lost"], _four(t["before"]["rate"]),
             t["after"]["applicable"], t["after"]["lost"], _four(t["after"]["rate"]),
             _four(t["before"]["score"]), _four(t["after"]["score"]), t["verdict"], _four(t["p_value"]),
             "; ".join(a["code"] for a in t["coaching"]))
            for t in (snapshot.get("trainings") or {"trainings": []})["trainings"]]
    csv_export.write(buffer, CSV_HEADER, rows)
    return buffer.getvalue()
