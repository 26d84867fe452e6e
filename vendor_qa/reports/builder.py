"""A report's snapshot: the dashboard's aggregates of a period frozen into plain JSON.

The figures come from the same functions as the live dashboard (vendor_qa.reports.dashboard),
so a report and the dashboard of the same period agree. Exact values are kept as decimal
text (an average is the exact quotient of the stored totals), an exact sum of points as
fraction text ("60/11": lost_points.py); the confidence interval, a float by nature, as repr
text. The charts are the dashboard's own SVG, kept for the HTML
view and the e-mail; the PDF draws the same data itself (see pdf.py).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from vendor_qa import clock
from vendor_qa.coaching import report_section as coaching_section
from vendor_qa.trainings import report_section as trainings_section
from vendor_qa.periods import ReportPeriod
from vendor_qa.reports import aggregates, dashboard
from vendor_qa.reports.aggregates import AgentRow, Scores
from vendor_qa.scorecards.rules import tenant_bands
from vendor_qa.scorecards.scoring import display
from vendor_qa.templating import number

if TYPE_CHECKING:  # the SLA engine sits above reports in the import order
    from vendor_qa.sla.fulfilment import SlaFulfilment

SNAPSHOT_VERSION = 1
AGENTS_PAGE = 500  # agents read per query while collecting the lowest band


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _scores(scores: Scores) -> dict[str, Any]:
    interval = scores.interval
    return {
        "evaluations": scores.evaluations,
        "scored": scores.summary.n,
        "total": _text(scores.summary.total),
        "average": _text(scores.average),
        "ci_low": None if interval is None else repr(interval.low),
        "ci_high": None if interval is None else repr(interval.high),
        "passed": scores.passed,
        "auto_failed": scores.auto_failed,
        "pass_rate": _text(scores.pass_rate),
        "auto_fail_rate": _text(scores.auto_fail_rate),
    }


def _sla(sla: SlaFulfilment) -> dict[str, Any]:
    """Closed weeks counted; the week under way apart, with where its agents stand (vendor_qa.sla.fulfilment)."""
    current = sla.open_week
    return {"met": sla.met, "counted": sla.counted, "insufficient": sla.insufficient, "share": _text(sla.share),
            "weeks": [w.key for w in sla.weeks], "upcoming": sla.upcoming,
            "in_progress": None if current is None else {
                "week": current.week.key, "met": current.met, "on_track": current.on_track,
                "at_risk": current.at_risk, "waiting": current.waiting, "agents": current.agents}}


def _criterion(problem: aggregates.CriterionProblem) -> dict[str, Any]:
    return {
        "key": problem.key, "text": problem.text, "ability": problem.ability,
        "applicable": problem.applicable, "lost": problem.lost, "loss_share": _text(problem.loss_share),
        "points_lost": _text(problem.points_lost), "agents": problem.agents, "agents_lost": problem.agents_lost,
        "agent_share": _text(problem.agent_share), "systemic": problem.systemic,
        "verdict": problem.verdict, "standing_out": problem.standing_out,
        "failing_agents": [{"name": a.name, "code": a.code, "lost": a.lost, "applicable": a.applicable}
                           for a in problem.failing_agents],
    }


def _agent(row: AgentRow) -> dict[str, Any]:
    return {"name": row.name, "code": row.code, "team": row.team, "evaluations": row.evaluations,
            "average": _text(row.average), "previous_average": _text(row.previous_average),
            "band_probability": None if row.band_probability is None else repr(row.band_probability),
            "previous_band": row.previous_band.name if row.previous_band else None,
            "change_supported": row.change_supported}


def lowest_band_agents(tenant, period: ReportPeriod) -> list[AgentRow]:
    """Every agent whose period average falls in the tenant's lowest band, worst first.

    Reads the agents table ordered by average a page at a time and stops at the first
    agent above the lowest band: a few queries however many agents the tenant has.
    """
    lowest = tenant_bands(tenant)[0]
    found: list[AgentRow] = []
    page = 1
    while True:
        rows = aggregates.agents_page(tenant, period, sort="average", page=page, per_page=AGENTS_PAGE).items
        for row in rows:
            if row.band is None or row.band.name != lowest.name:
                return found
            found.append(row)
        if len(rows) < AGENTS_PAGE:
            return found
        page += 1


def build_snapshot(tenant, period: ReportPeriod) -> dict[str, Any]:
    """Everything a report shows, as JSON-safe plain data."""
    found = dashboard.build(tenant, period)
    drawn = dashboard.draw(tenant, found)
    bands = tenant_bands(tenant)
    return {
        "version": SNAPSHOT_VERSION,
        "tenant": tenant.name,
        "period": {"key": period.key, "kind": period.kind, "label": period.label,
                   "first": period.first.isoformat(), "last": period.last.isoformat()},
        "generated_at": clock.now().isoformat(),
        "systemic_share": _text(aggregates.systemic_share(tenant)),
        "figures": _scores(found.overview.scores),
        "sla": _sla(found.sla),
        "trend": [{"week": p.period.key, **_scores(p.scores)} for p in found.overview.trend],
        "bands": [{"name": c.band.name, "min_score": display(c.band.min_score), "color": c.band.color,
                   "agents": c.agents} for c in found.bands],
        "lowest_band": {"name": bands[0].name, "agents": [_agent(r) for r in lowest_band_agents(tenant, period)]},
        "teams": [{"name": t.name, "agents": t.agents, **_scores(t.scores)} for t in found.teams],
        "criteria": [_criterion(c) for c in found.criteria],
        "topics": [{"topic": t.topic, "fail_share": _text(t.fail_share), **_scores(t.scores)} for t in found.topics],
        "charts": {"trend": drawn.trend, "bands": drawn.bands},
        "coaching": coaching_section.snapshot(tenant, period),  # sessions held per team
        "trainings": trainings_section.snapshot(tenant, period),  # followed up in the period, with verdicts
    }


# ---- the snapshot's numbers as people read them (PDF, HTML view, e-mail) -------------------------

def interval_text(figures: dict[str, Any]) -> str:
    """The 95% confidence interval of some figures' average, or "—" below two scores."""
    if figures.get("ci_low") is None:
        return "—"
    return f"{number(figures['ci_low'])}–{number(figures['ci_high'])}"


def finding(criterion: dict[str, Any]) -> str:
    """A criterion's finding: systemic, individual or none. Snapshots from before the test
    (no "verdict") keep the rule they were built with: systemic by share of agents, else individual."""
    if "verdict" in criterion:
        return criterion["verdict"]
    return "systemic" if criterion["systemic"] else ("individual" if criterion["agents_lost"] else "none")


def band_note(agent: dict[str, Any]) -> str:
    """How sure the agent's band is, and whether a band change holds at 95% ("" where not known)."""
    notes = []
    if agent.get("band_probability") is not None:
        likely = (Decimal(agent["band_probability"]) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        notes.append(f"{likely}% likely")
    if agent.get("change_supported") is not None:
        was = f"was {agent['previous_band']}"
        notes.append(was if agent["change_supported"] else f"{was}: change not supported at 95%")
    return "; ".join(notes)
