"""The OpenAPI description of GET /api/v1/evaluations (vendor_qa.api.evaluations serves it)."""

from __future__ import annotations

from typing import Any

from vendor_qa.pagination import MAX_PAGE

PAGE_SIZE = 100

_number = {"type": "number"}
_text_or_null = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "CriterionResult": {
        "type": "object",
        "required": ["key", "text", "section", "answer", "applicable", "earned", "possible", "missed_critical",
                     "comment"],
        "additionalProperties": False,
        "properties": {
            "key": {"type": "string", "description": "Stable across the scorecard's versions."},
            "text": {"type": "string"},
            "section": {"type": "string"},
            "answer": {"type": "string", "description": "yes, no, full, partial, none, na, or a scale value."},
            "applicable": {"type": "boolean", "description": "false when answered N/A."},
            "earned": _number,
            "possible": _number,
            "missed_critical": {"type": "boolean"},
            "comment": _text_or_null,
        },
    },
    "Evaluation": {
        "type": "object",
        "required": ["id", "call_external_id", "agent_external_id", "scorecard", "total", "band", "passed",
                     "auto_failed", "criteria", "feedback", "grader", "submitted_at", "revision"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "call_external_id": {"type": "string"},
            "agent_external_id": {"type": "string"},
            "scorecard": {
                "type": "object", "required": ["name", "version"], "additionalProperties": False,
                "properties": {"name": {"type": "string"},
                               "version": {"type": "integer", "description": "The version it was scored with."}},
            },
            "total": {"type": "number", "minimum": 0, "maximum": 100},
            "band": _text_or_null,
            "passed": {"type": "boolean"},
            "auto_failed": {"type": "boolean", "description": "A critical criterion was missed: the total is 0."},
            "criteria": {"type": "array", "items": {"$ref": "#/components/schemas/CriterionResult"}},
            "feedback": {
                "type": "object", "required": ["went_well", "to_improve"], "additionalProperties": False,
                "properties": {"went_well": {"type": "string"}, "to_improve": {"type": "string"}},
            },
            "grader": {"type": "string", "description": "The grader's pseudonym, e.g. G-7F3A."},
            "submitted_at": {"type": "string", "format": "date-time"},
            "revision": {"type": "integer", "minimum": 1,
                         "description": "1 as submitted; one more for each correction after a dispute. "
                                        "The figures are always the current revision's."},
        },
    },
    "EvaluationPage": {
        "type": "object",
        "required": ["evaluations", "page", "page_size", "next_page"],
        "additionalProperties": False,
        "properties": {
            "evaluations": {"type": "array", "maxItems": PAGE_SIZE,
                            "items": {"$ref": "#/components/schemas/Evaluation"}},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "const": PAGE_SIZE},
            "next_page": {"type": ["integer", "null"], "description": "null on the last page."},
        },
    },
}


def operation(json_response, bad_request, unauthorized) -> dict[str, Any]:
    """The operation; `json_response(schema, description)`, `bad_request(description)` and `unauthorized()`
    are the document's response helpers."""
    return {
        "operationId": "listEvaluations",
        "summary": "The tenant's submitted evaluations",
        "description": (
            f"Oldest first, {PAGE_SIZE} a page. Pass `since` to get only evaluations submitted at or after "
            "that moment (a time without an offset is UTC), and follow `next_page` until it is null. "
            "Graders appear by pseudonym only."
        ),
        "parameters": [
            {"name": "since", "in": "query", "required": False,
             "schema": {"type": "string", "format": "date-time"}, "example": "2026-11-20T00:00:00Z"},
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        ],
        "responses": {
            "200": json_response("EvaluationPage", "One page of evaluations."),
            "400": bad_request(f"`since` is not an ISO 8601 time, or `page` is not a whole number from 1 to "
                               f"{MAX_PAGE}."),
            "401": unauthorized(),
        },
    }
