"""The monthly report's coaching section: sessions held per team in the period (one grouped query)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select

from vendor_qa.calls.models import Agent, Team
from vendor_qa.coaching.models import CoachingSession
from vendor_qa.extensions import db
from vendor_qa.periods import ReportPeriod


def snapshot(tenant, period: ReportPeriod) -> list[dict[str, Any]]:
    """Per team (agents without a team as "No team"): sessions held, agents coached, follow-ups set and done."""
    s = CoachingSession
    rows = db.session.execute(
        select(Team.name, func.count(s.id), func.count(distinct(s.agent_id)), func.count(s.follow_up_on),
               func.count(s.followed_up_at))
        .select_from(s).join(Agent, Agent.id == s.agent_id).outerjoin(Team, Team.id == Agent.team_id)
        .where(s.tenant_id == tenant.id, s.held_on >= period.first, s.held_on <= period.last)
        .group_by(Team.name).order_by(Team.name)
    ).all()
    return [{"team": name or "No team", "sessions": sessions, "agents": agents, "follow_ups": follow_ups,
             "followed_up": done} for name, sessions, agents, follow_ups, done in rows]


def draw_pdf(pdf, snapshot: dict) -> None:
    """The section in the report's PDF (vendor_qa.reports.pdf); nothing for reports built before it."""
    rows = snapshot.get("coaching")
    if rows is None:
        return
    pdf.heading("Coaching sessions per team")
    pdf.grid(("Team", "Sessions", "Agents coached", "Follow-ups set", "Follow-ups done"),
             [(r["team"], r["sessions"], r["agents"], r["follow_ups"], r["followed_up"]) for r in rows],
             (60, 28, 32, 30, 30), ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"))
