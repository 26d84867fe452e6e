"""SLA pages: the vendor's board, a tenant's week, policy and exclusions; the client's SLA page.

- `sla` (/sla): the board of all tenants (vendor-wide, through the named opt-out
  `all_tenants("sla board")`), polled by HTMX, and the alerts list.
- `sla_tenant` (/sla/<tenant>/...): a tenant's week with its agents and their
  assignments, its policy with history, its agent exclusions (vendor admins).
- `sla_client` (/t/<tenant>/sla): the same week figures, read-only, for the
  tenant's client managers; graders appear there only by pseudonym.
- `sla_admin` (/admin/sla/...): the graders' daily capacity, edited inline (HTMX).
"""

from __future__ import annotations

from math import ceil

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from vendor_qa import clock, periods
from vendor_qa.auth import pseudonyms
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role, User
from vendor_qa.calls.models import Agent, Call
from vendor_qa.extensions import db, htmx
from vendor_qa.grading import timing
from vendor_qa.grading.models import UNCOUNTED_REASONS, Assignment
from vendor_qa.pagination import requested_page
from vendor_qa.sla import board, capacity, tracker
from vendor_qa.sla.forms import CapacityForm, ExclusionForm, PolicyForm
from vendor_qa.sla.models import AgentExclusion, SlaAlert, SlaWeekTenant
from vendor_qa.sla.settings import first_editable_week, policy_for_week, policy_history, save_policy
from vendor_qa.tenants.context import bind_tenant_from_url
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants

ADMIN = Role.VENDOR_ADMIN
POLL_SECONDS = 15
WEEKS_LISTED = 12  # past weeks offered for going back
RECENT_ALERTS = 5  # on the board; the alerts page lists them all

bp = Blueprint("sla", __name__, url_prefix="/sla")
tenant_bp = Blueprint("sla_tenant", __name__, url_prefix="/sla/<tenant>")
client_bp = Blueprint("sla_client", __name__, url_prefix="/t/<tenant>/sla")
admin_bp = Blueprint("sla_admin", __name__, url_prefix="/admin/sla")
bind_tenant_from_url(tenant_bp)
bind_tenant_from_url(client_bp)


def _per_page() -> int:
    return current_app.config["PAGE_SIZE"]


class ListPage:
    """A page of an already computed list, shaped like flask_sqlalchemy's Pagination for the partial."""

    def __init__(self, items: list, page: int, per_page: int):
        self.total, self.per_page = len(items), per_page
        self.pages = max(1, ceil(self.total / per_page))
        self.page = min(page, self.pages)
        self.items = items[(self.page - 1) * per_page: self.page * per_page]
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1


# ---- the board -----------------------------------------------------------------------------------

@bp.get("/")
@roles(ADMIN)
def board_page():
    page = db.paginate(select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.name, Tenant.id),
                       per_page=_per_page(), error_out=False)
    with all_tenants("sla board"):
        rows = board.board_rows(page.items, clock.now())
        alerts = db.session.scalars(select(SlaAlert).order_by(SlaAlert.created_at.desc(), SlaAlert.id.desc())
                                    .limit(RECENT_ALERTS)).all()
    template = "sla/_board.html" if htmx else "sla/board.html"
    return render_template(template, rows=rows, page=page, poll=POLL_SECONDS, alerts=alerts,
                           alert_tenants=_tenants_by_id(a.tenant_id for a in alerts))


def _tenants_by_id(ids) -> dict[int, Tenant]:
    return {t.id: t for t in db.session.scalars(select(Tenant).where(Tenant.id.in_(set(ids))))}


@bp.get("/alerts")
@roles(ADMIN)
def alerts():
    with all_tenants("sla board: alerts"):
        page = db.paginate(select(SlaAlert).order_by(SlaAlert.created_at.desc(), SlaAlert.id.desc()),
                           per_page=_per_page(), error_out=False)
    return render_template("sla/alerts.html", page=page, tenants=_tenants_by_id(a.tenant_id for a in page.items))


# ---- a tenant's week (vendor admin) ----------------------------------------------------------------

