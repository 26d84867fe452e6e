"""Server-side session validity: a copied session cookie stops working when the session ends.

Each test logs a user in, copies the session cookie into a second client (a stolen cookie, or
another device), and checks which of the two still gets in after the event.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.builders import PASSWORD
from vendor_qa import clock
from vendor_qa.extensions import db

ADMIN_HOME = "/admin/tenants"


@pytest.fixture
def copy_session(app):
    """A fresh client holding a copy of `client`'s session cookie."""
    def _copy(client):
        thief = app.test_client()
        thief.set_cookie("session", client.get_cookie("session").value)
        return thief

    return _copy


def logged_in(app, user):
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def is_in(client, page: str) -> bool:
    response = client.get(page)
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


def test_a_copied_cookie_works_until_logout(app, build, copy_session):
    user = build.admin()
    client = logged_in(app, user)
    thief = copy_session(client)
    assert is_in(thief, ADMIN_HOME)

    client.post("/logout")

    assert not is_in(thief, ADMIN_HOME)
    assert not is_in(client, ADMIN_HOME)


def test_logout_ends_the_sessions_on_other_devices_too(app, build):
    user = build.admin()
    laptop, phone = logged_in(app, user), logged_in(app, user)
    phone.post("/logout")
    assert not is_in(laptop, ADMIN_HOME)


def test_an_admin_password_reset_ends_the_users_sessions(app, build, copy_session):
    admin, grader = build.admin(), build.grader()
    thief = copy_session(logged_in(app, grader))
    assert is_in(thief, "/grading/queue")

    response = logged_in(app, admin).post(f"/admin/users/{grader.id}/edit", data={
        "name": grader.name, "active": "y", "password": "a brand new passphrase"})
    assert response.status_code == 302

    assert not is_in(thief, "/grading/queue")


def test_deactivating_the_user_ends_their_sessions_and_reactivating_does_not_revive_them(app, build, copy_session):
    admin, grader = build.admin(), build.grader()
    thief = copy_session(logged_in(app, grader))
    admin_client = logged_in(app, admin)

    admin_client.post(f"/admin/users/{grader.id}/deactivate")
    assert not is_in(thief, "/grading/queue")
    admin_client.post(f"/admin/users/{grader.id}/activate")
    assert not is_in(thief, "/grading/queue")


def test_deactivating_the_tenant_ends_its_managers_sessions_and_logins(app, build, copy_session):
    tenant = build.tenant("acme")
    manager = build.manager(tenant)
    thief = copy_session(logged_in(app, manager))
    assert is_in(thief, "/t/acme/")

    tenant.active = False
    db.session.commit()

    assert not is_in(thief, "/t/acme/")
    refused = app.test_client().post("/login", data={"email": manager.email, "password": PASSWORD})
    assert refused.status_code == 422
    assert "the account is disabled" in refused.get_data(as_text=True)

    tenant.active = True
    db.session.commit()
    assert not is_in(thief, "/t/acme/")  # the old cookie stays dead
    assert is_in(logged_in(app, manager), "/t/acme/")


def test_moving_a_manager_to_another_tenant_ends_their_sessions(app, build, copy_session):
    acme = build.tenant("acme")
    build.tenant("bolt")
    manager = build.manager(acme)
    thief = copy_session(logged_in(app, manager))

    response = logged_in(app, build.admin()).post(f"/admin/users/{manager.id}/edit", data={
        "name": manager.name, "active": "y", "tenant": "bolt"})
    assert response.status_code == 302

    assert not is_in(thief, "/t/acme/")
    assert not is_in(thief, "/t/bolt/")


def test_a_role_change_ends_the_users_sessions(app, build, copy_session):
    # No page changes a role yet; whatever code does, the change ends the sessions at flush.
    grader = build.grader()
    thief = copy_session(logged_in(app, grader))
    grader.role = "vendor_admin"
    db.session.commit()
    assert not is_in(thief, ADMIN_HOME)


def test_a_name_change_keeps_the_sessions(app, build, copy_session):
    user = build.admin()
    thief = copy_session(logged_in(app, user))
    user.name = "Someone Else"
    db.session.commit()
    assert is_in(thief, ADMIN_HOME)


def test_a_vendor_admin_ends_a_users_sessions(app, build, copy_session):
    grader = build.grader()
    laptop = logged_in(app, grader)
    thief = copy_session(laptop)
    admin_client = logged_in(app, build.admin())
    page = admin_client.get(f"/admin/users/{grader.id}").get_data(as_text=True)
    assert f"/admin/users/{grader.id}/end-sessions" in page

    response = admin_client.post(f"/admin/users/{grader.id}/end-sessions")

    assert response.headers["Location"] == f"/admin/users/{grader.id}"
    assert "Every session of" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert not is_in(thief, "/grading/queue")
    assert not is_in(laptop, "/grading/queue")
    assert is_in(logged_in(app, grader), "/grading/queue")


def test_only_vendor_admins_end_sessions(app, build):
    grader, other = build.grader(), build.grader()
    response = logged_in(app, grader).post(f"/admin/users/{other.id}/end-sessions")
    assert response.status_code == 403


def test_a_session_idle_too_long_ends(app, build, time_machine, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    client = logged_in(app, build.admin())

    time_machine.move_to(clock.now() + timedelta(minutes=29))
    assert is_in(client, ADMIN_HOME)  # a request resets the idle clock
    time_machine.move_to(clock.now() + timedelta(minutes=29))
    assert is_in(client, ADMIN_HOME)
    time_machine.move_to(clock.now() + timedelta(minutes=31))

    assert not is_in(client, ADMIN_HOME)
    assert "after 30 minutes without activity" in client.get("/login").get_data(as_text=True)


def test_a_board_polling_by_itself_does_not_keep_an_idle_session_alive(app, build, time_machine, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    client = logged_in(app, build.admin())
    poll = {"HX-Request": "true", "X-Background": "poll"}  # what static/js/app.js sends for hx-trigger="every Ns"

    time_machine.move_to(clock.now() + timedelta(minutes=20))
    assert client.get(ADMIN_HOME, headers=poll).status_code == 200  # served, but not activity
    time_machine.move_to(clock.now() + timedelta(minutes=15))

    assert client.get(ADMIN_HOME, headers=poll).status_code != 200  # 35 minutes since the user's last request
    assert not is_in(client, ADMIN_HOME)


def test_a_cookie_of_the_old_format_is_no_session(app, build):
    user = build.admin()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["seen"] = clock.now().timestamp()
    assert not is_in(client, ADMIN_HOME)


def test_the_idle_time_is_read_from_the_environment(tmp_path):
    from vendor_qa.config import ConfigError, load_config

    assert load_config(str(tmp_path), {"APP_ENV": "testing"})["SESSION_IDLE_MINUTES"] == 60
    assert load_config(str(tmp_path), {"APP_ENV": "testing", "SESSION_IDLE_MINUTES": "15"})["SESSION_IDLE_MINUTES"] == 15
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES"):
        load_config(str(tmp_path), {"APP_ENV": "testing", "SESSION_IDLE_MINUTES": "0"})
