"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json.

The call schema is the one ingestion validates against (vendor_qa.calls.ingest),
so the published contract and the checks cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from vendor_qa.api import evaluation_schema, sla_schema, training_schema
from vendor_qa.calls.ingest import CALL_SCHEMA


# What the input guard (vendor_qa.input_guard) refuses with a 400 before any view runs, on every operation.
HOSTILE_INPUT = ("Refused before anything is read or saved: a NUL character or a lone surrogate in a query "
                 "argument or in any string or key of a JSON body, a number that is not finite (NaN, Infinity, "
                 "1e400) or JSON nested too deeply, a `page` above the highest page number.")


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


def bad_request(description: str) -> dict[str, Any]:
    """The 400 of an operation: what the operation itself refuses, then what every operation refuses."""
    return _json("Error", f"{description} {HOSTILE_INPUT}".strip())


def unauthorized() -> dict[str, Any]:
    """The 401 of vendor_qa.api.auth, with the challenge it sends."""
    return {**_json("Error", "The token is missing, wrong or revoked."),
            "headers": {"WWW-Authenticate": {"required": True, "description": 'Bearer realm="vendor_qa"',
                                             "schema": {"type": "string", "pattern": "^Bearer "}}}}


def document(max_batch: int) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vendor_qa API",
            "version": "1.0.0",
            "description": "Push your calls to vendor_qa for quality assurance. Authenticate with a tenant's "
                           "API token (a vendor admin issues it) as `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/calls": {"post": _calls_operation(max_batch)},
            "/evaluations": {"get": evaluation_schema.operation(_json, bad_request, unauthorized)},
            "/sla": {"get": sla_schema.operation(_json, bad_request, unauthorized)},
            "/trainings": {"get": training_schema.operation(_json, bad_request, unauthorized)},
            "/openapi.json": {"get": {
                "operationId": "getOpenApiDocument",
                "summary": "This document",
                "security": [],
                "responses": {"200": {"description": "The OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "400": bad_request("")},
            }},
        },
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A tenant's API token."}},
            "schemas": {
                "Call": CALL_SCHEMA,
                **evaluation_schema.SCHEMAS,
                **sla_schema.SCHEMAS,
                **training_schema.SCHEMAS,
                "CallBatch": {
                    "type": "object",
                    "required": ["calls"],
                    "properties": {"calls": {"type": "array", "maxItems": max_batch,
                                             "items": {"$ref": "#/components/schemas/Call"}}},
                },
                "IngestResult": {
                    "type": "object",
                    "required": ["created", "updated"],
                    "additionalProperties": False,
                    "properties": {"created": {"type": "integer", "minimum": 0},
                                   "updated": {"type": "integer", "minimum": 0}},
                },
                "FieldError": {
                    "type": "object",
                    "required": ["index", "field", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "index": {"type": "integer", "minimum": 0,
                                  "description": "Position of the call in `calls`, from 0."},
                        "field": {"type": ["string", "null"],
                                  "description": "The field at fault; null when the call as a whole is."},
                        "message": {"type": "string"},
                    },
                },
                "ValidationErrors": {
                    "type": "object",
                    "required": ["errors"],
                    "additionalProperties": False,
                    "properties": {"errors": {"type": "array", "minItems": 1,
                                              "items": {"$ref": "#/components/schemas/FieldError"}}},
                },
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "error": {"type": "string", "minLength": 1, "description": "The status's name."},
                        "message": {"type": "string", "minLength": 1,
                                    "description": "What was wrong, and what to do about it."},
                    },
                },
            },
        },
    }


def _calls_operation(max_batch: int) -> dict[str, Any]:
    return {
        "operationId": "ingestCalls",
        "summary": "Create or update a batch of calls",
        "description": (
            f"At most {max_batch} calls a request. Idempotent on `external_id`: sending a call again "
            "replaces its fields, it never duplicates it. An unknown `agent_external_id` creates the "
            "agent (named by `agent_name`, in `team`); `agent_email` sets the agent's e-mail, where "
            "feedback reaches them. The batch is atomic: if any call is invalid, "
            "nothing is saved and every problem is listed."
        ),
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/CallBatch"},
            "example": {"calls": [{
                "external_id": "call-0001", "agent_external_id": "agent-17", "agent_name": "Ada Ames",
                "team": "Billing", "agent_email": "ada.ames@example.com", "started_at": "2026-11-20T14:05:00+01:00", "duration_seconds": 312,
                "channel": "phone", "customer_rating": 2, "topic": "billing",
            }]},
        }}},
        "responses": {
            "200": _json("IngestResult", "Every call was saved: how many were new and how many updated."),
            "400": bad_request("The body is not JSON, not an object, or `calls` is not a list."),
            "401": unauthorized(),
            "413": _json("Error", f"More than {max_batch} calls, or a body too large."),
            "422": _json("ValidationErrors", "Some calls are invalid; nothing was saved."),
        },
    }
