"""The TOTP second factor: enrolment, login with a right, wrong or replayed code, the tenant's rule."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from tests.builders import PASSWORD
from vendor_qa import clock
from vendor_qa.extensions import db


def code(secret: str, at=None) -> str:
    return pyotp.TOTP(secret).at(at or clock.now())


def password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def enrol(client) -> str:
    page = client.get("/account/second-factor").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    assert "otpauth://totp/vendor_qa:" in page and "<svg" in page
    response = client.post("/account/second-factor", data={"code": code(secret)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return secret


@pytest.fixture
def enrolled_admin(build, client, login, time_machine):
    admin = build.admin()
    login(admin)
    secret = enrol(client)
    client.post("/logout")
    time_machine.move_to(clock.now() + timedelta(seconds=90))  # past the enrolment code's steps
    return admin, secret


def test_a_vendor_admin_enrols_and_then_logs_in_with_a_code(client, enrolled_admin):
    admin, secret = enrolled_admin
    response = password_step(client, admin)
    assert response.headers["Location"] == "/login/code"
    assert client.get("/admin/tenants").headers["Location"].startswith("/login")  # not in yet

    response = client.post("/login/code", data={"code": code(secret)})

    assert response.headers["Location"] == "/admin/tenants"
    assert client.get("/admin/tenants").status_code == 200


@pytest.mark.parametrize("typed, message", [
    ("000000", "Wrong code"),
    ("12ab", "The code is 6 digits"),
    ("", "Enter the 6-digit code"),
])
def test_a_wrong_code_is_refused_saying_why(client, enrolled_admin, typed, message):
    admin, secret = enrolled_admin
    if typed == "000000" and code(secret) == "000000":
        typed = "111111"
    password_step(client, admin)
    response = client.post("/login/code", data={"code": typed})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert client.get("/admin/tenants").headers["Location"].startswith("/login")


def test_a_code_works_once(app, client, enrolled_admin):
    admin, secret = enrolled_admin
    used = code(secret)
    password_step(client, admin)
    assert client.post("/login/code", data={"code": used}).status_code == 302

    other = app.test_client()
    password_step(other, admin)
    response = other.post("/login/code", data={"code": used})
    assert response.status_code == 422
    assert "a code used already" in response.get_data(as_text=True)


def test_the_code_step_needs_the_password_step_and_expires(client, enrolled_admin, time_machine):
    admin, secret = enrolled_admin
    assert client.get("/login/code").headers["Location"] == "/login"
    password_step(client, admin)
    time_machine.move_to(clock.now() + timedelta(minutes=6))
    response = client.post("/login/code", data={"code": code(secret)})
    assert response.headers["Location"] == "/login"


def test_a_wrong_enrolment_code_leaves_the_second_factor_off(build, client, login):
    admin = build.admin()
    login(admin)
    client.get("/account/second-factor")
    response = client.post("/account/second-factor", data={"code": "000001"})
    assert response.status_code == 422
    assert "Wrong code" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.totp_secret is None


def test_graders_are_not_offered_a_second_factor(build, client, login):
    login(build.grader())
    assert client.get("/account/second-factor").status_code == 403


def test_a_tenant_that_requires_it_makes_its_managers_enrol_at_login(build, client, login, time_machine):
    tenant = build.tenant("acme")
    manager = build.manager(tenant)
    login(build.admin())
    response = client.post(f"/admin/tenants/{tenant.id}/edit", data={
        "name": tenant.name, "timezone": "UTC", "active": "y", "require_second_factor": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.refresh(tenant)
    assert tenant.setting("require_second_factor") is True
    client.post("/logout")

    assert password_step(client, manager).headers["Location"] == "/login/code"
    assert client.get("/login/code").headers["Location"] == "/login/enrol"
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "Your company requires a code" in page
    secret = re.search(r"<code>([A-Z2-7]{32})</code>", page).group(1)
    wrong = client.post("/login/enrol", data={"code": "12345"})
    assert wrong.status_code == 422 and "The code is 6 digits" in wrong.get_data(as_text=True)

    response = client.post("/login/enrol", data={"code": code(secret)})

    assert response.headers["Location"] == "/t/acme/"
    assert client.get("/t/acme/").status_code == 200
    db.session.refresh(manager)
    assert manager.totp_secret == secret

    client.post("/logout")
    time_machine.move_to(clock.now() + timedelta(seconds=90))
    password_step(client, manager)
    assert client.post("/login/code", data={"code": code(secret)}).headers["Location"] == "/t/acme/"


def test_managers_of_other_tenants_log_in_with_the_password_alone(build, client):
    build.tenant("strict", settings={"require_second_factor": True})
    manager = build.manager(build.tenant("relaxed"))
    assert password_step(client, manager).headers["Location"] == "/t/relaxed/"


def test_a_user_turns_the_second_factor_off_with_password_and_code(app, client, enrolled_admin, time_machine):
    admin, secret = enrolled_admin
    password_step(client, admin)
    client.post("/login/code", data={"code": code(secret)})
    time_machine.move_to(clock.now() + timedelta(seconds=90))  # the login's code is used up
    page = client.get("/account/second-factor").get_data(as_text=True)
    assert "Turn it off" in page

    wrong = client.post("/account/second-factor/off", data={"password": "not it", "code": code(secret)})
    assert wrong.status_code == 422 and "This is not your password" in wrong.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.totp_secret == secret

    response = client.post("/account/second-factor/off", data={"password": PASSWORD, "code": code(secret)})

    assert response.status_code == 302
    db.session.refresh(admin)
    assert admin.totp_secret is None
    client.post("/logout")
    assert password_step(client, admin).headers["Location"] == "/admin/tenants"  # the password alone again


def test_a_manager_whose_tenant_requires_it_cannot_turn_it_off_and_an_admin_resets_it(app, build, client, time_machine):
    tenant = build.tenant("acme", settings={"require_second_factor": True})
    manager = build.manager(tenant)
    secret = manager.totp_secret = pyotp.random_base32()
    db.session.commit()
    password_step(client, manager)
    assert client.post("/login/code", data={"code": code(secret)}).headers["Location"] == "/t/acme/"
    assert "Turn it off" not in client.get("/account/second-factor").get_data(as_text=True)

    refused = client.post("/account/second-factor/off", data={"password": PASSWORD, "code": code(secret)},
                          follow_redirects=True)
    assert "Your company requires a second factor: it stays on" in refused.get_data(as_text=True)
    db.session.refresh(manager)
    assert manager.totp_secret == secret

    admin = app.test_client()
    admin.post("/login", data={"email": build.admin().email, "password": PASSWORD})
    assert "Reset second factor" in admin.get(f"/admin/users/{manager.id}").get_data(as_text=True)
    response = admin.post(f"/admin/users/{manager.id}/reset-second-factor", follow_redirects=True)

    assert "The second factor of" in response.get_data(as_text=True)
    db.session.refresh(manager)
    assert manager.totp_secret is None
    assert client.get("/t/acme/").status_code == 302  # the lost phone's sessions ended
    time_machine.move_to(clock.now() + timedelta(seconds=90))
    password_step(client, manager)
    assert client.get("/login/code").headers["Location"] == "/login/enrol"  # set up again at once
