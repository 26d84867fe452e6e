"""The vendor admin's grader reliability pages: every grader and tenant, and one grader's trend.

Vendor-internal, so graders appear by name and pseudonym. The pages span tenants (`all_tenants`,
or the one tenant of the filter). Opening the list also runs the certification gate's check
(vendor_qa.calibration.certification), so a pending grader whose calibration set is complete
shows up activated; the page lists the certifications still pending with their progress.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role, User
from vendor_qa.calibration import certification, reliability, reliability_data
from vendor_qa.calibration.charts import reliability_trend
from vendor_qa.extensions import db
from vendor_qa.pagination import Page, requested_page
from vendor_qa.tenants.forms import tenant_by_slug, tenant_choices
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants, tenants_scope

bp = Blueprint("reliability", __name__, url_prefix="/admin/graders")

REASON = "grader reliability"
bp.add_app_template_filter(reliability.interval_percent, "share_interval")
bp.add_app_template_filter(reliability.interval_points, "points_interval")


def _tenant_filter() -> Tenant | None:
    """The tenant of the `?tenant=<slug>` filter; an unknown slug answers 404."""
    slug = request.args.get("tenant") or None
    tenant = tenant_by_slug(slug)
    if slug and tenant is None:
        abort(404, description=f"No tenant has the slug {slug!r}.")
    return tenant


def _scope(tenant: Tenant | None):
    return tenants_scope([tenant.id], REASON) if tenant else all_tenants(REASON)


@bp.get("/reliability")
@roles(Role.VENDOR_ADMIN)
def index():
    tenant = _tenant_filter()
    now = clock.now()
    tenant_ids = [tenant.id] if tenant else None
    with _scope(tenant):
        activated = certification.activate_reached(tenant_ids, now)
        if activated:
            db.session.commit()
        rows = reliability_data.grader_rows(now.date(), tenant_ids)
        pending = certification.pending(tenant_ids)
        criteria = reliability_data.criterion_agreements(tenant, now.date()) if tenant else []
    page = Page.of_list(rows, requested_page(), current_app.config["PAGE_SIZE"])
    return render_template("calibration/reliability.html", page=page, pending=pending, activated=activated,
                           tenant=tenant, tenants=tenant_choices(blank="Every tenant"), criteria=criteria,
                           flagged=sum(r.flagged for r in rows), args={"tenant": tenant.slug} if tenant else {},
                           percent=reliability.percent, points=reliability.points)


@bp.get("/<int:grader_id>/reliability")
@roles(Role.VENDOR_ADMIN)
def grader(grader_id: int):
    grader = db.session.scalar(select(User).where(User.id == grader_id, User.role == Role.GRADER.value)) or abort(404)
    tenant = _tenant_filter()
    now = clock.now()
    with _scope(tenant):
        rows = reliability_data.grader_rows(now.date(), [tenant.id] if tenant else None, grader_id=grader.id)
    charts = {(r.tenant.id): reliability_trend(r.trend, f"{grader.name} on {r.tenant.name}") for r in rows}
    return render_template("calibration/reliability_grader.html", grader=grader, rows=rows, charts=charts,
                           tenant=tenant, percent=reliability.percent, points=reliability.points)
