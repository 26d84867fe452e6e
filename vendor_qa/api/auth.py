"""The API's guard: a tenant's bearer token, which also sets the request's tenant context."""

from __future__ import annotations

import functools
from typing import Any, Callable

from flask import jsonify, request
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager

from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.tenants.context import use_tenant
from vendor_qa.tenants.models import ApiToken, Tenant, hash_token
from vendor_qa.tenants.scoping import all_tenants

ACCESS = "api-token"  # what test_every_view_has_a_guard looks for


def api_token_required(view: Callable) -> Callable:
    @functools.wraps(view)
    def guarded(*args: Any, **kwargs: Any):
        token = _active_token(_bearer_secret())
        if token is None:
            return _unauthorized()
        use_tenant(token.tenant)
        _mark_used(token.id)
        return view(*args, **kwargs)

    guarded.access = ACCESS
    return guarded


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def _active_token(secret: str | None) -> ApiToken | None:
    if not secret:
        return None
    # The token says which tenant this is, so it is looked up before any tenant is known.
    with all_tenants("api token lookup"):
        return db.session.scalar(
            select(ApiToken).join(ApiToken.tenant).options(contains_eager(ApiToken.tenant))
            .where(ApiToken.token_hash == hash_token(secret), ApiToken.revoked_at.is_(None), Tenant.active)
        )


def _mark_used(token_id: int) -> None:
    table = ApiToken.__table__
    db.session.execute(update(table).where(table.c.id == token_id).values(last_used_at=clock.now()))
    db.session.commit()


def _unauthorized():
    response = jsonify({"error": "Unauthorized",
                        "message": "Send a valid API token: 'Authorization: Bearer <token>'. "
                                   "A vendor admin issues tokens on the tenant's page."})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="vendor_qa"'
    return response
