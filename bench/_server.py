"""The web server as production runs it, for benchmarks that measure through HTTP.

`serve` starts the Procfile's `web` command (gunicorn, its worker class, workers and threads)
on a free port of this machine, waits until `/healthz` answers, and stops it afterwards.

Not a benchmark itself: bench/run.py skips files whose names start with "_".
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests

from bench._harness import check

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_command() -> str:
    """The Procfile's `web` line, as a platform that reads the Procfile runs it."""
    found = re.search(r"^web:\s*(.+)$", (ROOT / "Procfile").read_text(), re.MULTILINE)
    check(found is not None, "the Procfile has no web line")
    return found.group(1)


@contextmanager
def serve(database_url: str, **settings: str) -> Iterator[str]:
    """gunicorn on `database_url` with these settings (environment variables) added; yields its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(port),
           "PATH": f"{ROOT / '.venv/bin'}{os.pathsep}{os.environ.get('PATH', '')}", **settings}
    # A process group of its own, so that stopping it stops every gunicorn worker too.
    server = subprocess.Popen(["bash", "-c", f"exec {web_command()} --log-level warning"], cwd=ROOT, env=env,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(server, base)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_ready(server: subprocess.Popen, base: str) -> None:
    for _ in range(300):
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or its workers still starting
            pass
        check(server.poll() is None, f"gunicorn ended with status {server.returncode} before answering")
        time.sleep(0.1)
    check(False, "gunicorn did not answer /healthz within 30 s")
