"""The PDF of an agent's quality file: the trend, the ability profile, the coaching sessions and the
latest evaluations, drawn with the report's layout (pdf_layout.py). Graders appear nowhere."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from vendor_qa import clock
from vendor_qa.coaching import service as coaching
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.reports import aggregates
from vendor_qa.reports.pdf_layout import CHART_ROOM, MUTED, ReportPdf, needs_chinese
from vendor_qa.templating import number, percent

EVALUATIONS = 50  # the latest; the page lists them all


def render(tenant, agent, trend, profile, charts) -> bytes:
    sessions = coaching.agent_sessions(agent.id)
    focus = coaching.focus_texts(sessions)
    evaluations = list(db.session.scalars(
        aggregates.agent_evaluations_statement(tenant, agent.id).options(joinedload(Evaluation.call)).limit(EVALUATIONS)))
    texts = [agent.display_name, tenant.name, *focus.values(), *(s.notes + s.actions for s in sessions),
             *((e.feedback_good or "") + (e.feedback_improve or "") for e in evaluations)]
    pdf = ReportPdf(tenant.name, f"Quality file · {agent.display_name}", f"{clock.now():%Y-%m-%d %H:%M}",
                    needs_chinese(texts))
    pdf.add_page()
    team = agent.team.name if agent.team else "no team"
    pdf.title_block(f"Quality file: {agent.display_name}", f"{agent.code} · {team} · {tenant.name}")

    pdf.heading("Score per month", room=CHART_ROOM)
    pdf.chart(str(charts["trend"]))
    pdf.grid(("Month", "Evaluations", "Average", "Pass rate"),
             [(p.period.label, p.scores.evaluations, number(p.scores.average), percent(p.scores.pass_rate))
              for p in reversed(trend) if p.scores.evaluations], (60, 40, 40, 40), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))

    pdf.heading("Ability profile")
    pdf.grid(("Ability", "Share of possible points"),
             [(tag, f"{number(profile.overall[tag].percent)}%") for tag in profile.tags], (100, 80), ("LEFT", "RIGHT"))

    pdf.heading("Coaching sessions")
    if not sessions:
        pdf.paragraph("No coaching session recorded.", colour=MUTED)
    for s in sessions:
        pdf.font(10, bold=True)
        follow = f"; follow-up {s.follow_up_on.isoformat()}" if s.follow_up_on else ""
        pdf.multi_cell(0, 5, f"{s.held_on.isoformat()}{follow}", new_x="LMARGIN", new_y="NEXT")
        if s.focus_criteria:
            pdf.paragraph("Focus: " + "; ".join(focus.get(k, k) for k in s.focus_criteria), size=9)
        if s.notes:
            pdf.paragraph(("Notes (shared with the agent): " if s.notes_shared else "Notes (private): ") + s.notes,
                          size=9)
        if s.actions:
            pdf.paragraph("Agreed actions: " + s.actions, size=9)
        pdf.ln(2)

    pdf.heading(f"Latest evaluations (up to {EVALUATIONS})")
    pdf.grid(("Submitted", "Call", "Score", "Result", "What to improve"),
             [(f"{e.submitted_at:%Y-%m-%d}", e.call.external_id, number(e.total),
               ("pass" if e.passed else "fail") + (", auto-fail" if e.auto_failed else ""), e.feedback_improve or "")
              for e in evaluations], (24, 30, 18, 28, 80), ("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT"))
    return bytes(pdf.output())
