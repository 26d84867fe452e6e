"""The fault suite's own Redis server and worker/scheduler processes, started and killed by pid.

Nothing here touches the machine's services: Redis is a `redis-server` of the suite's own on a
free port, without persistence (a restart loses everything, as a crashed Redis may), and the
workers and schedulers are `flask` processes on the suite's clock (tests/clocked.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from tests.conftest import IsolatedClient
from vendor_qa import clock, create_app

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 20


def wait_for(condition: Callable[[], object], seconds: float, what: str) -> object:
    """Poll with plain sleeps (timed waits hang under libfaketime) until `condition` is truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"not within {seconds}s: {what}")


class RedisServer:
    def __init__(self, folder: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        wait_for(lambda: self._pings(client), START_SECONDS, "redis-server answers")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()  # as a crash: nothing saved
            self.process.wait()

    @staticmethod
    def _pings(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fault_app(app, redis_server, tmp_path, own_limiter):
    """The application on the test database (migrated by `app`) and the suite's own Redis."""
    if redis_server.process.poll() is not None:
        redis_server.start()
    application = create_app({
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_server.url,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "OUTBOX_DIR": str(tmp_path / "mail"),
        "SERVER_NAME": None,
    })
    application.test_client_class = IsolatedClient
    yield application
    if redis_server.process.poll() is None:
        redis.Redis(port=redis_server.port).flushall()


@pytest.fixture
def processes(fault_app, tmp_path) -> Iterator[Callable[[str], subprocess.Popen]]:
    """Start `flask worker` / `flask scheduler` processes; each is killed at the end if still running."""
    started: list[subprocess.Popen] = []
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": fault_app.config["SQLALCHEMY_DATABASE_URI"],
           "REDIS_URL": fault_app.config["REDIS_URL"], "PYTHONUNBUFFERED": "1"}

    def start(role: str) -> subprocess.Popen:
        log = (tmp_path / f"{role}-{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.clocked", clock.now().isoformat(), "--app", "wsgi", role],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        process.log_path = log.name
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def kill_9(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
