"""GET /api/v1/sla: a week's SLA rows of the token's tenant (on the `api` blueprint).

Its OpenAPI description is in sla_schema.py, which the document imports without the views.
"""

from __future__ import annotations

from typing import Any

from flask import abort, g, jsonify, request

from vendor_qa import clock, periods
from vendor_qa.api.auth import api_token_required
from vendor_qa.api.views import bp
from vendor_qa.sla import tracker


@bp.get("/sla")
@api_token_required
def sla_week():
    week = request.args.get("week") or periods.week_of(clock.now(), g.tenant.timezone)
    try:
        periods.parse_week(week)
    except ValueError as error:
        abort(400, description=f"{error}. Give ?week=YYYY-Www, e.g. 2026-W47.")
    rows = tracker.week_rows(g.tenant, week, clock.now())
    return jsonify({"week": week, "closed": tracker.is_closed(g.tenant.id, week),
                    "agents": [_agent(row) for row in rows], "totals": tracker.totals(rows).as_dict()})


def _agent(row: tracker.AgentRow) -> dict[str, Any]:
    return {"agent_id": row.agent_id, "code": row.code, "name": row.name, "calls": row.calls,
            "required": row.required, "assigned": row.assigned, "completed": row.completed,
            "overdue": row.overdue, "status": row.status}
