"""The vendor admin's calibration pages of one tenant: sessions, a new session, one session, cadence.

A session's page shows who has submitted, never what, until the session is revealed
(every grader submitted, the deadline passed, or an admin closed it); then it shows the
graders' answers side by side with the agreement figures. Graders never reach these
pages: they grade on their calibration assignment through the ordinary grading form.

The blueprint also carries `flask calibration cadence` (vendor_qa.calibration.cli), so
registering it registers the cadence job with the scheduler too.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role, User
from vendor_qa.calibration import service
from vendor_qa.calibration.cli import cadence_command
from vendor_qa.calibration.forms import CadenceForm, SessionForm
from vendor_qa.calibration.models import CalibrationParticipant, CalibrationSession
from vendor_qa.extensions import db, htmx
from vendor_qa.grading.assignments import AssignmentError, certified_graders
from vendor_qa.grading.models import Assignment
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("calibration", __name__, url_prefix="/t/<tenant>/calibration")
bind_tenant_from_url(bp)
bp.cli.add_command(cadence_command)

PER_PAGE = 25
POLL_SECONDS = 30


def _graders() -> list[User]:
    return list(db.session.scalars(certified_graders(g.tenant.id, including_pending=True)))


def _submission_counts(session_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Session id -> (graders, submitted), in one grouped query."""
    rows = db.session.execute(
        select(CalibrationParticipant.session_id, func.count(),
               func.count(Assignment.submitted_at))
        .join(Assignment, Assignment.id == CalibrationParticipant.assignment_id)
        .where(CalibrationParticipant.session_id.in_(session_ids))
        .group_by(CalibrationParticipant.session_id))
    return {session_id: (graders, submitted) for session_id, graders, submitted in rows}


def _index_page(cadence_form: CadenceForm | None = None, status: int = 200):
    stmt = (select(CalibrationSession).where(CalibrationSession.tenant_id == g.tenant.id)
            .options(selectinload(CalibrationSession.call))
            .order_by(CalibrationSession.created_at.desc(), CalibrationSession.id.desc()))
    page = db.paginate(stmt, per_page=PER_PAGE, max_per_page=100, error_out=False)
    counts = _submission_counts([s.id for s in page.items])
    cadence = service.cadence_statuses([g.tenant])[g.tenant.id]
    form = cadence_form or CadenceForm(formdata=None, every_days=cadence.every_days)
    return render_template("calibration/index.html", page=page, counts=counts, args={}, cadence=cadence,
                           cadence_form=form, now=clock.now()), status


@bp.get("/")
@roles(Role.VENDOR_ADMIN)
def index():
    return _index_page()


@bp.post("/cadence")
@roles(Role.VENDOR_ADMIN)
def cadence():
    form = CadenceForm()
    if not form.validate_on_submit():
        return _index_page(form, 422)
    g.tenant.settings = {**(g.tenant.settings or {}), "calibration_every_days": form.every_days.data}
    flag_modified(g.tenant, "settings")
    db.session.commit()
    flash("Calibration cadence saved." if form.every_days.data else "Calibration cadence turned off.", "success")
    return redirect(url_for(".index"))


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.VENDOR_ADMIN)
def create():
    now = clock.now()
    form = SessionForm.for_graders(_graders(), g.tenant.zone, now)
    if form.validate_on_submit():
        try:
            call = (service.random_recent_call(g.tenant, now) if form.random_call.data and not form.call.data
                    else service.call_by_external_id(form.call.data))
            session = service.create_session(g.tenant, call, form.graders.data, form.deadline_at(g.tenant.zone),
                                             current_user, expert_id=form.expert.data, now=now)
            db.session.commit()
        except AssignmentError as refused:  # the session's rules, or the assignments' own
            db.session.rollback()
            target = form[refused.field] if refused.field in form else form.call
            target.errors = [*target.errors, str(refused)]
        else:
            flash(f"Calibration session #{session.id} started: each grader has call {call.external_id} "
                  "in their queue.", "success")
            return redirect(url_for(".session", session_id=session.id))
    return render_template("calibration/new.html", form=form), 422 if form.errors else 200


def _session_or_404(session_id: int) -> CalibrationSession:
    found = db.session.scalar(select(CalibrationSession).where(CalibrationSession.id == session_id).options(
        selectinload(CalibrationSession.participants).selectinload(CalibrationParticipant.grader),
        selectinload(CalibrationSession.call)))
    return found or abort(404)


@bp.get("/<int:session_id>")
@roles(Role.VENDOR_ADMIN)
def session(session_id: int):
    found = _session_or_404(session_id)
    now = clock.now()
    service.close_if_due(found, now)  # the page is often the first to notice the last submission
    rows = service.progress(found)
    context = dict(session=found, rows=rows, now=now, poll_seconds=POLL_SECONDS,
                   revealed=service.is_revealed(found, rows, now))
    if context["revealed"]:
        found_results = service.results(found)
        context.update(results=found_results, graders={r.participant.grader_id: r.grader for r in rows})
    template = "calibration/_progress.html" if htmx and not htmx.boosted else "calibration/session.html"
    return render_template(template, **context)


@bp.post("/<int:session_id>/close")
@roles(Role.VENDOR_ADMIN)
def close(session_id: int):
    found = _session_or_404(session_id)
    if service.close(found, current_user, "closed by a vendor admin"):
        flash(f"Calibration session #{found.id} closed; work not submitted was withdrawn.", "success")
    else:
        flash(f"Calibration session #{found.id} was closed already.", "info")
    return redirect(url_for(".session", session_id=found.id))
