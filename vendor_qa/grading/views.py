"""The grader's workspace: the queue, "Get next", and giving work back.

A grader works across every tenant they are certified for, so these pages are
not under /t/<tenant>: each request opens a scope of the grader's certified
tenants, and a grader's own assignment is looked up with their id in the query
(anyone else's answers 404).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.extensions import db, htmx
from vendor_qa.grading import assignments, queue as queries
from vendor_qa.grading.assignment_forms import ReasonForm
from vendor_qa.grading.models import Assignment
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
    tenant_ids = current_user.certified_tenant_ids
    with tenants_scope(tenant_ids, "grader queue"):
        page = db.paginate(queries.grader_queue(current_user.id, tenant_ids), per_page=PER_PAGE,
                           max_per_page=100, error_out=False)
        tenants = {t.id: t for t in db.session.scalars(select(Tenant).where(Tenant.id.in_(tenant_ids)))}
        pool = queries.pool_size(current_user.id, current_user.working_tenant_ids)  # a pending certification's pool is not theirs
        context = dict(page=page, tenants=tenants, pool=pool, now=clock.now(),
                       countdown=queries.countdown, grade_url=grade_url, args={})
        # The list polls itself; a boosted link or a plain visit wants the whole page.
        template = "grading/_queue_list.html" if htmx and not htmx.boosted else "grading/queue.html"
        return render_template(template, **context)


@bp.post("/next")
@roles(Role.GRADER)
def next_assignment():
    claimed = assignments.claim_next(current_user)
    if claimed is None:
        flash("Nothing open in your tenants right now. New work appears in the pool as calls arrive.", "info")
        return redirect(url_for(".queue"))
    db.session.commit()  # at once: on PostgreSQL this releases the row lock
    return redirect(grade_url(claimed.id))


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
