"""The vendor admin's assignment pages of one tenant: list, manual creation, assign, cancel, history.

Every action asks for a reason, which the assignment's history keeps. Refusals
(a grader not certified, a finished assignment, a duplicate of the week) come
back as form errors on the page, never as a server error.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role, User
from vendor_qa.calls import queries as call_queries
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db, htmx
from vendor_qa.grading import assignments, queue as queries, timing
from vendor_qa.grading.assignment_forms import AssignForm, AssignmentFilterForm, ManualAssignmentForm, ReasonForm
from vendor_qa.grading.models import Assignment, AssignmentEvent
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("assignments", __name__, url_prefix="/t/<tenant>/assignments")
bind_tenant_from_url(bp)

PER_PAGE = 25


def _graders() -> list[User]:
    return list(db.session.scalars(assignments.certified_graders(g.tenant.id)))


def _assignment_or_404(assignment_id: int) -> Assignment:
    found = db.session.scalar(
        select(Assignment).where(Assignment.id == assignment_id)
        .options(selectinload(Assignment.events).options(
            *(selectinload(getattr(AssignmentEvent, who)) for who in ("actor", "from_grader", "to_grader"))))
    )
    return found or abort(404)


@bp.get("/")
@roles(Role.VENDOR_ADMIN)
def index():
    grader_options = [(u.id, u.name) for u in _graders()]
    form = AssignmentFilterForm.with_choices(request.args, grader_options, call_queries.agent_choices())
    chosen = queries.AdminFilter(status=form.accepted("status"), reason=form.accepted("reason"),
                                 grader_id=form.accepted("grader"), agent_id=form.accepted("agent"))
    page = db.paginate(queries.admin_list(g.tenant.id, chosen), per_page=PER_PAGE, max_per_page=100,
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    context = dict(form=form, page=page, args=args, filtered=chosen.narrows, now=clock.now(),
                   countdown=queries.countdown)
    if htmx and not htmx.boosted:
        return render_template("grading/_assignments_results.html", **context)
    return render_template("grading/assignments.html", paces=_paces(), window_days=timing.WINDOW.days, **context)


def _paces() -> list[tuple[User, str, timing.Pace]]:
    """The tenant's median grading time per grader and scorecard, by grader name."""
    found = timing.by_grader_and_scorecard(g.tenant.id, clock.now())
    graders = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({gid for gid, _ in found})))}
    names = timing.scorecard_names({sid for _, sid in found})
    return sorted(((graders[gid], names[sid], pace) for (gid, sid), pace in found.items()),
                  key=lambda row: (row[0].name, row[0].id, row[1]))


def _call_by_external_id(external_id: str) -> Call | None:
    return db.session.scalar(select(Call).where(Call.external_id == external_id.strip()))


def _prefill(form: ManualAssignmentForm) -> None:
    """`?call=<id>` (from a call's page) fills in that call's external id; another tenant's call is 404."""
    if request.method != "GET" or "call" not in request.args:
        return
    call_id = request.args.get("call", type=int)
    found = db.session.scalar(select(Call.external_id).where(Call.id == call_id)) if call_id else None
    form.call.data = found if found is not None else abort(404)


def _create_from(form: ManualAssignmentForm) -> Assignment | None:
    """The new assignment, or None with the reason set on the form."""
    call = _call_by_external_id(form.call.data)
    if call is None:
        form.call.errors.append(f"{g.tenant.name} has no call with external id {form.call.data.strip()!r}.")
        return None
    due_at = form.due_at(g.tenant.zone)
    if due_at is not None and due_at <= clock.now():
        form.due.errors.append("The due time has passed; pick a later one.")
        return None
    try:
        created = assignments.create_assignment(call, "manual", due_at=due_at, priority=form.priority.data,
                                                actor=current_user, note=form.note.data)
        db.session.commit()
        return created
    except assignments.AssignmentError as refused:
        db.session.rollback()
        form[refused.field if refused.field in form else "call"].errors.append(str(refused))
    except IntegrityError:  # another admin created the same one a moment ago
        db.session.rollback()
        form.call.errors.append("This call already has a manual assignment this week.")
    return None


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def create():
    form = ManualAssignmentForm()
    _prefill(form)
    if form.validate_on_submit():
        created = _create_from(form)
        if created is not None:
            flash(f"Assignment #{created.id} created; it waits in the pool.", "success")
            return redirect(url_for(".detail", assignment_id=created.id))
    return render_template("grading/assignment_new.html", form=form), 422 if form.errors else 200


def _assign_form(**kwargs) -> AssignForm:
    form = AssignForm(**kwargs)
    form.grader.choices = [(u.id, f"{u.name} ({u.pseudonym})") for u in _graders()]
    return form


def _detail_page(assignment: Assignment, assign_form: AssignForm | None = None,
                 cancel_form: ReasonForm | None = None, status: int = 200):
    return render_template(
        "grading/assignment.html", assignment=assignment, assign_form=assign_form or _assign_form(formdata=None),
        cancel_form=cancel_form or ReasonForm(formdata=None), now=clock.now(), countdown=queries.countdown,
    ), status


@bp.get("/<int:assignment_id>")
@roles(Role.VENDOR_ADMIN)
def detail(assignment_id: int):
    return _detail_page(_assignment_or_404(assignment_id))


def _refused(form, refused: assignments.AssignmentError) -> None:
    db.session.rollback()
    target = form[refused.field] if refused.field in form else form.reason
    target.errors = [*target.errors, str(refused)]


@bp.post("/<int:assignment_id>/assign")
@roles(Role.VENDOR_ADMIN)
def assign(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    form = _assign_form()
    if form.validate_on_submit():
        grader = db.session.get(User, form.grader.data)
        verb = "reassigned" if assignment.grader_id else "assigned"
        try:
            assignments.assign_or_reassign(assignment, grader, current_user, form.reason.data)
            db.session.commit()
            flash(f"Assignment #{assignment.id} {verb} to {grader.name}.", "success")
            return redirect(url_for(".detail", assignment_id=assignment.id))
        except assignments.AssignmentError as refused:
            _refused(form, refused)
    return _detail_page(_assignment_or_404(assignment_id), assign_form=form, status=422)


@bp.post("/<int:assignment_id>/cancel")
@roles(Role.VENDOR_ADMIN)
def cancel(assignment_id: int):
    assignment = _assignment_or_404(assignment_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            assignments.cancel(assignment, current_user, form.reason.data)
            db.session.commit()
            flash(f"Assignment #{assignment.id} cancelled.", "success")
            return redirect(url_for(".detail", assignment_id=assignment.id))
        except assignments.AssignmentError as refused:
            _refused(form, refused)
    return _detail_page(_assignment_or_404(assignment_id), cancel_form=form, status=422)
