"""The OpenAPI description of GET /api/v1/sla (vendor_qa.api.sla)."""

from __future__ import annotations

from typing import Any

_COUNT = {"type": "integer", "minimum": 0}
# An ISO week of the years the calendar serves (1900 to 9998); W53 only exists in some years.
WEEK_PATTERN = r"^(19\d\d|[2-9]\d\d\d)-W(0[1-9]|[1-4]\d|5[0-3])$"
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
            "week": {"type": "string", "pattern": WEEK_PATTERN},
            "closed": {"type": "boolean", "description": "A closed week's figures are final."},
            "agents": {"type": "array", "items": {"$ref": "#/components/schemas/SlaAgentWeek"}},
            "totals": {
                "type": "object",
                "required": ["agents", "required", "completed", "met", "at_risk", "insufficient",
                             "compliance_percent", "projected_percent"],
                "additionalProperties": False,
                "properties": {
                    "agents": _COUNT, "required": _COUNT, "completed": _COUNT, "met": _COUNT, "at_risk": _COUNT,
                    "insufficient": _COUNT, "compliance_percent": _PERCENT, "projected_percent": _PERCENT},
            },
        },
    },
}


def operation(json_response, bad_request, unauthorized) -> dict[str, Any]:
    """The OpenAPI operation of GET /sla; the response helpers as openapi.py builds them."""
    return {
        "operationId": "getSlaWeek",
        "summary": "Each agent's SLA row for an ISO week, and the tenant's totals",
        "parameters": [{"name": "week", "in": "query", "required": False,
                        "description": "ISO week in the tenant's time zone, e.g. 2026-W47 (default: this week).",
                        "schema": {"type": "string", "pattern": WEEK_PATTERN}}],
        "responses": {"200": json_response("SlaWeek", "The week's rows and totals"),
                      "400": bad_request("The week is not an ISO week of a year from 1900 to 9998 (e.g. W53 of "
                                         "a year that has 52)."),
                      "401": unauthorized()},
    }
