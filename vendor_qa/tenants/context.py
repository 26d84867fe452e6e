"""The tenant of a request: taken from the URL (/t/<tenant>/...), checked against the user.

A client manager reaches only their own tenant, a grader only the tenants
they are certified for, a vendor admin any tenant; anything else answers
404, so another tenant's existence is not even confirmed.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, g, request
from flask_login import current_user
from sqlalchemy import select

from vendor_qa.auth.models import Role
from vendor_qa.extensions import db
from vendor_qa.tenants import scoping, teams
from vendor_qa.tenants.models import Tenant


def may_access(user, tenant: Tenant) -> bool:
    if user.role == Role.VENDOR_ADMIN:
        return True
    if user.role == Role.CLIENT_MANAGER:
        return user.tenant_id == tenant.id
    return tenant.id in user.certified_tenant_ids


def use_tenant(tenant: Tenant, team_ids: frozenset[int] | None = None) -> None:
    """Make `tenant` the request's tenant and scope every query to it (and to a lead's teams)."""
    g.tenant = tenant
    g.lead_team_ids = team_ids or None
    g._tenant_scope_token = scoping.enter(scoping.Scope(frozenset([tenant.id]), "request", team_ids or None))


def bind_tenant_from_url(bp: Blueprint) -> None:
    """Give a blueprint whose URLs start with /t/<tenant> its tenant context."""

    @bp.url_value_preprocessor
    def _pull_tenant(endpoint, values):
        slug = (values or {}).pop("tenant", None)
        if slug is None or not current_user.is_authenticated:
            return  # the view's role guard sends anonymous users to log in
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None or not may_access(current_user, tenant):
            abort(404)
        lead_teams = current_user.lead_team_ids
        if lead_teams and request.blueprint in teams.LEAD_REFUSED:
            abort(403)  # tenant-wide pages stay with unrestricted managers
        use_tenant(tenant, lead_teams)

    @bp.url_defaults
    def _add_tenant(endpoint, values):
        if "tenant" not in values and g.get("tenant") is not None:
            values["tenant"] = g.tenant.slug


def init_app(app: Flask) -> None:
    @app.teardown_request
    def _leave_tenant(exc):
        token = g.pop("_tenant_scope_token", None)
        if token is not None:
            scoping.leave(token)
