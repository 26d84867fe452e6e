"""Logging in and out, and what protects it: rate limit, cookies, redirects, CSRF."""

from __future__ import annotations

import re

import pytest

from tests.builders import PASSWORD
from vendor_qa.config import load_config
from vendor_qa.extensions import db


def log_in(client, user, password: str = PASSWORD, next_: str | None = None):
    path = "/login" if next_ is None else f"/login?next={next_}"
    return client.post(path, data={"email": user.email, "password": password})


@pytest.fixture
def people(build):
    tenant = build.tenant("acme")
    return {"vendor_admin": build.admin(), "grader": build.grader(tenant), "client_manager": build.manager(tenant)}


@pytest.mark.parametrize("role, home", [
    ("vendor_admin", "/admin/tenants"),
    ("grader", "/grading/queue"),
    ("client_manager", "/t/acme/"),
])
def test_each_role_lands_on_its_home(people, client, role, home):
    response = log_in(client, people[role])
    assert response.status_code == 302
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200
    assert client.get("/").headers["Location"] == home


def test_logout_ends_the_session(people, client):
    log_in(client, people["vendor_admin"])
    response = client.post("/logout")
    assert response.headers["Location"] == "/login"
    assert "You are logged out." in client.get("/login").get_data(as_text=True)
    assert client.get("/admin/tenants").headers["Location"].startswith("/login")


@pytest.mark.parametrize("email, password", [
    ("known", "wrong password"),
    ("nobody@example.com", PASSWORD),
], ids=["wrong password", "unknown e-mail"])
def test_wrong_credentials_are_refused_with_a_message(people, client, email, password):
    email = people["grader"].email if email == "known" else email
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 422
    assert "Wrong e-mail or password" in response.get_data(as_text=True)
    assert client.get("/grading/queue").status_code == 302


def test_an_inactive_user_cannot_log_in(build, client):
    user = build.grader()
    user.active = False
    db.session.commit()
    response = log_in(client, user)
    assert response.status_code == 422
    assert "the account is disabled" in response.get_data(as_text=True)


def test_login_attempts_are_rate_limited(app, people, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    for _ in range(3):
        assert log_in(client, people["grader"], "wrong password").status_code == 422
    response = log_in(client, people["grader"])
    assert response.status_code == 429
    assert "Too Many Requests" in response.get_data(as_text=True)


def test_the_session_cookie_is_httponly_and_samesite(people, client):
    response = log_in(client, people["vendor_admin"])
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_cookies_are_secure_in_production(tmp_path):
    config = load_config(str(tmp_path), {"APP_ENV": "production", "SECRET_KEY": "x" * 32})
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


@pytest.mark.parametrize("target", ["//evil.com", "https://evil.com/admin", "/\\evil.com", "evil.com"])
def test_login_never_redirects_off_site(people, client, target):
    location = log_in(client, people["vendor_admin"], next_=target).headers["Location"]
    # A browser reads "//host" and "/\\host" as another site; an escaped "/%5C..." is a path here.
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert location in ("/admin/tenants", "/%5Cevil.com")


def test_login_returns_to_the_page_asked_for(people, client):
    response = log_in(client, people["vendor_admin"], next_="/admin/users?role=grader")
    assert response.headers["Location"] == "/admin/users?role=grader"


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_csrf_protects_every_form(people, client, csrf_on):
    admin = people["vendor_admin"]
    refused = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert refused.status_code == 400
    assert "Reload the page" in refused.get_data(as_text=True)

    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_csrf_token_travels_in_the_htmx_header(build, people, client, csrf_on):
    grader = people["grader"]
    build.tenant("bolt", name="Bolt Telecom")
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/login", data={"email": people["vendor_admin"].email, "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/admin/users/{grader.id}").get_data(as_text=True)
    header = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1)
    url = f"/admin/users/{grader.id}/certifications"

    without = client.post(url, data={"tenant": "bolt"}, headers={"HX-Request": "true"})
    with_token = client.post(url, data={"tenant": "bolt"}, headers={"HX-Request": "true", "X-CSRFToken": header})

    assert without.status_code == 400
    assert with_token.status_code == 200
    assert "Bolt Telecom" in with_token.get_data(as_text=True)
