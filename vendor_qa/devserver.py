"""`flask start`: web, RQ worker and cron scheduler together, for `make run`.

The web process owns the embedded Redis (when REDIS_URL is unset) and hands
its socket to the worker and the scheduler, so all three share one server;
stopping `flask start` stops all of them and the embedded Redis with them.

With `--demo` (`make run`) it first loads the demo's quick part into an empty database,
in this process: a newcomer's first page then waits for no further start of the app. And
before the worker starts, a demo history still to load gets its job again if none waits
for it (vendor_qa/demo/background.py): a start after a crash finishes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from vendor_qa.extensions import db
from vendor_qa.redis_store import redis_url

STOP_GRACE_SECONDS = 10


def _spawn(role: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", role], env=env)


def _stop(children: list[subprocess.Popen]) -> None:
    # Ctrl+C in a terminal reaches the children too; give them time to finish their own way.
    for child in children:
        try:
            child.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.terminate()
            child.wait(timeout=STOP_GRACE_SECONDS)


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(0)  # runs the `finally` that stops the children


@click.command("start")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", 5000)), show_default="5000 or $PORT")
@click.option("--demo", "with_demo", is_flag=True,
              help="First load the demo data if the database has no tenant, its history in the background.")
@with_appcontext
def start_command(host: str, port: int, with_demo: bool) -> None:
    """Run web, worker and scheduler in one terminal (development)."""
    from vendor_qa.demo.background import resume_history
    from vendor_qa.demo.cli import DEFAULT_VOLUME, database_is_empty, load_demo
    from vendor_qa.demo.people import print_logins

    app = current_app._get_current_object()
    env = {**os.environ, "REDIS_URL": redis_url(app)}
    if with_demo and database_is_empty():
        load_demo(DEFAULT_VOLUME, in_background=True)
    loading = resume_history()
    db.session.remove()  # no transaction left open in the process that serves for hours
    children = [_spawn("worker", env), _spawn("scheduler", env)]
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    click.echo(f"\nvendor_qa is running at http://{host}:{port}/  (Ctrl+C stops web, worker and scheduler)")
    print_logins()
    if loading:
        click.echo(f"The demo's graded history is loading in the background (week {loading.week} of {loading.of}); "
                   "pages say so until it is done.")
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        _stop(children)
