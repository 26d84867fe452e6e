"""The client's dashboard and each agent's quality file.

The dashboard is one GET form: the period selector and filters swap the dashboard's body
(HTMX, with the URL pushed), the agents table's search, order and pages swap the table
alone; without JavaScript the same form loads the whole page. Graders appear nowhere here.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, g, render_template, request
from markupsafe import Markup
from sqlalchemy import select

from vendor_qa import periods
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.calls.models import Agent
from vendor_qa.coaching import service as coaching
from vendor_qa.extensions import db, htmx
from vendor_qa.pagination import requested_page
from vendor_qa.reports import aggregates, charts, dashboard, quality_pdf
from vendor_qa.reports.forms import AgentsTableForm, DashboardForm
from vendor_qa.reports.statistics import Interval
from vendor_qa.scorecards.rules import tenant_bands
from vendor_qa.templating import exact_value, number, percent
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("reports", __name__, url_prefix="/t/<tenant>")
bind_tenant_from_url(bp)

CLIENT_SIDE = (Role.CLIENT_MANAGER, Role.VENDOR_ADMIN)
AGENTS_PER_PAGE = 25
EVALUATIONS_PER_PAGE = 25
AGENTS_TARGET = "agents"  # the element the agents table swaps into
BODY_TARGET = "dashboard-body"


@bp.app_template_filter()
def share_percent(value: Decimal | None) -> str:
    """A share of 1 as a percentage to one decimal, half-up: 0.8125 -> "81.3%"."""
    return percent(value)


@bp.app_template_filter()
def interval_text(value: Interval | None) -> str:
    """A confidence interval to one decimal, or a dash where fewer than two scores give none;
    marked "indicative" below the core's minimum number of values (docs/methods.md)."""
    if value is None:
        return "—"
    found = f"{number(value.low)}–{number(value.high)}"
    return f"{found} (indicative)" if value.indicative else found


@bp.app_template_filter()
def rate_interval_text(value: Interval | None) -> str:
    """A rate's confidence interval in percent to one decimal (shares of 1 in), or a dash."""
    if value is None:
        return "—"
    low, high = (number(100 * exact_value(end)) for end in (value.low, value.high))
    return f"{low}–{high}%" + (" (indicative)" if value.indicative else "")


@bp.app_template_filter()
def likelihood(value: float | None) -> str:
    """A probability as a whole percentage, half-up: 0.894 -> "89% likely"; a dash for none."""
    if value is None:
        return "—"
    return f"{percent(value, 0)} likely"


@bp.app_template_filter()
def signed_score(value: Decimal | None) -> str:
    return number(value, signed=True)


def _kept_args(*dropped: str) -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key not in dropped and value}


@bp.get("/dashboard")
@roles(*CLIENT_SIDE)
def dashboard_page():
    form = DashboardForm.for_tenant(request.args)
    _lead_team_only(form)
    period, filters = form.period(g.tenant.zone), form.filters()
    table = AgentsTableForm(request.args)
    table.validate()
    agents = aggregates.agents_page(g.tenant, period, filters, search=table.search, sort=table.sort.data,
                                    descending=table.dir.data == "desc", page=requested_page(),
                                    per_page=AGENTS_PER_PAGE)
    args = _kept_args("page")
    if g.get("lead_team_ids"):  # the team a lead's figures are of travels with the table's links
        args["team"] = str(filters.team_id)
    context = dict(form=form, table=table, period=period, agents=agents, args=args)
    if htmx and htmx.target == AGENTS_TARGET:
        return render_template("reports/_agents.html", **context)
    found = dashboard.build(g.tenant, period, filters)
    drawn = dashboard.draw(g.tenant, found)
    context.update(d=found, charts={"trend": Markup(drawn.trend), "bands": Markup(drawn.bands)},
                   systemic_share=aggregates.systemic_share(g.tenant))
    template = "reports/_dashboard_body.html" if htmx and htmx.target == BODY_TARGET else "reports/dashboard.html"
    return render_template(template, **context)


def _lead_team_only(form: DashboardForm) -> None:
    """A team lead's dashboard is one of their teams' (the first unless they choose another).

    "Any team" is not offered to a lead: the tenant-wide figures come from day rollups that
    know no agents, and a lead sees their teams' people and figures only (tenants/teams.py).
    """
    if not g.get("lead_team_ids"):
        return
    form.team.choices = [c for c in form.team.choices if c.value != ""]
    if form.accepted("team") is None and form.team.choices:
        form.team.data = int(form.team.choices[0].value)
        form.team.errors = []


@bp.get("/agents/<int:agent_id>/quality")
@roles(*CLIENT_SIDE)
def quality_file(agent_id: int):
    agent = db.first_or_404(select(Agent).where(Agent.id == agent_id))
    trend, profile, drawn = quality_trend_and_profile(g.tenant, agent.id)
    page = db.paginate(aggregates.agent_evaluations_statement(g.tenant, agent.id), per_page=EVALUATIONS_PER_PAGE,
                       max_per_page=100, error_out=False)
    sessions = coaching.agent_sessions(agent.id)
    return render_template("reports/quality_file.html", agent=agent, trend=trend, profile=profile, page=page,
                           args=_kept_args("page"), charts=drawn, sessions=sessions,
                           discussed=coaching.discussed(sessions), focus=coaching.focus_texts(sessions))


@bp.get("/agents/<int:agent_id>/quality.pdf")
@roles(*CLIENT_SIDE)
def quality_file_pdf(agent_id: int):
    agent = db.first_or_404(select(Agent).where(Agent.id == agent_id))
    trend, profile, drawn = quality_trend_and_profile(g.tenant, agent.id)
    document = quality_pdf.render(g.tenant, agent, trend, profile, drawn)
    return Response(document, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="quality-file-{g.tenant.slug}-{agent.code}.pdf"'})


def quality_trend_and_profile(tenant, agent_id: int):
    """The agent's monthly trend, ability profile and their charts: the quality file's, and the
    agent's own page's (vendor_qa.agent_view)."""
    months = periods.months_back(tenant.zone, aggregates.QUALITY_FILE_MONTHS)
    trend = aggregates.agent_trend(tenant, agent_id, months)
    profile = aggregates.ability_profile(tenant, agent_id, months)
    drawn = {
        "trend": charts.score_trend(trend, tenant_bands(tenant), lambda p: f"{p.period.first:%b %Y}",
                                    "Average score per month", "Month"),
        "profile": charts.ability_profile(profile),
        "change": charts.ability_change(profile),
    }
    return trend, profile, {k: Markup(v) for k, v in drawn.items()}
