"""The vendor admin's audit trail of one tenant: every recorded trust action, newest first."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from vendor_qa.audit.models import AuditEvent
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role
from vendor_qa.extensions import db
from vendor_qa.tenants.context import bind_tenant_from_url

bp = Blueprint("audit", __name__, url_prefix="/t/<tenant>/audit")
bind_tenant_from_url(bp)

PER_PAGE = 50


@bp.get("/")
@roles(Role.VENDOR_ADMIN)
def index():
    stmt = (select(AuditEvent).where(AuditEvent.tenant_id == g.tenant.id).options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))
    page = db.paginate(stmt, per_page=PER_PAGE, max_per_page=200, error_out=False)
    return render_template("audit/index.html", page=page, args={})
