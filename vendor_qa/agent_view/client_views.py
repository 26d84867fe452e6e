"""The client's side of the agent view: the personal link on the agent page, the agents' dispute
requests, and the acknowledgment figures of the agents list and agent page.

The agents pages belong to vendor_qa.calls; they show these figures through the template globals
below (one grouped query per page), so that the calls views need not know this package.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from vendor_qa import clock
from vendor_qa.agent_view import feedback, jobs, links
from vendor_qa.agent_view.forms import DeclineForm
from vendor_qa.agent_view.models import Acknowledgment, DisputeRequest
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("agent_feedback", __name__, url_prefix="/t/<tenant>", cli_group="agent-links")
bind_tenant_from_url(bp)
bp.cli.add_command(jobs.send_link_command)  # flask agent-links send-link TENANT_ID LINK_ID

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
PER_PAGE = 25
STATUSES = {"pending": "Waiting for you", feedback.DISPUTED: "Disputed", "declined": "Declined"}


def _agent_or_404(agent_id: int) -> Agent:
    return db.first_or_404(select(Agent).where(Agent.id == agent_id))


@bp.post("/agents/<int:agent_id>/link")
@roles(Role.CLIENT_MANAGER)
def issue_link(agent_id: int):
    agent = _agent_or_404(agent_id)
    link = links.issue(g.tenant, agent, current_user.id)
    emailed = links.sends_directly(g.tenant, agent)
    db.session.commit()
    # Shown once, here: the page that listed it is not kept (no-store), and the token is not stored.
    return render_template("agent_view/issued.html", agent=agent, link=link, url=links.public_url(link.id),
                           emailed=emailed)


@bp.post("/agents/<int:agent_id>/link/revoke")
@roles(Role.CLIENT_MANAGER)
def revoke_link(agent_id: int):
    agent = _agent_or_404(agent_id)
    revoked = links.revoke(agent)
    db.session.commit()
    flash(f"The personal link of {agent.code} no longer opens." if revoked else
          f"{agent.code} had no live link.", "success")
    return redirect(url_for("calls.agent", agent_id=agent.id))


@bp.get("/agent-requests")
@roles(*CLIENT_SIDE)
def requests():
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    page = db.paginate(feedback.requests_statement(status or None), per_page=PER_PAGE, max_per_page=100,
                       error_out=False)
    return _requests_page(page, status, {})


def _requests_page(page, status: str, errors: dict[int, list[str]]):
    return render_template("agent_view/requests.html", page=page, status=status, labels=STATUSES,
                           shown=feedback.statuses_of([r.id for r in page.items]),
                           args={"status": status} if status else {}, errors=errors)


@bp.post("/agent-requests/<int:request_id>/decline")
@roles(Role.CLIENT_MANAGER)
def decline(request_id: int):
    row = db.first_or_404(select(DisputeRequest).where(DisputeRequest.id == request_id))
    form = DeclineForm()
    if not form.validate_on_submit():
        page = db.paginate(feedback.requests_statement(), per_page=PER_PAGE, max_per_page=100, error_out=False)
        return _requests_page(page, "", {row.id: form.answer.errors}), 422
    if feedback.decline(row, current_user.id, form.answer.data):
        flash(f"Request of {row.agent.code} declined; the agent reads your answer on their page.", "success")
    else:
        flash("This request was answered already.", "info")
    return redirect(url_for(".requests"))


# ---- figures for the agents pages (vendor_qa.calls' templates) -----------------------------------

@bp.app_template_global()
def feedback_by_agent(agent_ids) -> dict[int, feedback.AckSummary]:
    return feedback.by_agent(g.tenant.id, list(agent_ids))


@bp.app_template_global()
def feedback_by_team() -> list[feedback.TeamSummary]:
    return feedback.by_team(g.tenant.id)


@bp.app_template_global()
def acknowledgments_of(evaluation_ids) -> dict[int, Acknowledgment]:
    return feedback.of_evaluations(Acknowledgment, list(evaluation_ids))


@bp.app_template_global()
def agent_link_panel(agent_id: int) -> dict:
    """The agent page's panel: their link, their pending dispute requests, their acknowledgments."""
    return {"link": links.latest(agent_id), "now": clock.now(),
            "requests": db.session.scalar(select(func.count()).select_from(
                feedback.requests_statement("pending", agent_id).subquery())),
            "summary": feedback.by_agent(g.tenant.id, [agent_id]).get(agent_id, feedback.NONE)}
