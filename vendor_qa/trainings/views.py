"""Trainings of one tenant: the list, planning one (by hand or from a systemic finding), a
training's follow-up and verdict, and re-certification (agents off customers, with history).

Client managers and vendor admins plan and follow trainings. The SLA week page and the
dashboard show what concerns them through the two template globals at the end.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from vendor_qa import periods
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.models import Agent, Team
from vendor_qa.extensions import db
from vendor_qa.reports.builder import lowest_band_agents
from vendor_qa.reports.models import Report
from vendor_qa.scorecards.rules import tenant_bands
from vendor_qa.templating import number
from vendor_qa.tenants.context import bind_tenant_from_url
from vendor_qa.trainings import rechecks, report_section, results, service
from vendor_qa.trainings.forms import StatusForm, TrainingForm
from vendor_qa.trainings.models import Trainee, Training, follow_up_end

bp = Blueprint("trainings", __name__, url_prefix="/t/<tenant>/trainings")
bind_tenant_from_url(bp)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
PER_PAGE = 25
STATUS_LABELS = {"off_customers": "Off customers until re-certified", "on_customers": "On customers"}


@bp.app_template_filter()
def agent_status(status: str | None) -> str:
    return STATUS_LABELS.get(status or "on_customers", status)


def _period(text: str | None) -> periods.ReportPeriod:
    """A report period from its key; this month when none or a bad one is given."""
    try:
        return periods.parse_period(text, g.tenant.zone) if text else periods.current_month(g.tenant.zone)
    except ValueError:
        return periods.current_month(g.tenant.zone)


@bp.get("/")
@roles(*CLIENT_SIDE)
def index():
    stmt = (select(Training).options(selectinload(Training.trainees))
            .order_by(Training.given_on.desc(), Training.id.desc()))
    page = db.paginate(stmt, per_page=PER_PAGE, max_per_page=100, error_out=False)
    return render_template("trainings/index.html", page=page, today=periods.today(g.tenant.zone), args={},
                           off=len(service.off_customers()))


def _form(choices: list[service.CriterionChoice]) -> TrainingForm:
    form = TrainingForm()
    form.criteria.choices = [SelectChoice(c.key, c.text) for c in choices]
    form.team.choices = [SelectChoice("", "—")] + [SelectChoice(str(t.id), t.name)
                                                   for t in db.session.scalars(select(Team).order_by(Team.name))]
    form.band.choices = [SelectChoice(b.name, b.name) for b in tenant_bands(g.tenant)]
    if request.method == "GET":
        form.criteria.data = [k for k in request.args.getlist("criterion") if k in {c.key for c in choices}]
        form.source.data = "finding" if form.criteria.data and request.args.get("period") else \
            ("recertification" if request.args.get("source") == "recertification" else "manual")
        form.finding_period.data = request.args.get("period", "")
        form.band_period.data = request.args.get("period", "")
        form.given_on.data = periods.today(g.tenant.zone)
        form.channel.data = service.channel_of(form.criteria.data, choices) or ""
        texts = [c.text for c in choices if c.key in form.criteria.data]
        form.title.data = f"Training: {', '.join(texts)}"[:200] if texts else ""
        if request.args.get("agents"):
            form.who.data, form.agents.data = "list", request.args["agents"]
        if request.args.get("source") == "recertification":
            form.title.data = "Re-certification"
    return form


def _trained_agents(form: TrainingForm) -> list[int] | None:
    """The agents the form names, or None with the field's error set."""
    if form.who.data == "team":
        if not form.team.data:
            form.team.errors.append("Choose the team that was trained.")
            return None
        found = service.team_agents(int(form.team.data))
        if not found:
            form.team.errors.append("This team has no active agents.")
        return found or None
    if form.who.data == "band":
        try:
            period = periods.parse_period(form.band_period.data, g.tenant.zone) if form.band_period.data \
                else periods.current_month(g.tenant.zone)
        except ValueError as error:
            form.band_period.errors.append(str(error))
            return None
        found = service.band_agents(g.tenant, period, form.band.data)
        if not found:
            form.band.errors.append(f"No agent's average in {period.label} lies in this band.")
        return found or None
    found, unknown = service.agents_by_codes(form.agents.data.replace(",", " ").split())
    if unknown:
        form.agents.errors.append(f"No agent has the code or id {', '.join(unknown)}.")
        return None
    if not found:
        form.agents.errors.append("Name at least one agent.")
    return found or None


@bp.route("/new", methods=["GET", "POST"])
@roles(*CLIENT_SIDE)
def new():
    choices = service.criterion_choices()
    form = _form(choices)
    groups = _groups(choices)
    if request.method == "POST":
        valid = form.validate_on_submit()
        agent_ids = _trained_agents(form) if valid else None
        if agent_ids:
            training = service.create(g.tenant, form.values(), agent_ids, current_user)
            flash(f"Training planned for {len(agent_ids)} agent(s). Their calls are re-checked at the "
                  f"SLA maximum until {training.follow_up_last:%Y-%m-%d}.", "success")
            return redirect(url_for(".show", training_id=training.id))
        return render_template("trainings/new.html", form=form, groups=groups), 422
    return render_template("trainings/new.html", form=form, groups=groups)


