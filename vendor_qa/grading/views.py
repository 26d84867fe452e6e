"""The grader's workspace: the queue, "Get next", and giving work back.

A grader works across every tenant they are certified for, so these pages are
not under /t/<tenant>: each request opens a scope of the grader's certified
tenants, and a grader's own assignment is looked up with their id in the query
(anyone else's answers 404).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.extensions import db, htmx
from vendor_qa.grading import assignments, queue as queries, workflow
from vendor_qa.grading.assignment_forms import ReasonForm
from vendor_qa.grading.models import Assignment
from vendor_qa.pagination import MAX_PAGE
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenants_scope

bp = Blueprint("grading", __name__, url_prefix="/grading")

PER_PAGE = 25


def grade_url(assignment_id: int) -> str:
    """Where the grading form of an assignment lives."""
    return url_for("grading_form.form", assignment_id=assignment_id)


@bp.app_template_global()
def agent_label(agent, tenant: Tenant) -> str:
    """The agent as a grader may see them: by code, by name only where the tenant allows it."""
    return agent.display_name if tenant.setting("allow_agent_names") else agent.code


@bp.get("/queue")
@roles(Role.GRADER)
def queue():
    """The current work (polled by its list), and apart from it the leftovers of closed SLA weeks."""
    tenant_ids, now = current_user.certified_tenant_ids, clock.now()
    with tenants_scope(tenant_ids, "grader queue"):
        tenants = {t.id: t for t in db.session.scalars(select(Tenant).where(Tenant.id.in_(tenant_ids)))}
        weeks = queries.current_weeks(list(tenants.values()), now)
        page = db.paginate(queries.grader_queue(current_user.id, weeks), per_page=PER_PAGE,
                           max_per_page=100, error_out=False)
        pool = queries.pool_size(current_user.id, current_user.working_tenant_ids)  # a pending certification's pool is not theirs
        context = dict(page=page, tenants=tenants, pool=pool, now=now,
                       countdown=queries.countdown, grade_url=grade_url, args={})
        # The list polls itself; a boosted link or a plain visit wants the whole page.
        if htmx and not htmx.boosted:
            return render_template("grading/_queue_list.html", **context)
        leftovers = db.paginate(queries.grader_queue(current_user.id, weeks, leftovers=True),
                                page=min(max(request.args.get("leftovers", 1, type=int), 1), MAX_PAGE), per_page=PER_PAGE,
                                max_per_page=100, error_out=False)
        return render_template("grading/queue.html", leftovers=leftovers, **context)


NOTHING_NEXT = "Nothing left to grade: your queue is empty and so is the pool. New work appears here as calls arrive."


def go_next(done: str | None = None):
    """Start the grader's next assignment (workflow.next_for's rule) and open it; else the queue, saying so."""
    started = workflow.take_next(current_user)
    if started is None:
        flash(f"{done} {NOTHING_NEXT}" if done else NOTHING_NEXT, "info")
        return redirect(url_for("grading.queue"))
    if done:
        flash(done, "success")
    return redirect(grade_url(started.id))


@bp.post("/next")
@roles(Role.GRADER)
def next_assignment():
    return go_next()


def _held_or_404(assignment_id: int) -> Assignment:
    return assignments.held_by(current_user, assignment_id) or abort(404)


@bp.route("/assignments/<int:assignment_id>/release", methods=["GET", "POST"])
@roles(Role.GRADER)
def release(assignment_id: int):
    with tenants_scope(current_user.certified_tenant_ids, "grader's release"):
        assignment = _held_or_404(assignment_id)
        form = ReasonForm()
        if form.validate_on_submit():
            try:
                assignments.release(assignment, current_user, form.reason.data)
            except assignments.AssignmentError as refused:
                form.reason.errors.append(str(refused))
            else:
                db.session.commit()
                flash(f"Assignment #{assignment.id} is back in the pool.", "success")
                return redirect(url_for(".queue"))
        tenant = db.session.get(Tenant, assignment.tenant_id)
        return render_template("grading/release.html", assignment=assignment, tenant=tenant, form=form,
                               grade_url=grade_url), 422 if form.errors else 200
