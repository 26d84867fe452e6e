"""Every error answers in the asker's terms: a titled page, an htmx fragment, or JSON under /api/.

Statuses are raised by routes of an app of this module's own (routes cannot be added to the
session's app once it has served a request); real views are broken by monkeypatching what they
call. An unexpected fault is logged with its traceback and never shows its text.
"""

from __future__ import annotations

import logging

import jsonschema
import pytest
from flask import abort
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import default_exceptions
from werkzeug.http import HTTP_STATUS_CODES

from tests.conftest import IsolatedClient
from vendor_qa import create_app, errors
from vendor_qa.api.openapi import document
from vendor_qa.extensions import login_manager

STATUSES = [400, 401, 403, 404, 405, 409, 413, 422, 429, 500, 503]
# What the fault says about itself; it must reach the log, never the client.
INTERNALS = "password=hunter2 at /srv/vendor_qa/secret.py"
ERROR_SCHEMA = document(1000)["components"]["schemas"]["Error"]


def fail(status: int):
    if status == 500:
        raise LookupError(INTERNALS)
    if status in (429, 503):
        raise default_exceptions[status](retry_after=60)
    abort(status)


@pytest.fixture(scope="module")
def faulty_app(database_url, redis_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
                      "WTF_CSRF_ENABLED": False, "SERVER_NAME": None})
    app.add_url_rule("/boom/<int:status>", "boom", fail)
    app.add_url_rule("/api/v1/boom/<int:status>", "api_boom", fail)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def faulty(faulty_app):
    return faulty_app.test_client()


@pytest.fixture
def error_log(caplog, monkeypatch):
    # Running migrations in-process (the `app` fixture) applies alembic.ini's logging, which
    # disables loggers that already exist; the web process never does, so neither does this test.
    monkeypatch.setattr(logging.getLogger(errors.__name__), "disabled", False)
    caplog.set_level(logging.ERROR, logger=errors.__name__)
    return caplog


def ask(client, path: str, status: int, headers: dict | None = None):
    # 405 comes from the router itself (a POST to a GET route), so its Allow header is real.
    return client.open(path, method="POST" if status == 405 else "GET", headers=headers or {})


def message_of(status: int) -> str:
    return errors.ADVICE[status]


def assert_no_internals(body: str) -> None:
    assert "hunter2" not in body and "secret.py" not in body and "LookupError" not in body
    assert "property object" not in body


def assert_error_headers(response, status: int) -> None:
    if status == 405:
        assert set(response.allow) == {"GET", "HEAD", "OPTIONS"}
    if status in (429, 503):
        assert response.headers["Retry-After"] == "60"


@pytest.mark.parametrize("status", STATUSES)
def test_a_page_is_titled_by_its_status_and_says_what_to_do(faulty, error_log, status):
    response = ask(faulty, f"/boom/{status}", status)

    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"<title>{status} {HTTP_STATUS_CODES[status]} · vendor_qa</title>" in body
    assert str(escape(message_of(status))) in body
    assert_error_headers(response, status)
    assert_no_internals(body)


@pytest.mark.parametrize("status", STATUSES)
def test_htmx_gets_a_short_fragment_for_the_alert_bar(faulty, error_log, status):
    response = ask(faulty, f"/boom/{status}", status, {"HX-Request": "true"})

    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert "<html" not in body and len(body) < 2000  # app.js shows up to 2000 characters
    assert f"<strong>{HTTP_STATUS_CODES[status]}.</strong>" in body
    assert str(escape(message_of(status))) in body
    assert_no_internals(body)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_api_answers_json_of_the_documented_error_shape(faulty, error_log, status, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = ask(faulty, f"/api/v1/boom/{status}", status, headers)

    assert response.status_code == status
    assert response.mimetype == "application/json"
    jsonschema.validate(response.json, ERROR_SCHEMA)
    assert response.json == {"error": HTTP_STATUS_CODES[status], "message": message_of(status)}
    assert_error_headers(response, status)
    assert_no_internals(response.get_data(as_text=True))


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.json == {"error": "Not Found", "message": message_of(404)}


def test_a_view_that_breaks_is_logged_with_its_traceback(faulty, error_log):
    faulty.get("/boom/500")

    [record] = [r for r in error_log.records if r.name == errors.__name__]
    assert "GET /boom/500" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is LookupError
    assert INTERNALS in error_log.text  # the traceback is in the log, for whoever fixes it


def test_an_api_view_whose_dependency_fails_answers_json_500(client, build, error_log, monkeypatch):
    token = build.token(build.tenant())

    def broken(*args, **kwargs):
        raise LookupError(INTERNALS)

    monkeypatch.setattr("vendor_qa.api.views.ingest", broken)
    response = client.post("/api/v1/calls", json={"calls": []}, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 500
    assert response.json == {"error": "Internal Server Error", "message": message_of(500)}
    assert [r.exc_info[0] for r in error_log.records if r.name == errors.__name__] == [LookupError]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_page_view_whose_dependency_fails_answers_500(client, build, error_log, monkeypatch, htmx):
    user = build.admin()

    def broken(*args, **kwargs):
        raise LookupError(INTERNALS)

    monkeypatch.setattr("vendor_qa.auth.views.verify_password", broken)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post("/login", data={"email": user.email, "password": "x"}, headers=headers)

    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert str(escape(message_of(500))) in body
    assert ("<title>" in body) is not htmx
    assert_no_internals(body)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_when_the_database_is_down_the_500_still_renders(client, build, login, error_log, monkeypatch, htmx):
    login(build.admin())

    def database_down(user_id):
        raise OperationalError("SELECT users", {}, ConnectionRefusedError(INTERNALS))

    # The layout itself reads the user, so the first page of errors fails too.
    monkeypatch.setattr(login_manager, "_user_callback", database_down)
    response = client.get("/", headers={"HX-Request": "true"} if htmx else {})

    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert ("<title>500 Internal Server Error · vendor_qa</title>" in body) is not htmx
    assert str(escape(message_of(500))) in body
    assert_no_internals(body)
    assert "OperationalError" not in body


def test_a_view_can_still_say_something_specific(client, build):
    token = build.token(build.tenant())

    response = client.post("/api/v1/calls", data="{", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 400
    assert response.json["error"] == "Bad Request"
    assert "not valid JSON" in response.json["message"]
