"""Client pages of one tenant: home, agents, calls."""

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from vendor_qa import periods
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls import queries
from vendor_qa.calls.forms import AgentEmailForm, AgentFilterForm, CallFilterForm
from vendor_qa.calls.models import Agent, Call
from vendor_qa.coaching import service as coaching
from vendor_qa.extensions import db, htmx
from vendor_qa.grading import results
from vendor_qa.pagination import requested_page, window
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("calls", __name__, url_prefix="/t/<tenant>")
bind_tenant_from_url(bp)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
PER_PAGE = 25
TREND_WEEKS = 4
RECENT_EVALUATIONS = 10  # the agent page's latest; the evaluations list has them all


def _wants_results_only() -> bool:
    # Active search and filter changes swap the results; a boosted link wants the whole page.
    return bool(htmx) and not htmx.boosted


def _paginate(stmt):
    return db.paginate(stmt, per_page=PER_PAGE, max_per_page=100, error_out=False)


def _own_or_404(model, object_id: int):
    """The tenant's object with this id, or 404.

    A query, not `session.get`: a query is always scoped to the tenant, while
    `get` answers from the session's identity map without asking.
    """
    return db.first_or_404(select(model).where(model.id == object_id))


def _kept_args() -> dict[str, str]:
    """The query arguments that page links carry along (all but the page itself)."""
    return {key: value for key, value in request.args.items() if key != "page" and value}


@bp.get("/")
@roles(*CLIENT_SIDE)
def home():
    week = periods.current_week(g.tenant.zone).bounds
    today = periods.today(g.tenant.zone)
    return render_template("calls/home.html", tenant=g.tenant, week=week, stats=queries.overview(week),
                           today=today, follow_ups=coaching.due_follow_ups(today))


@bp.get("/agents")
@roles(*CLIENT_SIDE)
def agents():
    form = AgentFilterForm.for_tenant(request.args)
    page = _paginate(queries.agents_statement(
        search=(form.q.data or "").strip() or None, team_id=form.accepted("team"), active=form.active,
    ))
    week = periods.current_week(g.tenant.zone).bounds
    context = dict(form=form, page=page, args=_kept_args(), week=week,
                   counts=queries.call_counts([a.id for a in page.items], week))
    template = "calls/_agents_results.html" if _wants_results_only() else "calls/agents.html"
    return render_template(template, **context)


@bp.get("/agents/<int:agent_id>")
@roles(*CLIENT_SIDE)
def agent(agent_id: int):
    found = _own_or_404(Agent, agent_id)
    return _agent_page(found, AgentEmailForm(email=found.email))


@bp.post("/agents/<int:agent_id>/email")
@roles(*CLIENT_SIDE)
def agent_email(agent_id: int):
    found = _own_or_404(Agent, agent_id)
    form = AgentEmailForm()
    if not form.validate_on_submit():
        return _agent_page(found, form), 422
    found.email = form.email.data or None
    db.session.commit()
    flash(f"E-mail of {found.display_name} saved." if found.email else
          f"{found.display_name} has no e-mail now.", "success")
    return redirect(url_for(".agent", agent_id=found.id))


def _agent_page(found: Agent, email_form: AgentEmailForm) -> str:
    weeks = [w.bounds for w in periods.recent_weeks(g.tenant.zone, TREND_WEEKS)]
    trend = list(zip(weeks, queries.weekly_counts(found.id, weeks)))
    page = _paginate(queries.agent_calls_statement(found.id))
    evaluations = results.agent_evaluations(found.id, RECENT_EVALUATIONS)
    return render_template("calls/agent.html", agent=found, trend=trend, page=page, args=_kept_args(),
                           evaluations=evaluations, email_form=email_form)


@bp.get("/calls")
@roles(*CLIENT_SIDE)
def calls():
    form = CallFilterForm.for_tenant(request.args)
    chosen = form.call_filter(g.tenant.zone)
    page = window(queries.calls_statement(chosen), requested_page(), PER_PAGE)
    context = dict(form=form, page=page, args=_kept_args(), filtered=chosen.narrows)
    template = "calls/_calls_results.html" if _wants_results_only() else "calls/calls.html"
    return render_template(template, **context)


@bp.get("/calls/<int:call_id>")
@roles(*CLIENT_SIDE)
def call(call_id: int):
    return render_template("calls/call.html", call=_own_or_404(Call, call_id))
