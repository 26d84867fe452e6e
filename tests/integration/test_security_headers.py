"""Security headers on every response: CSP without inline script, no framing, nosniff, a referrer
policy, HSTS only in production, and nothing of a signed-in page or the API kept in a cache."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from vendor_qa.extensions import login_manager
from vendor_qa.security_headers import CONTENT_SECURITY_POLICY


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


@pytest.mark.parametrize("path", ["/login", "/healthz", "/static/js/app.js", "/no-such-page", "/api/v1/evaluations"])
def test_every_response_carries_the_headers(client, path):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # not production


def test_the_policy_runs_only_our_own_scripts_and_forbids_framing(client):
    policy = directives(client.get("/login"))
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["media-src"] == ["'self'"]  # recordings are streamed through the application


def test_hsts_in_production_only(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    response = client.get("/healthz")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_signed_in_pages_are_never_stored_and_static_files_may_be(build, client, login):
    tenant = build.tenant("acme")
    login(build.grader(tenant))
    for path in ("/grading/queue", "/no-such-page"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_a_signed_in_error_page_is_not_stored_when_the_user_cannot_be_loaded(build, client, login, monkeypatch):
    login(build.admin())

    def database_down(user_id):
        raise OperationalError("SELECT users", {}, ConnectionRefusedError())

    monkeypatch.setattr(login_manager, "_user_callback", database_down)
    response = client.get("/")
    assert response.status_code == 500
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_api_answers_are_never_stored(build, client):
    tenant = build.tenant("acme")
    assert client.get("/api/v1/evaluations").headers["Cache-Control"] == "no-store"  # 401 too
    response = client.get("/api/v1/evaluations", headers={"Authorization": f"Bearer {build.token(tenant)}"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_base_layout_turns_off_eval_and_the_htmx_history_cache(build, client, login):
    login(build.admin())
    page = client.get("/admin/tenants").get_data(as_text=True)
    assert '"allowEval": false' in page
    assert '"historyCacheSize": 0' in page