def _week_or_404(week: str) -> str:
    try:
        periods.parse_week(week)
    except ValueError:
        abort(404)
    return week


def _assignments_of(agent_ids: list[int], week: str) -> dict[int, list[tuple[Assignment, str | None]]]:
    """The week's assignments of these agents with the tenant's pseudonym of their grader, in two queries."""
    found: dict[int, list[tuple[Assignment, str | None]]] = {agent_id: [] for agent_id in agent_ids}
    if agent_ids:
        rows = db.session.execute(
            select(Assignment, Call.agent_id).join(Call, Call.id == Assignment.call_id)
            .where(Call.agent_id.in_(agent_ids), Assignment.week == week, Assignment.reason .not_in(UNCOUNTED_REASONS))
            .order_by(Assignment.due_at, Assignment.id)).tuples().all()
        names = pseudonyms.for_tenant(g.tenant.id, (a.grader_id for a, _ in rows if a.grader_id is not None))
        for assignment, agent_id in rows:
            found[agent_id].append((assignment, names.get(assignment.grader_id)))
    return found


def _week_view(template: str, week: str, with_work: bool = False):
    """A tenant's week: its agents' rows (a page of them), the totals, the way to other weeks."""
    tenant = g.tenant
    now = clock.now()
    rows = tracker.week_rows(tenant, week, now)
    page = ListPage(rows, requested_page(), _per_page())
    current = periods.week_of(now, tenant.timezone)
    return render_template(
        template, tenant=tenant, week=week, current=current, page=page, totals=tracker.totals(rows),
        closed=db.session.scalar(select(SlaWeekTenant).where(SlaWeekTenant.week == week)),
        policy=policy_for_week(tenant.id, week), recent=periods.weeks_back(current, WEEKS_LISTED),
        previous=periods.previous_week(week), following=periods.next_week(week) if week < current else None,
        work=_assignments_of([r.agent_id for r in page.items], week) if with_work else {})


@tenant_bp.get("/")
@roles(ADMIN)
def current_week():
    return redirect(url_for("sla_tenant.week", week=periods.week_of(clock.now(), g.tenant.timezone)))


@tenant_bp.get("/<week>")
@roles(ADMIN)
def week(week: str):
    return _week_view("sla/week.html", _week_or_404(week), with_work=True)


@tenant_bp.route("/policy", methods=["GET", "POST"])
@roles(ADMIN)
def policy():
    tenant = g.tenant
    now = clock.now()
    effective = first_editable_week(tenant, now)
    form = PolicyForm() if request.method == "POST" else PolicyForm.for_policy(policy_for_week(tenant.id, effective))
    if form.validate_on_submit():
        problems = form.policy().validate()
        if not problems:
            save_policy(tenant.id, form.policy(), effective, current_user.id)
            db.session.commit()
            flash(f"Policy saved: it applies from {effective}; {periods.week_of(now, tenant.timezone)} and earlier "
                  "weeks keep the policy they ran under.", "success")
            return redirect(url_for("sla_tenant.policy"))
        form.form_errors.extend(problems)
    history = db.paginate(policy_history(tenant.id), per_page=_per_page(), error_out=False)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("sla/policy.html", tenant=tenant, form=form, history=history, effective=effective,
                           current=policy_for_week(tenant.id, periods.week_of(now, tenant.timezone))), status


def _exclusions_page(form: ExclusionForm, status: int = 200):
    page = db.paginate(select(AgentExclusion).order_by(AgentExclusion.from_date.desc(), AgentExclusion.id.desc()),
                       per_page=_per_page(), error_out=False)
    agents = {a.id: a for a in db.session.scalars(
        select(Agent).where(Agent.id.in_({row.agent_id for row in page.items})))}
    return render_template("sla/exclusions.html", tenant=g.tenant, form=form, page=page, agents=agents), status


@tenant_bp.get("/exclusions")
@roles(ADMIN)
def exclusions():
    return _exclusions_page(ExclusionForm())


