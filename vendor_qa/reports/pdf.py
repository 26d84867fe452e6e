"""A report's PDF, drawn with fpdf2 (pure Python) from the report's snapshot.

The sections follow the dashboard's order; the drawing itself (fonts, page header and
footer, tables, charts) is in pdf_layout.py. The charts are the snapshot's own SVG, the
ones the report's page shows; each is followed by its numbers as a table, so the document
reads without the picture too.
"""

from __future__ import annotations

import json

from vendor_qa.reports.builder import band_note, finding, interval_text
from vendor_qa.reports.charts import from_first_data
from vendor_qa.reports.pdf_layout import CHART_ROOM, MUTED, ReportPdf, needs_chinese
from vendor_qa.templating import number, percent, points
from vendor_qa.trainings import report_section as trainings_section
from vendor_qa.coaching import report_section as coaching_section


def _figures(pdf: ReportPdf, s: dict) -> None:
    f, sla = s["figures"], s["sla"]
    pdf.heading("Figures of the period")
    pdf.grid(("Figure", "Value"), [
        ("Evaluations", f["evaluations"]),
        ("Average score", number(f["average"])),
        ("95% confidence interval", interval_text(f)),
        ("Pass rate", f"{percent(f['pass_rate'])} ({f['passed']} of {f['evaluations']})"),
        ("Auto-fail rate", f"{percent(f['auto_fail_rate'])} ({f['auto_failed']} of {f['evaluations']})"),
        ("SLA fulfilment", (f"{percent(sla['share'])} ({sla['met']} of {sla['counted']} agent-weeks met; "
                            f"{sla['insufficient']} short of calls)")),
    ], (60, 120))
    pdf.paragraph(f"SLA weeks counted (closed): {', '.join(sla['weeks']) or 'none yet'}.", size=8, colour=MUTED)
    if current := sla.get("in_progress"):  # snapshots before issue #11 have none
        pdf.paragraph(f"{current['week']} was in progress, not counted ({current['agents']} agents: {current['met']} "
                      f"met, {current['on_track']} on track, {current['at_risk']} at risk, {current['waiting']} "
                      "waiting for calls).", size=8, colour=MUTED)


def _trend(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Weekly trend", room=CHART_ROOM)
    trend = from_first_data(s["trend"], lambda week: week["evaluations"] > 0)  # as the chart does
    pdf.chart(s["charts"]["trend"])
    pdf.grid(("ISO week", "Evaluations", "Average", "Pass rate"),
             [(p["week"], p["evaluations"], number(p["average"]), percent(p["pass_rate"])) for p in trend],
             (45, 45, 45, 45), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))


def _bands(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Bands", room=CHART_ROOM)
    bands = s["bands"]
    pdf.chart(s["charts"]["bands"])
    pdf.grid(("Band", "From score", "Agents"), [(b["name"], b["min_score"], b["agents"]) for b in bands],
             (90, 45, 45), ("LEFT", "RIGHT", "RIGHT"))
    lowest = s["lowest_band"]
    pdf.heading(f"Agents in the lowest band ({lowest['name']})")
    if not lowest["agents"]:
        pdf.paragraph("No agent's average falls in the lowest band.")
        return
    pdf.grid(("Agent", "Code", "Team", "Evaluations", "Average", "Band: how sure"),
             [(a["name"], a["code"], a["team"], a["evaluations"], number(a["average"]), band_note(a))
              for a in lowest["agents"]], (41, 20, 35, 24, 20, 40), ("LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "LEFT"))


def _teams(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Teams")
    pdf.grid(("Team", "Agents", "Evaluations", "Average", "Pass rate"),
             [(t["name"], t["agents"], t["evaluations"], number(t["average"]), percent(t["pass_rate"]))
              for t in s["teams"]], (60, 25, 30, 30, 35), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))


def _problems(pdf: ReportPdf, s: dict) -> None:
    pdf.heading("Problem areas: criteria")
    criteria = s["criteria"]
    pdf.grid(("Criterion", "Lost / applicable", "Share lost", "Points lost", "Agents who lost", "Finding"),
             [(c["text"], f"{c['lost']} / {c['applicable']}", percent(c["loss_share"]),
               points(c["points_lost"]), f"{c['agents_lost']} of {c['agents']}",
               finding(c)) for c in criteria],
             (55, 27, 22, 22, 27, 27), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"))
    pdf.heading("Problem areas: topics")
    pdf.grid(("Topic", "Evaluations", "Failed share", "Average"),
             [(t["topic"], t["evaluations"], percent(t["fail_share"]), number(t["average"]))
              for t in s["topics"]], (75, 35, 35, 35), ("LEFT", "RIGHT", "RIGHT", "RIGHT"))
    _findings(pdf, s)


def _findings(pdf: ReportPdf, s: dict) -> None:
    share = percent(s["systemic_share"])
    systemic = [c for c in s["criteria"] if finding(c) == "systemic"]
    individual = [c for c in s["criteria"] if finding(c) == "individual"]
    pdf.heading("Systemic findings (group training)")
    pdf.paragraph(_rule(s, share), 8, MUTED)
    for c in systemic:
        pdf.paragraph(f"• {c['text']}: lost by {c['agents_lost']} of {c['agents']} agents "
                      f"({percent(c['agent_share'])}).")
    if not systemic:
        pdf.paragraph("None.")
    pdf.heading("Individual findings (personal coaching)")
    for c in individual:
        names = ", ".join(f"{a['name']} ({a['lost']} of {a['applicable']})" for a in c["failing_agents"])
        more = c.get("standing_out", c["agents_lost"]) - len(c["failing_agents"])
        pdf.paragraph(f"• {c['text']}: {names}" + (f" and {more} more" if more > 0 else "") + ".")
    if not individual:
        pdf.paragraph("None.")


def _rule(s: dict, share: str) -> str:
    if not any("verdict" in c for c in s["criteria"]):  # built before the test (see builder.finding)
        return f"A criterion lost by at least {share} of the agents evaluated on it is systemic."
    return (f"Agents who lose a criterion more often than the others (an exact test per agent, false discoveries "
            f"held at 5%) are listed for coaching; a criterion on which no agent stands out and that loses points "
            f"in at least {share} of its evaluations is systemic.")


def render(snapshot: dict) -> bytes:
    """The report's PDF document from its snapshot."""
    period, built = snapshot["period"], snapshot["generated_at"][:16].replace("T", " ")
    chinese = needs_chinese([json.dumps(snapshot, ensure_ascii=False)])
    pdf = ReportPdf(snapshot["tenant"], period["label"], built, chinese)
    pdf.add_page()
    pdf.title_block(f"Quality report: {snapshot['tenant']}", f"{period['label']} · built {built} UTC")
    for section in (_figures, _trend, _bands, _teams, _problems, trainings_section.draw_pdf,
                    coaching_section.draw_pdf):
        section(pdf, snapshot)
    return bytes(pdf.output())
