"""Weak passwords are refused everywhere a password is set, saying why; a user changes their own."""

from __future__ import annotations

import pytest

from tests.builders import PASSWORD
from vendor_qa.auth.models import User
from vendor_qa.auth.passwords import verify_password
from vendor_qa.extensions import db

WEAK = [
    ("short pw", "at least 12 characters"),
    ("qwerty123456", "one of the most common passwords"),
    ("passwordpassword", "too easy to guess"),
]
WEAK_IDS = ["short", "common", "guessable"]


@pytest.mark.parametrize("password, message", WEAK, ids=WEAK_IDS)
def test_the_user_create_form_refuses_weak_passwords(build, client, login, password, message):
    login(build.admin())
    response = client.post("/admin/users/new", data={
        "email": "new@example.com", "role": "vendor_admin", "password": password})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).lower()
    assert db.session.query(User).filter_by(email="new@example.com").count() == 0


@pytest.mark.parametrize("password, message", WEAK, ids=WEAK_IDS)
def test_the_cli_refuses_weak_passwords(build, runner, password, message):
    result = runner.invoke(args=["users", "create", "--email", "new@example.com", "--password", password,
                                 "--role", "vendor_admin"])
    assert result.exit_code != 0
    assert message in result.output


def test_a_password_made_of_the_users_name_is_refused(build, runner):
    result = runner.invoke(args=["users", "create", "--email", "ingeborg.vestli@example.com",
                                 "--password", "ingeborgvestli", "--role", "vendor_admin"])
    assert result.exit_code != 0 and "too easy to guess" in result.output


def change(client, current=PASSWORD, new="a fresh passphrase here", confirm=None):
    return client.post("/account/password", data={
        "current_password": current, "new_password": new, "confirm": confirm or new})


@pytest.mark.parametrize("password, message", WEAK, ids=WEAK_IDS)
def test_the_password_change_refuses_weak_passwords(build, client, login, password, message):
    user = build.grader()
    login(user)
    response = change(client, new=password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True).lower()
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize("fields, message", [
    ({"current": "not my password"}, "This is not your current password."),
    ({"confirm": "something else entirely"}, "The two new passwords differ"),
], ids=["wrong current", "confirm differs"])
def test_the_password_change_says_what_is_wrong(build, client, login, fields, message):
    login(build.grader())
    response = change(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_a_user_changes_their_password_and_their_other_sessions_end(app, build, client, login):
    user = build.grader()
    other_device = app.test_client()
    other_device.post("/login", data={"email": user.email, "password": PASSWORD})
    login(user)

    response = change(client)

    assert response.status_code == 302
    assert "Password changed" in client.get("/grading/queue").get_data(as_text=True)  # this session goes on
    assert other_device.get("/grading/queue").headers["Location"].startswith("/login")
    client.post("/logout")
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 422
    assert client.post("/login", data={"email": user.email,
                                       "password": "a fresh passphrase here"}).status_code == 302


def test_the_password_page_needs_a_login(client):
    assert client.get("/account/password").headers["Location"].startswith("/login")
