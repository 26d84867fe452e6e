"""The OpenAPI description of GET /api/v1/trainings (vendor_qa.api.trainings)."""

from __future__ import annotations

from typing import Any

from vendor_qa.trainings import verdict

PAGE_SIZE = 20
_COUNT = {"type": "integer", "minimum": 0}
_SHARE = {"type": ["number", "null"], "minimum": 0, "maximum": 1}
_SCORE = {"type": ["number", "null"], "minimum": 0, "maximum": 100}
_RANGE = {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 2, "maxItems": 2,
          "description": "The 95% interval [low, high]; null where there is too little data."}

SCHEMAS: dict[str, Any] = {
    "TrainingWindow": {
        "type": "object",
        "required": ["first_day", "last_day", "applicable", "lost", "loss_rate", "loss_rate_interval",
                     "evaluations", "score", "score_interval"],
        "additionalProperties": False,
        "properties": {
            "first_day": {"type": "string", "format": "date"}, "last_day": {"type": "string", "format": "date"},
            "applicable": {**_COUNT, "description": "(evaluation, trained criterion) pairs where it applied."},
            "lost": _COUNT, "loss_rate": _SHARE, "loss_rate_interval": _RANGE,
            "evaluations": _COUNT, "score": {**_SCORE, "description": "Mean score on the trained criteria."},
            "score_interval": _RANGE,
        },
    },
    "Training": {
        "type": "object",
        "required": ["id", "title", "criteria", "topic", "channel", "given_on", "follow_up_until",
                     "expected_improvement_points", "source", "status", "agents", "before", "after", "verdict"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"},
            "criteria": {"type": "array", "items": {"type": "string"}, "description": "Criterion keys."},
            "topic": {"type": ["string", "null"]}, "channel": {"type": ["string", "null"]},
            "given_on": {"type": "string", "format": "date"},
            "follow_up_until": {"type": "string", "format": "date", "description": "The last day of the window."},
            "expected_improvement_points": {"type": "integer", "minimum": 1, "maximum": 100},
            "source": {"enum": ["finding", "manual", "recertification"]},
            "status": {"enum": ["in_progress", "finished"]},
            "agents": {"type": "array", "items": {"type": "string"}, "description": "Agent codes."},
            "before": {"$ref": "#/components/schemas/TrainingWindow"},
            "after": {"$ref": "#/components/schemas/TrainingWindow"},
            "verdict": {
                "type": "object",
                "required": ["result", "needed", "p_value", "coaching"],
                "additionalProperties": False,
                "properties": {
                    "result": {"enum": [verdict.IMPROVED, verdict.NO_CHANGE, verdict.WORSE, verdict.NOT_ENOUGH]},
                    "needed": {**_COUNT, "description": "Applicable pairs a window needs for the expected "
                                                        "improvement to be found 9 times in 10."},
                    "p_value": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                                "description": "Fisher's exact test of the two loss rates."},
                    "coaching": {"type": "array", "items": {"type": "string"},
                                 "description": "Codes of the agents who did not improve."},
                },
            },
        },
    },
    "TrainingPage": {
        "type": "object",
        "required": ["trainings", "page", "page_size", "next_page"],
        "additionalProperties": False,
        "properties": {
            "trainings": {"type": "array", "items": {"$ref": "#/components/schemas/Training"}},
            "page": {"type": "integer", "minimum": 1}, "page_size": {"type": "integer"},
            "next_page": {"type": ["integer", "null"]},
        },
    },
}


def operation(json_response, bad_request, unauthorized) -> dict[str, Any]:
    """The OpenAPI operation of GET /trainings; the response helpers as openapi.py builds them."""
    return {
        "operationId": "listTrainings",
        "summary": "The tenant's trainings with their follow-up and verdict, newest first",
        "description": "While the follow-up window runs the verdict is provisional (status `in_progress`).",
        "parameters": [{"name": "page", "in": "query", "required": False, "description": "From 1.",
                        "schema": {"type": "integer", "minimum": 1}}],
        "responses": {"200": json_response("TrainingPage", f"A page of at most {PAGE_SIZE} trainings"),
                      "400": bad_request("`page` is not a whole number from 1."),
                      "401": unauthorized()},
    }
