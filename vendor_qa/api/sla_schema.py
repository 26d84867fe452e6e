"""The OpenAPI description of GET /api/v1/sla (vendor_qa.api.sla)."""

from __future__ import annotations

from typing import Any

_COUNT = {"type": "integer", "minimum": 0}
_PERCENT = {"type": ["number", "null"], "minimum": 0, "maximum": 100}

SCHEMAS: dict[str, Any] = {
    "SlaAgentWeek": {
        "type": "object",
        "required": ["agent_id", "code", "name", "calls", "required", "assigned", "completed", "overdue", "status"],
        "properties": {
            "agent_id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
            "calls": _COUNT, "required": _COUNT, "assigned": _COUNT, "completed": _COUNT, "overdue": _COUNT,
            "status": {"enum": ["met", "on_track", "at_risk", "missed", "insufficient_volume"]},
        },
    },
    "SlaWeek": {
        "type": "object",
        "required": ["week", "closed", "agents", "totals"],
        "properties": {
            "week": {"type": "string", "pattern": r"^\d{4}-W\d{2}$"},
            "closed": {"type": "boolean", "description": "A closed week's figures are final."},
            "agents": {"type": "array", "items": {"$ref": "#/components/schemas/SlaAgentWeek"}},
            "totals": {"type": "object", "properties": {
                "agents": _COUNT, "required": _COUNT, "completed": _COUNT, "met": _COUNT, "at_risk": _COUNT,
                "insufficient": _COUNT, "compliance_percent": _PERCENT, "projected_percent": _PERCENT}},
        },
    },
}


def operation(json_response) -> dict[str, Any]:
    """The OpenAPI operation of GET /sla; `json_response(schema, description)` as openapi.py builds them."""
    return {
        "operationId": "getSlaWeek",
        "summary": "Each agent's SLA row for an ISO week, and the tenant's totals",
        "parameters": [{"name": "week", "in": "query", "required": False,
                        "description": "ISO week in the tenant's time zone, e.g. 2026-W47 (default: this week).",
                        "schema": {"type": "string", "pattern": r"^\d{4}-W\d{2}$"}}],
        "responses": {"200": json_response("SlaWeek", "The week's rows and totals"),
                      "400": json_response("Error", "The week is not an ISO week"),
                      "401": json_response("Error", "No valid API token")},
    }
