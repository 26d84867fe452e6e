"""Recording a coaching session, and closing its follow-up.

Leads and managers of the tenant (and vendor admins helping them) record sessions; a lead
reaches only their teams' agents (vendor_qa.tenants.teams), so another team's ids answer 404.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from vendor_qa import periods
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.models import Agent
from vendor_qa.coaching import service
from vendor_qa.coaching.forms import CoachingForm
from vendor_qa.coaching.models import CoachingSession
from vendor_qa.extensions import db
from vendor_qa.grading import results
from vendor_qa.templating import number
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("coaching", __name__, url_prefix="/t/<tenant>")
bind_tenant_from_url(bp)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
EVALUATION_CHOICES = 20  # the agent's latest, to pick the ones discussed


def _evaluation_choices(agent_id: int) -> list[tuple[int, str]]:
    return [(e.id, f"{e.submitted_at:%Y-%m-%d} · call {e.call.external_id} · {number(e.total)}")
            for e in results.agent_evaluations(agent_id, EVALUATION_CHOICES)]


@bp.route("/agents/<int:agent_id>/coaching/new", methods=["GET", "POST"])
@roles(*CLIENT_SIDE)
def new(agent_id: int):
    agent = db.first_or_404(select(Agent).where(Agent.id == agent_id))
    today = periods.today(g.tenant.zone)
    form = CoachingForm(today=today, criteria=service.criterion_texts(),
                        evaluations=_evaluation_choices(agent.id))
    if not form.is_submitted():
        form.held_on.data = today
    elif form.validate():
        db.session.add(CoachingSession(
            agent_id=agent.id, coach_id=current_user.id if current_user.role == Role.CLIENT_MANAGER else None,
            held_on=form.held_on.data, focus_criteria=list(form.focus.data), evaluation_ids=list(form.evaluations.data),
            notes=form.notes.data, notes_shared=form.notes_shared.data, actions=form.actions.data,
            follow_up_on=form.follow_up_on.data))
        db.session.commit()
        flash(f"Coaching session with {agent.display_name} recorded.", "success")
        return redirect(url_for("reports.quality_file", agent_id=agent.id, _anchor="coaching"))
    status = 422 if form.is_submitted() else 200
    return render_template("coaching/new.html", agent=agent, form=form), status


@bp.post("/coaching/<int:session_id>/followed-up")
@roles(*CLIENT_SIDE)
def followed_up(session_id: int):
    found = db.first_or_404(select(CoachingSession).where(CoachingSession.id == session_id))
    if found.follow_up_on is None:
        flash("This session has no follow-up to close.", "error")
    else:
        service.mark_followed_up(found)
        flash(f"Follow-up with {found.agent.display_name} done.", "success")
    return redirect(url_for("calls.home"))
