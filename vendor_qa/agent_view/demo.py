"""The agent view in the demo (`flask demo load`): personal links, acknowledged and pending feedback.

One demo tenant sends feedback to its agents directly (to those with an e-mail, a manager's "Issue
a new link" e-mails it); the others go through the team lead. Every agent has a live link, issued
without an e-mail at load (start-up enqueues the history alone). After the graded history is
loaded, most feedback older than two days is acknowledged, some with a comment, a few evaluations
have a dispute request, and the recent ones wait.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import click
from sqlalchemy import select

from vendor_qa.agent_view import links
from vendor_qa.agent_view.models import Acknowledgment, AgentLink, DisputeRequest
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.reports.counting import counted
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

DIRECT_TENANT = "pacific"
ACKNOWLEDGED_SHARE = 0.8
REQUESTED_SHARE = 0.03
WAITS_DAYS = 2
COMMENTS = ("Thanks, understood.", "I will work on this.", "Good point about the greeting.",
            "I did not know that rule; noted.", None, None, None)
REASONS = ("The customer hung up before I could summarise.", "I did offer the follow-up, near the end of the call.")


def issue_links(tenant: Tenant) -> None:
    """A live link for each active agent of the tenant (the caller commits; e-mails go out after)."""
    with tenant_scope(tenant.id):
        agents = db.session.scalars(select(Agent).where(Agent.active.is_(True)).order_by(Agent.id)).all()
        if tenant.slug == DIRECT_TENANT:
            tenant.settings = {**(tenant.settings or {}), "agent_feedback_route": links.DIRECT}
        for agent in agents:
            links.issue(tenant, agent, send=False)  # not one e-mail job per agent at start-up
        db.session.flush()


def answer_feedback(tenant: Tenant, seed: int, now: datetime) -> None:
    """The agents' answers to the tenant's graded history (the caller commits)."""
    rng = random.Random(seed)
    with tenant_scope(tenant.id):
        rows = db.session.execute(select(Evaluation.id, Evaluation.agent_id, Evaluation.submitted_at)
                                  .where(*counted(tenant.id, None)).order_by(Evaluation.id)).all()
        for evaluation_id, agent_id, submitted_at in rows:
            common = dict(tenant_id=tenant.id, evaluation_id=evaluation_id, agent_id=agent_id)
            if now - submitted_at > timedelta(days=WAITS_DAYS) and rng.random() < ACKNOWLEDGED_SHARE:
                read = min(now, submitted_at + timedelta(hours=rng.randint(2, 60)))
                db.session.add(Acknowledgment(**common, comment=rng.choice(COMMENTS), created_at=read))
            elif rng.random() < REQUESTED_SHARE:
                db.session.add(DisputeRequest(**common, reason=rng.choice(REASONS),
                                              created_at=min(now, submitted_at + timedelta(hours=5))))
        db.session.flush()


def print_agent_link() -> None:
    """One agent's link, printed with the demo logins."""
    with all_tenants("the demo's start-up output"):
        link = db.session.scalar(select(AgentLink).join(Tenant, Tenant.id == AgentLink.tenant_id)
                                 .where(Tenant.slug == DIRECT_TENANT, AgentLink.revoked_at.is_(None))
                                 .order_by(AgentLink.id).limit(1))
        if link is not None:
            click.echo(f"  agent's own page {links.public_url(link.id)}  ({link.agent.display_name}, no login)")
