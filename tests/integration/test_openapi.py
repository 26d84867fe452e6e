"""GET /api/v1/openapi.json describes the API truly: real answers validate against it."""

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.validation.response.exceptions import InvalidData
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from tests.integration.test_api_calls import a_call


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return OpenAPI.from_dict(response.json)  # checks the document against the OpenAPI 3.1 schema


@pytest.fixture
def token(build):
    return build.token(build.tenant())


def call(client, method: str, path: str, **kwargs):
    """The app's real answer, and the request it answered for openapi-core (whose body is still unread)."""
    response = client.open(path, method=method, **kwargs)
    response.sent = Request(EnvironBuilder(path=path, method=method, **kwargs).get_environ())
    return response


def check(spec: OpenAPI, response) -> None:
    spec.validate_response(WerkzeugOpenAPIRequest(response.sent), WerkzeugOpenAPIResponse(response))


def test_the_document_is_openapi_3_1_with_bearer_auth(client):
    doc = client.get("/api/v1/openapi.json").json

    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A tenant's API token."}
    assert set(doc["paths"]["/calls"]["post"]["responses"]) == {"200", "400", "401", "413", "422"}


def test_the_document_is_public_and_valid_against_itself(spec, client):
    check(spec, call(client, "GET", "/api/v1/openapi.json"))


def test_success_matches_the_document(spec, client, token):
    response = call(client, "POST", "/api/v1/calls", json={"calls": [a_call()]}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    check(spec, response)


def test_validation_errors_match_the_document(spec, client, token):
    response = call(client, "POST", "/api/v1/calls", json={"calls": [a_call(), "x", {}]},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    check(spec, response)


def test_a_missing_token_matches_the_document(spec, client):
    response = call(client, "POST", "/api/v1/calls", json={"calls": []})
    assert response.status_code == 401
    check(spec, response)


def test_a_malformed_body_matches_the_document(spec, client, token):
    response = call(client, "POST", "/api/v1/calls", data=b"{", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    check(spec, response)


def test_an_oversized_batch_matches_the_document(app, spec, client, token, monkeypatch):
    monkeypatch.setitem(app.config, "API_MAX_BATCH", 1)
    response = call(client, "POST", "/api/v1/calls", json={"calls": [a_call(1), a_call(2)]},
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    check(spec, response)


def test_a_response_off_the_contract_is_caught(spec, client, token):
    """The check has teeth: an answer the document does not allow fails it."""
    response = call(client, "POST", "/api/v1/calls", json={"calls": []}, headers={"Authorization": f"Bearer {token}"})
    response.set_data(b'{"created": "many"}')
    with pytest.raises(InvalidData):
        check(spec, response)


def test_the_published_call_schema_is_the_one_ingestion_enforces(client):
    from vendor_qa.calls.ingest import CALL_SCHEMA

    doc = client.get("/api/v1/openapi.json").json
    assert doc["components"]["schemas"]["Call"] == CALL_SCHEMA
