"""The login's limits: per client address, per account (failures only, a lockout that slides away),
Argon2 checks bounded per machine (over every web process), and logging in without Redis.

Limits are read from the app's config at each request, so a test sets its own on the session's app.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.builders import PASSWORD
from tests.integration.test_health import closed_port
from vendor_qa import clock, create_app
from vendor_qa.auth import passwords
from vendor_qa.extensions import db


def post_login(client, email: str, password: str, address: str = "198.51.100.1"):
    return client.post("/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def test_failed_logins_to_one_account_from_many_addresses_lock_it_for_the_window_only(
        app, client, build, limits, time_machine):
    limits(LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes")
    victim, other = build.user(), build.user()
    for n in range(3):
        assert post_login(client, victim.email, "wrong", f"203.0.113.{n}").status_code == 422

    refused = post_login(client, victim.email, PASSWORD, "203.0.113.99")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Too many failed logins to this account" in page and "Try again in 15 minutes" in page
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert post_login(client, other.email, PASSWORD).status_code == 302  # only that account

    time_machine.move_to(clock.now() + timedelta(minutes=15, seconds=2), tick=True)
    assert post_login(client, victim.email, PASSWORD).status_code == 302


def test_refused_attempts_do_not_extend_the_lockout(app, client, build, limits, time_machine):
    limits(LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes")
    user = build.user()
    for _ in range(2):
        post_login(client, user.email, "wrong")
    time_machine.move_to(clock.now() + timedelta(minutes=10), tick=True)
    for _ in range(5):
        assert post_login(client, user.email, "wrong").status_code == 429

    time_machine.move_to(clock.now() + timedelta(minutes=5, seconds=2), tick=True)
    assert post_login(client, user.email, PASSWORD).status_code == 302


def test_successful_logins_do_not_count_and_the_email_is_normalised(app, client, build, limits):
    limits(LOGIN_ACCOUNT_RATE_LIMIT="2 per 15 minutes")
    user = build.user(email="alice@example.com")
    for _ in range(4):
        assert post_login(client, user.email, PASSWORD).status_code == 302
        client.post("/logout")
    post_login(client, "  Alice@Example.COM ", "wrong")
    post_login(client, "alice@example.com", "wrong")
    assert post_login(client, "ALICE@example.com", PASSWORD).status_code == 429


def test_one_address_is_limited_whatever_accounts_it_tries(app, client, build, limits):
    limits(LOGIN_RATE_LIMIT="3 per minute")
    for n in range(3):
        assert post_login(client, f"nobody{n}@example.com", "wrong", "192.0.2.7").status_code == 422
    refused = post_login(client, "nobody9@example.com", "wrong", "192.0.2.7")
    assert refused.status_code == 429 and "Too many logins from your address" in refused.get_data(as_text=True)
    assert post_login(client, "nobody9@example.com", "wrong", "192.0.2.8").status_code == 422
    assert client.get("/login", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200  # the form still shows


def test_a_refusal_reaches_htmx_as_a_fragment(app, client, build, limits):
    limits(LOGIN_RATE_LIMIT="1 per minute")
    post_login(client, "x@example.com", "wrong")
    refused = client.post("/login", data={"email": "x@example.com", "password": "wrong"},
                          headers={"HX-Request": "true"}, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "<html" not in body and "Too many logins from your address" in body


def test_when_every_argon2_turn_is_taken_a_login_is_refused_fast_and_not_counted(app, client, build, limits):
    # No wait at all: a timed wait never ends under the shifted-clock CI pass (libfaketime).
    limits(LOGIN_ACCOUNT_RATE_LIMIT="1 per 15 minutes", PASSWORD_CHECK_WAIT_SECONDS=0)
    user = build.user()
    with app.app_context(), passwords._turn():  # the machine's only turn (PASSWORD_CHECKS_AT_ONCE=1)
        busy = post_login(client, user.email, PASSWORD)
    assert busy.status_code == 503 and "Retry-After" in busy.headers
    assert "Try again in a few seconds" in busy.get_data(as_text=True)
    assert post_login(client, user.email, PASSWORD).status_code == 302


# Another web process: takes the turn's lock, says so, and holds it until it is killed.
HOLDER = """
import fcntl, os, sys, time
descriptor = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(descriptor, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(600)
"""


def test_the_argon2_turn_is_shared_with_every_process_and_freed_when_its_holder_dies(app, client, build, limits):
    limits(PASSWORD_CHECK_WAIT_SECONDS=0)
    user = build.user()
    turn = Path(app.config["PASSWORD_TURNS_DIR"]) / "turn-0.lock"
    turn.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(turn)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert post_login(client, user.email, PASSWORD).status_code == 503
    finally:
        holder.kill()
        holder.wait()
    assert post_login(client, user.email, PASSWORD).status_code == 302


def test_an_unknown_account_costs_the_same_argon2_check(app, client, monkeypatch):
    checked = []

    class Hasher:
        def verify(self, hash_, password):
            checked.append(hash_)
            return False

    monkeypatch.setattr(passwords, "_hasher", Hasher())
    assert post_login(client, "nobody@example.com", "wrong").status_code == 422
    assert checked == [passwords._DUMMY_HASH]


def test_login_works_and_is_still_limited_when_redis_is_down(own_limiter, database_url, build):
    user = build.user()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SERVER_NAME": None, "WTF_CSRF_ENABLED": False,
                      "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0", "LOGIN_RATE_LIMIT": "2 per minute"})
    client = app.test_client()

    assert post_login(client, user.email, PASSWORD).status_code == 302
    client.post("/logout")
    assert post_login(client, user.email, "wrong").status_code == 422
    assert post_login(client, user.email, PASSWORD).status_code == 429  # counted in memory meanwhile


def test_second_factor_codes_are_limited_per_account_whatever_the_address(app, build, limits):
    import pyotp

    limits(LOGIN_ACCOUNT_RATE_LIMIT="3 per 15 minutes")
    user = build.admin()
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    for n in range(3):
        client = app.test_client()  # a new address and a new session each time: only the account is common
        post_login(client, user.email, PASSWORD, f"203.0.113.{n}")
        wrong = client.post("/login/code", data={"code": "000000"}, environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
        assert wrong.status_code in (422, 429)

    client = app.test_client()
    refused = post_login(client, user.email, PASSWORD, "203.0.113.50")
    assert refused.status_code == 429
    assert "Too many failed logins to this account" in refused.get_data(as_text=True)
