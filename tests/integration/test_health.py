"""/healthz says the process is alive; /readyz says whether it can serve, and if not, why.

Faults are made on apps of their own: a database stamped at an older revision, Redis and the
database on closed ports of 127.0.0.1 (with passwords in their URLs, which must not show).
"""

from __future__ import annotations

import socket

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp

from vendor_qa import create_app


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def heads_and_previous(app) -> tuple[str, str]:
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        head = script.get_revision(script.get_current_head())
    return head.revision, head.down_revision


@pytest.fixture
def app_with(own_limiter):
    """Apps of a test's own (the limiter, one object for all apps, is put back after the test)."""
    def make(database_url: str, redis_url: str):
        return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "SERVER_NAME": None})

    return make


def assert_never_cached(response) -> None:
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert_never_cached(response)


def test_readyz_on_a_healthy_app_lists_each_check(app, client):
    head, _ = heads_and_previous(app)

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {
        "database": {"ok": True}, "redis": {"ok": True}, "migrations": {"ok": True, "revision": head}}}
    assert_never_cached(response)


def test_a_database_at_an_older_revision_is_not_ready(app, app_with, redis_url, tmp_path):
    head, previous = heads_and_previous(app)
    behind = app_with(f"sqlite:///{tmp_path / 'behind.db'}", redis_url)
    with behind.app_context():
        stamp(revision=previous)

    response = behind.test_client().get("/readyz")

    assert response.status_code == 503
    checks = response.json["checks"]
    assert response.json["status"] == "unavailable"
    assert checks["database"] == checks["redis"] == {"ok": True}
    assert checks["migrations"]["ok"] is False
    assert previous in checks["migrations"]["error"] and head in checks["migrations"]["error"]
    assert_never_cached(response)


def test_a_database_never_migrated_is_not_ready(app_with, redis_url, tmp_path):
    response = app_with(f"sqlite:///{tmp_path / 'empty.db'}", redis_url).test_client().get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"]["migrations"]["ok"] is False
    assert "revision none" in response.json["checks"]["migrations"]["error"]


def test_redis_unreachable_is_not_ready_and_its_password_never_shows(app, app_with, database_url):
    port = closed_port()
    unreachable = app_with(database_url, f"redis://:s3cret-redis@127.0.0.1:{port}/0")

    response = unreachable.test_client().get("/readyz")

    assert response.status_code == 503
    checks = response.json["checks"]
    assert checks["database"] == {"ok": True} and checks["migrations"]["ok"] is True
    assert checks["redis"]["ok"] is False
    assert checks["redis"]["error"].startswith("ConnectionError: ")
    assert str(port) in checks["redis"]["error"]  # where it looked, for the operator
    assert "s3cret" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_with_database_and_redis_down_healthz_stays_up_and_readyz_names_both(app_with, path):
    port = closed_port()
    down = app_with(f"postgresql+psycopg://vqa:s3cret-db@127.0.0.1:{port}/vqa",
                    f"redis://:s3cret-redis@127.0.0.1:{port}/0")

    response = down.test_client().get(path)

    assert "s3cret" not in response.get_data(as_text=True)
    assert_never_cached(response)
    if path == "/healthz":
        assert response.status_code == 200  # it never asked the database or Redis
        return
    assert response.status_code == 503
    assert {name for name, check in response.json["checks"].items() if not check["ok"]} == \
        {"database", "redis", "migrations"}
    assert response.json["checks"]["database"]["error"].startswith("OperationalError: ")


def test_a_reason_that_quotes_a_url_has_its_credentials_blanked(client, monkeypatch):
    def refused():
        raise ConnectionError("cannot reach redis://:s3cret@cache.internal:6379/0")

    monkeypatch.setattr("vendor_qa.health.get_redis", refused)
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json["checks"]["redis"] == {
        "ok": False, "error": "ConnectionError: cannot reach redis://***@cache.internal:6379/0"}
