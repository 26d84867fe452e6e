"""The JSON API under /api/v1, authenticated by tenant tokens."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request

from vendor_qa.api.auth import api_token_required
from vendor_qa.api.openapi import document
from vendor_qa.auth.guards import public
from vendor_qa.calls.ingest import InvalidBatch, ingest
from vendor_qa.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated, no cookies: CSRF does not apply


@bp.post("/calls")
@api_token_required
def create_calls():
    try:
        result = ingest(g.tenant.id, _calls_from_body())
    except InvalidBatch as invalid:
        return jsonify({"errors": [error.as_dict() for error in invalid.errors]}), 422
    return jsonify({"created": result.created, "updated": result.updated})


@bp.get("/openapi.json")
@public
def openapi_document():
    return jsonify(document(current_app.config["API_MAX_BATCH"]))


def _calls_from_body() -> list[Any]:
    """The `calls` list of the body, or a 400/413 that says what is wrong with it."""
    try:
        body = json.loads(request.get_data())
    except ValueError as error:  # bad JSON, or bytes that are not text
        abort(400, description=f"The body is not valid JSON ({error}). "
                               'Send {"calls": [...]} with Content-Type: application/json.')
    if not isinstance(body, dict) or not isinstance(body.get("calls"), list):
        abort(400, description='The body must be a JSON object with a list of calls: {"calls": [...]}.')
    calls = body["calls"]
    limit = current_app.config["API_MAX_BATCH"]
    if len(calls) > limit:
        abort(413, description=f"At most {limit} calls a request; this one has {len(calls)}. "
                               "Split them into smaller batches.")
    return calls


from vendor_qa.api import evaluations  # noqa: E402,F401  (GET /evaluations, on this blueprint)