@tenant_bp.post("/exclusions")
@roles(ADMIN)
def add_exclusion():
    form = ExclusionForm()
    if not form.validate_on_submit():
        return _exclusions_page(form, 422)
    text = form.agent.data.strip()
    agent = db.session.scalar(select(Agent).where(or_(Agent.code == text.upper(), Agent.external_id == text)))
    if agent is None:
        form.agent.errors.append(f"No agent of {g.tenant.name} has the code or id {text!r}.")
        return _exclusions_page(form, 422)
    db.session.add(AgentExclusion(tenant_id=g.tenant.id, agent_id=agent.id, from_date=form.from_date.data,
                                  to_date=form.to_date.data, reason=form.reason.data.strip()))
    db.session.commit()
    flash(f"{agent.code} is out of the quota from {form.from_date.data} to {form.to_date.data}.", "success")
    return redirect(url_for("sla_tenant.exclusions"))


@tenant_bp.post("/exclusions/<int:exclusion_id>/delete")
@roles(ADMIN)
def delete_exclusion(exclusion_id: int):
    row = db.session.scalar(select(AgentExclusion).where(AgentExclusion.id == exclusion_id))
    if row is None:
        abort(404)
    db.session.delete(row)
    db.session.commit()
    flash("Exclusion removed.", "success")
    return redirect(url_for("sla_tenant.exclusions"))


# ---- the client's page -----------------------------------------------------------------------------

@client_bp.get("/")
@roles(Role.CLIENT_MANAGER, ADMIN)
def client_week():
    chosen = request.args.get("week") or periods.week_of(clock.now(), g.tenant.timezone)
    try:
        periods.parse_week(chosen)
    except ValueError as error:
        abort(400, description=f"{error}. Choose a week like 2026-W47.")
    return _week_view("sla/client.html", chosen)


# ---- graders' daily capacity -------------------------------------------------------------------------

def _capacity_rows(graders: list[User], forms: dict[int, CapacityForm]) -> list[dict]:
    """Each grader's row: open work and capacity in two grouped queries, and its form."""
    ids = [grader.id for grader in graders]
    held, capacities = capacity.open_work(ids), capacity.daily_capacities(ids)
    return [{"grader": grader, "open": held.get(grader.id, 0), "capacity": capacities[grader.id],
             "form": forms.get(grader.id) or CapacityForm(formdata=None, daily_capacity=capacities[grader.id])}
            for grader in graders]


def _capacity_page(forms: dict[int, CapacityForm] | None = None, status: int = 200):
    page = db.paginate(capacity.active_graders(), per_page=_per_page(), error_out=False)
    return render_template("sla/capacity.html", page=page, rows=_capacity_rows(page.items, forms or {}),
                           maximum=capacity.MAX_DAILY_CAPACITY,
                           paces=capacity.paces([grader.id for grader in page.items], clock.now()),
                           window_days=timing.WINDOW.days, enough=timing.ENOUGH, guessed=capacity.GUESSED_MINUTES), status


@admin_bp.get("/capacity")
@roles(ADMIN)
def capacities():
    return _capacity_page()


@admin_bp.post("/capacity/<int:grader_id>")
@roles(ADMIN)
def set_capacity(grader_id: int):
    """Save one grader's daily capacity: the row again for HTMX, else back to the page."""
    grader = capacity.active_grader(grader_id)
    if grader is None:
        abort(404, description="No active grader has this id.")
    form = CapacityForm()
    valid = form.validate_on_submit()
    if valid:
        capacity.set_daily_capacity(grader.id, form.daily_capacity.data)
        db.session.commit()
    if htmx:
        [row] = _capacity_rows([grader], {} if valid else {grader.id: form})
        return render_template("sla/_capacity_row.html", row=row, saved=valid, page_number=requested_page(),
                               maximum=capacity.MAX_DAILY_CAPACITY), 200 if valid else 422
    if not valid:
        return _capacity_page({grader.id: form}, 422)
    flash(f"{grader.name} ({grader.pseudonym}) can now take {form.daily_capacity.data} evaluations a day.", "success")
    return redirect(url_for("sla_admin.capacities", page=requested_page()) + f"#grader-{grader.id}")
