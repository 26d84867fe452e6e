"""The demo's team leads and coaching sessions (called by `flask demo load`, after the calls and scorecards).

Each company gets a lead of its first team (login printed with the others) and, for that
team's first agents, coaching sessions of the past weeks: shared and private notes, one
follow-up overdue, one due in a few days, one already done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from vendor_qa import periods
from vendor_qa.auth.accounts import create_user
from vendor_qa.auth.models import Role
from vendor_qa.calls.models import Agent, Team
from vendor_qa.coaching.models import CoachingSession
from vendor_qa.extensions import db
from vendor_qa.scorecards.models import Criterion
from vendor_qa.tenants.scoping import tenant_scope
from vendor_qa.tenants.teams import set_lead_teams

# (days ago held, focus criteria taken, notes shared, follow-up in days from today or None, done)
SESSIONS = (
    (20, 1, True, -6, True),
    (9, 2, True, -2, False),
    (3, 1, False, 4, False),
)
NOTES = ("Went through two calls together; the agent now repeats the customer's problem before solving it.",
         "Role-played an angry customer: stay calm, name the next step and when it happens.",
         "Private: the agent is tired after late shifts; talk to planning before the next review.")
ACTIONS = ("Summarise the problem in one sentence on every call.",
           "Close each call with the next step and its date.",
           "Listen two recordings of top agents this week.")


def lead_email(slug: str) -> str:
    return f"lead@{slug}.example"


def add_leads_and_coaching(tenant, password: str, now: datetime) -> None:
    """A lead of the first team and its agents' sessions (the caller commits)."""
    with tenant_scope(tenant.id):
        team = db.session.scalar(select(Team).order_by(Team.id).limit(1))
        lead = create_user(email=lead_email(tenant.slug), password=password, role=Role.CLIENT_MANAGER,
                           name=f"{team.name} lead", tenant=tenant)
        db.session.flush()
        set_lead_teams(lead, [team.id])
        agents = db.session.scalars(select(Agent).where(Agent.team_id == team.id).order_by(Agent.id).limit(2)).all()
        keys = list(dict.fromkeys(db.session.scalars(select(Criterion.key).order_by(Criterion.id))))
        today = periods.today(tenant.zone, now)
        for agent in agents:
            for n, (ago, focus, shared, follow, done) in enumerate(SESSIONS):
                db.session.add(CoachingSession(
                    tenant_id=tenant.id, agent_id=agent.id, coach_id=lead.id, held_on=today - timedelta(days=ago),
                    focus_criteria=keys[n:n + focus], notes=NOTES[n], notes_shared=shared, actions=ACTIONS[n],
                    follow_up_on=today + timedelta(days=follow), followed_up_at=now if done else None))