def _groups(choices: list[service.CriterionChoice]) -> list[tuple[str, list[service.CriterionChoice]]]:
    """The criteria to choose from, by scorecard."""
    found: dict[str, list[service.CriterionChoice]] = {}
    for choice in choices:
        found.setdefault(choice.scorecard, []).append(choice)
    return list(found.items())


@bp.get("/<int:training_id>")
@roles(*CLIENT_SIDE)
def show(training_id: int):
    training = db.first_or_404(select(Training).where(Training.id == training_id)
                               .options(selectinload(Training.trainees).joinedload(Trainee.agent)))
    found = results.result(g.tenant, training)
    texts = {c.key: c.text for c in service.criterion_choices()}
    return render_template("trainings/show.html", r=found, training=training,
                           criteria=[texts.get(k, k) for k in training.criterion_keys],
                           statuses=service.current_statuses(t.agent_id for t in training.trainees))


@bp.get("/recertification")
@roles(*CLIENT_SIDE)
def recertification():
    period = _period(request.args.get("period"))
    lowest = lowest_band_agents(g.tenant, period)
    off = service.off_customers()
    agents = {a.id: a for a in db.session.scalars(select(Agent).where(Agent.id.in_({s.agent_id for s in off})))}
    changes = db.paginate(service.history_statement(), per_page=PER_PAGE, max_per_page=100, error_out=False)
    return render_template("trainings/recertification.html", period=period, lowest=lowest, off=off, agents=agents,
                           off_codes=" ".join(agents[s.agent_id].code for s in off), changes=changes,
                           band=tenant_bands(g.tenant)[0], statuses=service.current_statuses(r.agent_id for r in lowest))


@bp.post("/agents/<int:agent_id>/status")
@roles(*CLIENT_SIDE)
def set_status(agent_id: int):
    agent = db.first_or_404(select(Agent).where(Agent.id == agent_id))
    form = StatusForm()
    period = _period(form.period.data)
    back = redirect(url_for(".recertification", period=period.key))
    if not form.validate_on_submit() or form.status.data not in STATUS_LABELS:
        flash(" ".join(e for errors in form.errors.values() for e in errors) or "Choose a status.", "error")
        return back
    current = service.current_statuses([agent.id]).get(agent.id)
    now_off = current is not None and current.status == "off_customers"
    band = None
    if form.status.data == "off_customers":
        if now_off:
            flash(f"{agent.display_name} is already off customers.", "error")
            return back
        lowest = tenant_bands(g.tenant)[0]
        if agent.id not in {r.agent_id for r in lowest_band_agents(g.tenant, period)}:
            flash(f"{agent.display_name} is not in the band “{lowest.name}” in {period.label}: only the lowest "
                  "band is taken off customers.", "error")
            return back
        band = lowest.name
    elif not now_off:
        flash(f"{agent.display_name} is on customers already.", "error")
        return back
    service.set_status(g.tenant, agent, form.status.data, form.reason.data.strip(), current_user, band)
    flash(f"{agent.display_name}: {agent_status(form.status.data).lower()}.", "success")
    return back


@bp.get("/reports/<int:report_id>.csv")
@roles(*CLIENT_SIDE)
def report_csv(report_id: int):
    """The report's "Trainings and their results" as CSV, from the report's own snapshot."""
    report = db.first_or_404(select(Report).where(Report.id == report_id))
    if not report.ready or "trainings" not in (report.snapshot or {}):
        abort(404)
    return Response(report_section.csv_text(report.snapshot), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="trainings-{g.tenant.slug}-{report.period}.csv"'})


@bp.app_template_filter()
def p_value(value: float | None) -> str:
    """A test's p-value as read beside it: "= 0.042", "< 0.001", or "not computed"."""
    if value is None:
        return "not computed (too little data)"
    return "< 0.001" if value < 0.001 else f"= {number(value, 3)}"


@bp.app_template_filter()
def training_rate(window: dict) -> str:
    return report_section.rate_text(window)


# ---- what other pages show of trainings ------------------------------------------------------------

@bp.app_template_global()
def week_rechecks(tenant_id: int, week: str) -> list[rechecks.Recheck]:
    """The SLA week page's note: which trainings' agents this week samples at the maximum."""
    return rechecks.rechecks_for_week(tenant_id, week)


@bp.app_template_global()
def training_counts(tenant) -> dict[str, int]:
    """The dashboard tile: trainings whose follow-up runs today, and those finished (one query)."""
    today = periods.today(tenant.zone)
    rows = db.session.execute(select(Training.given_on, Training.follow_up_weeks, func.count())
                              .where(Training.tenant_id == tenant.id)
                              .group_by(Training.given_on, Training.follow_up_weeks)).all()
    counts = {"open": 0, "finished": 0}
    for given_on, weeks, n in rows:
        counts["open" if today < follow_up_end(given_on, weeks) else "finished"] += n
    return counts
