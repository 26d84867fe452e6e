"""Probes for load balancers and orchestrators: /healthz (the process is alive), /readyz (it can serve).

Both are public, never cached, not rate-limited and free of CSRF: a probe carries no session and
must never be refused for calling often. /readyz names each check and why it failed, with any
credentials in the reason blanked out.
"""

from __future__ import annotations

import logging
import re
from typing import Callable

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, jsonify
from sqlalchemy import text

from vendor_qa.auth.guards import public
from vendor_qa.extensions import csrf, db, limiter
from vendor_qa.redis_store import get_redis

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)
csrf.exempt(bp)
limiter.exempt(bp)

Result = dict[str, bool | str]  # {"ok": ..., and "error" when not, or what was found}

_HEADS_KEY = "vendor_qa.migration_heads"
# user:password@ in any URL an error message might quote (drivers echo their connection target).
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


@bp.get("/healthz")
@public
def healthz() -> Response:
    # Touches nothing outside the process: a slow database must not get healthy machines restarted.
    return _no_store(jsonify({"status": "ok"}), 200)


@bp.get("/readyz")
@public
def readyz() -> Response:
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    ready = all(result["ok"] for result in checks.values())
    return _no_store(jsonify({"status": "ready" if ready else "unavailable", "checks": checks}),
                     200 if ready else 503)


def check_database() -> Result:
    # A connection of its own, not the session: a failure leaves no session to roll back.
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return {"ok": True}


def check_redis() -> Result:
    get_redis().ping()
    return {"ok": True}


def check_migrations() -> Result:
    heads = _migration_heads(current_app._get_current_object())
    with db.engine.connect() as connection:
        current = tuple(sorted(MigrationContext.configure(connection).get_current_heads()))
    if current != heads:
        shown = ", ".join(current) or "none"
        return {"ok": False, "error": f"the database is at revision {shown}, the code needs "
                                      f"{', '.join(heads)}; run `flask db upgrade`"}
    return {"ok": True, "revision": ", ".join(heads)}


CHECKS: dict[str, Callable[[], Result]] = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
}


def _run(name: str, check: Callable[[], Result]) -> Result:
    try:
        return check()
    except Exception as error:  # a probe reports every failure; it must not become a 500
        # SQLAlchemy's own text adds the SQL and a link; the driver's first line says why.
        first_line = (str(getattr(error, "orig", None) or error).splitlines() or [""])[0]
        reason = f"{type(error).__name__}: {_CREDENTIALS.sub('***@', first_line)}"
        # One line, no traceback: probes repeat every few seconds for as long as an outage lasts.
        log.warning("readiness check %s failed: %s", name, reason)
        return {"ok": False, "error": reason}


def _migration_heads(app: Flask) -> tuple[str, ...]:
    """The heads of migrations/, read once: the scripts are part of the deployed code."""
    heads = app.extensions.get(_HEADS_KEY)
    if heads is None:
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        heads = app.extensions[_HEADS_KEY] = tuple(sorted(script.get_heads()))
    return heads


def _no_store(response: Response, status: int) -> Response:
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
