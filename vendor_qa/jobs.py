"""Background jobs on RQ: the queue, enqueueing with retries, the worker, the cron scheduler.

Jobs take ids and a period, never ORM objects; each sets its tenant context
itself (see `tenant_job`) and is safe to run again. Work is enqueued through the
outbox (vendor_qa.work.outbox), in the transaction that creates it; `enqueue`
here is the relay's last step.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from rq import Queue, Retry, SimpleWorker

from vendor_qa.extensions import db
from vendor_qa.redis_store import get_redis
from vendor_qa.tenants.scoping import tenant_scope
from vendor_qa.work import liveness
from vendor_qa.work.scheduler import OneScheduler

QUEUE_NAME = "vendor_qa"
DEFAULT_TIMEOUT = 600
DEFAULT_RETRY = Retry(max=3, interval=[10, 60, 300])

log = logging.getLogger(__name__)

# (function, cron expression or None, interval seconds or None, kwargs) filled by each package.
CRON_JOBS: list[tuple[Callable[..., Any], str | None, int | None, dict[str, Any]]] = []


def queue() -> Queue:
    return Queue(QUEUE_NAME, connection=get_redis())


def enqueue(func: Callable[..., Any], *args: Any, timeout: int = DEFAULT_TIMEOUT,
            retry: Retry | None = DEFAULT_RETRY, **kwargs: Any):
    return queue().enqueue(func, *args, job_timeout=timeout, retry=retry, **kwargs)


def tenant_job(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a job function with its tenant context set from its first argument, tenant_id.

    Works in the worker (which holds an app context) and when called directly
    from a CLI command or a test.
    """

    @functools.wraps(func)
    def wrapper(tenant_id: int, *args: Any, **kwargs: Any) -> Any:
        with tenant_scope(tenant_id):
            try:
                return func(tenant_id, *args, **kwargs)
            finally:
                db.session.remove()

    return wrapper


def cron(expression: str | None = None, *, every: int | None = None, **kwargs: Any):
    """Register a function with the scheduler: a cron expression (UTC) or an interval in seconds."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        CRON_JOBS.append((func, expression, every, kwargs))
        return func

    return register


class AppWorker(SimpleWorker):
    """Runs jobs in the worker process itself, inside the app context it was started in.

    SimpleWorker rather than a forking worker: the database pool is not
    shared across a fork, and each job closes its session when done.
    """


def register_commands(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(scheduler_command)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker for vendor_qa's queue."""
    from vendor_qa.work import outbox, sweeper

    worker = AppWorker([QUEUE_NAME], connection=get_redis())
    liveness.beat(worker.connection, worker.name)
    # Work left behind while no worker ran: what Redis did not take, what a dead worker held.
    try:
        sweeper.sweep()
        outbox.relay()
    except Exception:
        log.exception("relay and sweep at worker start failed; the scheduler's run retries them")
        db.session.rollback()
    db.session.remove()
    click.echo(f"worker {worker.name} listening on {QUEUE_NAME}")
    # RQ's retries after their backoff are enqueued by the one scheduler (vendor_qa.work.scheduler).
    worker.work(burst=burst, with_scheduler=False, logging_level="INFO")


def build_scheduler(app: Flask) -> OneScheduler:
    from vendor_qa.work import sweeper  # noqa: F401  (registers the relay and sweep with the cron jobs)

    scheduler = OneScheduler(get_redis(app), QUEUE_NAME)
    for func, expression, every, kwargs in CRON_JOBS:
        scheduler.register(func, QUEUE_NAME, cron=expression, interval=every,
                           job_timeout=DEFAULT_TIMEOUT, **kwargs)
    return scheduler


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the cron scheduler with the jobs registered in code (one at a time: the others wait)."""
    scheduler = build_scheduler(current_app._get_current_object())
    click.echo(f"scheduler with {len(CRON_JOBS)} cron job(s)")
    scheduler.start()
