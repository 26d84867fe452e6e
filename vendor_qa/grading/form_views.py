"""The grading form: one assignment, scored by the grader who holds it.

Only the holder reaches it (anyone else gets 404, as if it did not exist). The form
shows the call as graders may see it (PII masked, agent by code unless the tenant
allows names, the customer rating only where the tenant allows it), scores the
answers live, saves drafts by itself and submits once ("Submit and next" then starts the
grader's next work). A GET only displays: starting the work (in progress, the draft, the
clock of vendor_qa.grading.timing) is a POST.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.pii import mask_pii
from vendor_qa.errors import render_error
from vendor_qa.extensions import db, htmx
from vendor_qa.grading import evaluations, results, timing, workflow
from vendor_qa.grading.evaluations import Assessment, Entry, EvaluationLocked
from vendor_qa.grading.models import Assignment
from vendor_qa.grading.views import go_next
from vendor_qa.scorecards.models import ScorecardVersion
from vendor_qa.tenants.context import use_tenant
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenants_scope

bp = Blueprint("grading_form", __name__, url_prefix="/grading/assignments")

ANSWER_LABELS = {"yes": "Yes", "no": "No", "full": "Full", "partial": "Partial", "none": "None", "na": "N/A"}


@bp.errorhandler(EvaluationLocked)
def _locked(error: EvaluationLocked):
    return render_error(409, "Cannot change this evaluation", str(error))


@bp.app_template_filter()
def answer_label(answer: str) -> str:
    return ANSWER_LABELS.get(answer, answer)


def _held_or_404(assignment_id: int) -> Assignment:
    """The current grader's assignment (any status), in a tenant they are certified for; else 404.

    Once found, the request takes on the assignment's tenant: its time zone, bands and scope.
    """
    with tenants_scope(current_user.certified_tenant_ids, "grading form"):
        found = db.session.scalar(select(Assignment).where(
            Assignment.id == assignment_id, Assignment.grader_id == current_user.id))
    if found is None:
        abort(404)
    use_tenant(db.session.get(Tenant, found.tenant_id))
    return found


def choices_of(version: ScorecardVersion) -> dict[str, list[tuple[str, str]]]:
    """Each criterion's allowed answers as (value, label), best first and N/A last.

    The one order of answers everywhere (`Criterion.answers`): this form, the scorecard preview
    the client approves, the client's evaluation page and the dispute forms list them alike.
    """
    return {c.key: c.answers() for c in version.criteria}


def _render_form(assignment: Assignment, checked: Assessment, status: int = 200):
    version = evaluations.version_of(assignment)
    call = assignment.call
    hidden_names = evaluations.hidden_names(call, g.tenant)
    context = dict(
        assignment=assignment, call=call, version=version, entry=checked.entry, result=checked.result,
        errors=checked.errors, answer_errors=checked.answer_errors, choices=choices_of(version),
        quotes=checked.quotes, transcript=evaluations.transcript_of(assignment, g.tenant).lines,
        topic=mask_pii(call.topic, hidden_names),
        show_names=g.tenant.setting("allow_agent_names"), show_rating=g.tenant.setting("show_customer_rating"),
        draft=assignment.evaluation, overdue=assignment.due_at < clock.now(), beat_seconds=timing.BEAT_SECONDS,
    )
    return render_template("grading/form.html", **context), status


@bp.get("/<int:assignment_id>")
@roles(Role.GRADER)
def form(assignment_id: int):
    assignment = _held_or_404(assignment_id)
    if assignment.status == "submitted":
        return render_template("grading/evaluation.html", detail=results.detail(assignment.evaluation))
    evaluations.ensure_editable(assignment)
    if not _started(assignment):  # a GET only displays: starting the work is a POST (.start)
        return _render_start(assignment)
    draft = assignment.evaluation
    checked = evaluations.assess(evaluations.version_of(assignment), Entry.of(draft), g.tenant, submitting=False,
                                 call=evaluations.transcript_of(assignment, g.tenant))
    return _render_form(assignment, checked)


@bp.post("/<int:assignment_id>")
@roles(Role.GRADER)
def submit(assignment_id: int):
    assignment = _held_or_404(assignment_id)
    checked = evaluations.submit(assignment, request.form, g.tenant)
    if not checked.ok:
        return _render_form(assignment, checked, 422)
    done = f"Evaluation of call {assignment.call.external_id} submitted."
    if request.form.get("then") == "next":  # "Submit and next"
        return go_next(done)
    flash(done, "success")
    return redirect(url_for("grading.queue"))


def _started(assignment: Assignment) -> bool:
    """Whether the holder has started this work (and so has a draft of their own)."""
    draft = assignment.evaluation
    return assignment.status == "in_progress" and draft is not None and draft.grader_id == assignment.grader_id


def _render_start(assignment: Assignment):
    call = assignment.call
    return render_template("grading/start.html", assignment=assignment, call=call,
                           topic=mask_pii(call.topic, evaluations.hidden_names(call, g.tenant)),
                           overdue=assignment.due_at < clock.now())


@bp.post("/<int:assignment_id>/start")
@roles(Role.GRADER)
def start(assignment_id: int):
    """Start (or come back to) the work, then show its form: the queue's "Grade" and the form's "Start"."""
    assignment = _held_or_404(assignment_id)
    if assignment.status != "submitted":
        workflow.start(assignment)
    return redirect(url_for(".form", assignment_id=assignment.id))


@bp.post("/<int:assignment_id>/clock")
@roles(Role.GRADER)
def clock_signal(assignment_id: int):
    """The page's report (static/js/grading_timer.js): "active" (a heartbeat) or "away"; 204, nothing to show."""
    assignment = _held_or_404(assignment_id)
    event = request.form.get("event", "")
    if event not in timing.PAGE_EVENTS:
        abort(400, description=f"event must be one of {', '.join(timing.PAGE_EVENTS)}")
    evaluations.ensure_editable(assignment)
    if not timing.note(assignment, clock.now(), event, from_page=True):
        abort(409, description="This work has not been started; press Start first.")
    db.session.commit()
    return "", 204


@bp.post("/<int:assignment_id>/draft")
@roles(Role.GRADER)
def save_draft(assignment_id: int):
    assignment = _held_or_404(assignment_id)
    if not htmx:  # a draft saved by hand is a sign of presence; the page's autosave runs by itself
        timing.note(assignment, clock.now())
    checked = evaluations.save_draft(assignment, request.form, g.tenant)
    if htmx:
        return render_template("grading/_draft_status.html", checked=checked,
                               draft=assignment.evaluation), 200 if checked.ok else 422
    if not checked.ok:
        return _render_form(assignment, checked, 422)
    flash("Draft saved.", "success")
    return redirect(url_for(".form", assignment_id=assignment.id))


@bp.post("/<int:assignment_id>/preview")
@roles(Role.GRADER)
def preview(assignment_id: int):
    """The live score of the answers given so far; nothing is saved."""
    assignment = _held_or_404(assignment_id)
    evaluations.ensure_editable(assignment)
    version = evaluations.version_of(assignment)
    checked = evaluations.assess(version, Entry.from_form(version, request.form), g.tenant, submitting=False)
    if htmx:
        return render_template("grading/_score.html", version=version, result=checked.result,
                               errors=checked.answer_errors)
    return _render_form(assignment, checked)
