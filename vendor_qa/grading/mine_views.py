"""The grader's own page: what they did today and this week, what is due, their recent evaluations,
and their median grading time per scorecard.

The day and week counts are UTC: a grader works for tenants in many time zones, so no
tenant's zone is theirs, and the page says so. Each time shown is its tenant's local
time with the zone, as in the queue, so one item never shows two different times.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.extensions import db
from vendor_qa.grading import results, timing
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenants_scope

bp = Blueprint("grading_me", __name__, url_prefix="/grading")

PER_PAGE = 25
DUE_LIST = 10


@bp.get("/me")
@roles(Role.GRADER)
def mine():
    tenant_ids = current_user.certified_tenant_ids
    now = clock.now()
    with tenants_scope(tenant_ids, "grader's own page"):
        stats = results.grader_stats(current_user.id, tenant_ids, now)
        due = results.grader_due(current_user.id, tenant_ids, now, DUE_LIST)
        page = db.paginate(results.grader_recent_statement(current_user.id, tenant_ids),
                           per_page=PER_PAGE, max_per_page=100, error_out=False)
        paces = timing.by_scorecard(current_user.id, tenant_ids, now)
        # Rendered inside the scope: the rows' related objects load lazily.
        return render_template("grading/mine.html", stats=stats, due=due, page=page, now=now, args={},
                               tenants=_tenants(tenant_ids), paces=paces, window_days=timing.WINDOW.days)


def _tenants(tenant_ids: list[int]) -> dict[int, Tenant]:
    return {t.id: t for t in db.session.scalars(select(Tenant).where(Tenant.id.in_(tenant_ids)))}
