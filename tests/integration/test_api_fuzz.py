"""Schemathesis fuzzes /api/v1 against its own OpenAPI document: no 5xx, nothing the document does not say.

The document is the one the app serves (GET /api/v1/openapi.json), loaded by schemathesis's WSGI
loader against the test app. Each operation gets requests built from the document (positive) and
requests that break it (negative: wrong types, bad formats, out-of-range values, hostile strings,
extra parameters), sent with a tenant's real token over data that gives the GET endpoints something
to return; and requests without a token. Every answer must be no 5xx, a status, content type,
headers and body the document gives for that operation.

The seed is fixed and the examples bounded, so every run (CI included) sends the same requests and
takes well under a minute. Schemathesis's own pytest loader (`from_fixture`) does not work with
pytest 9.2 (it sets `node._nodeid`, which pytest 9.2 no longer has), so the cases are drawn with
its documented `APIOperation.as_strategy` in a plain Hypothesis test, one pytest test per operation
and mode.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import builders
from tests.integration import grading_helpers as gh
from tests.integration import sla_helpers
from vendor_qa import clock
from vendor_qa.api.openapi import document

SEED = 20261125
EXAMPLES = {"positive": 40, "negative": 40, "no-token": 8}  # per operation
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def _cases() -> list[tuple[str, str, str]]:
    """(method, path, mode) of every operation of the document, known at collection: a test each."""
    cases = []
    for path, item in document(max_batch=1)["paths"].items():
        for method, operation in item.items():
            takes_input = bool(operation.get("parameters") or operation.get("requestBody"))
            secured = operation.get("security") != []
            for mode, wanted in (("positive", True), ("negative", takes_input), ("no-token", secured)):
                if wanted:
                    cases.append((method.upper(), path, mode))
    return cases


@pytest.fixture
def api_token(app) -> str:
    """A tenant with agents, calls, submitted evaluations and SLA rows, and its token.

    Built in an app context of its own that is closed again, so that each of the fuzzer's requests
    opens a fresh one (a held context would carry `g`, the tenant, from one request to the next).
    """
    with app.app_context():
        build = builders.Builder()
        tenant = sla_helpers.sla_tenant(build)
        agent = build.agent(tenant, external_id="emp-1")
        grader = build.grader(tenant)
        card = gh.scorecard(tenant)
        for n in range(3):
            call = build.call(agent, started_at=clock.now() - timedelta(days=n))
            gh.submitted_evaluation(tenant, call, grader, card, submitted_at=clock.now() - timedelta(hours=n))
        sla_helpers.add_calls(tenant, build.agent(tenant), [(300, 4), (120, 1), (600, None)])
        return build.token(tenant)


@pytest.fixture
def api_schema(app):
    """The document as the app serves it, through schemathesis's WSGI loader against the test app."""
    config = schemathesis.Config.from_dict({"seed": SEED})  # the draws themselves are seeded by @seed below
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)


@pytest.mark.parametrize(("method", "path", "mode"), _cases(), ids=lambda value: str(value))
def test_the_api_answers_as_documented(api_schema, api_token, method, path, mode):
    operation = api_schema[path][method]
    generation = GenerationMode.NEGATIVE if mode == "negative" else GenerationMode.POSITIVE
    headers = {} if mode == "no-token" else {"Authorization": f"Bearer {api_token}"}
    statuses: set[int] = set()

    @seed(SEED)
    @settings(max_examples=EXAMPLES[mode], database=None, deadline=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=operation.as_strategy(generation_mode=generation))
    def fuzz(case):
        if mode == "no-token":
            case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.add(response.status_code)

    fuzz()
    if mode == "no-token":  # the input guard runs first: a hostile body is a 400 with or without a token
        assert 401 in statuses and statuses <= {400, 401}
    elif mode == "positive":
        assert 200 in statuses, "no valid request was accepted: the data or the document is off"


def test_every_operation_of_the_served_document_is_fuzzed(api_schema):
    served = {(method.upper(), path) for path, item in api_schema.raw_schema["paths"].items() for method in item}
    assert served == {(method, path) for method, path, _ in _cases()}


_DEEP = "[" * 5000 + "]" * 5000
HOSTILE = {  # what the input guard refuses before any view: each must be a 400 the document gives
    "NaN in metadata": ("POST", "/calls", {}, '{"calls": [{"metadata": {"x": NaN}}]}'),
    "1e400 in metadata": ("POST", "/calls", {}, '{"calls": [{"metadata": {"x": 1e400}}]}'),
    "5,000-deep metadata": ("POST", "/calls", {}, '{"calls": [{"metadata": {"x": %s}}]}' % _DEEP),
    "a lone surrogate in metadata": ("POST", "/calls", {}, '{"calls": [{"metadata": {"x": "\\ud800"}}]}'),
    "a NUL character in a call": ("POST", "/calls", {}, '{"calls": [{"external_id": "a\\u0000b"}]}'),
    "a NUL character in `since`": ("GET", "/evaluations", {"since": "2026-11-20\x00"}, None),
    "a page beyond the last": ("GET", "/evaluations", {"page": "99999999999999999999999"}, None),
    "a NUL character in `week`": ("GET", "/sla", {"week": "2026-W47\x00"}, None),
    "a NUL character in any argument": ("GET", "/openapi.json", {"x": "\x00"}, None),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_is_a_documented_400_with_a_message(api_schema, build, client, name):
    api_token = build.token(build.tenant())
    method, path, query, body = HOSTILE[name]
    response = client.open(f"/api/v1{path}", method=method, query_string=query, data=body,
                           content_type="application/json" if body else None,
                           headers={"Authorization": f"Bearer {api_token}"})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.json["message"]
    api_schema[path][method].Case(query=query).validate_response(response, checks=CHECKS)
