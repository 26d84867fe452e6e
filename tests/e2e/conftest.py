"""Browser tests: the session's app served over HTTP, Debian's Chromium driven by Playwright.

Playwright cannot download its own browsers here, so it drives the system
Chromium. Without it the browser tests are skipped on a developer machine
and fail in CI (CI=true), where they are required.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from tests import builders
from tests.conftest import IN_CI
from vendor_qa import clock

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PROJECT_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 15_000
WORKER_START_SECONDS = 30


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The test app on a free port of 127.0.0.1, served by threads; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def worker(app, tmp_path) -> Iterator[subprocess.Popen]:
    """A real RQ worker process (`flask worker`) on the test database and Redis, on the suite's clock."""
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        command = [sys.executable, "-m", "tests.clocked", clock.now().isoformat(), "--app", "wsgi", "worker"]
        process = subprocess.Popen(command,
                                   cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    try:
        _wait_until_listening(app, process, log_path)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_listening(app, process: subprocess.Popen, log_path: Path) -> None:
    # A job enqueued before the worker registered would still run, but a worker that
    # crashes at start-up should fail the test here, with its output, not as a timeout later.
    from rq import Worker

    from vendor_qa.jobs import QUEUE_NAME
    from vendor_qa.redis_store import get_redis

    deadline = time.monotonic() + WORKER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the worker exited with {process.returncode}:\n{log_path.read_text()}")
        workers = Worker.all(connection=get_redis(app))
        if any(QUEUE_NAME in w.queue_names() for w in workers):
            return
        time.sleep(0.2)
    pytest.fail(f"the worker did not start within {WORKER_START_SECONDS}s:\n{log_path.read_text()}")


@pytest.fixture
def page(browser, live_server, request, tmp_path_factory):
    """A fresh browser context (no cookies) per test; a screenshot of its last state is kept."""
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    try:
        tab.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def log_in(page) -> Callable:
    """Log a user in through the real login form and wait until the site has let them in."""

    def _log_in(user, password: str = builders.PASSWORD):
        page.goto("/login")
        page.get_by_label("E-mail").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return _log_in
