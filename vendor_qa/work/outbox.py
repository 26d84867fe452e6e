"""Enqueueing as part of the transaction that creates the work.

`schedule(func, *args, ...)` adds an OutboxEntry to the session: the job exists exactly
when the work that needs it was committed. Right after a commit that wrote entries, they
are relayed to RQ (`relay`); entries Redis could not take wait for the next relay, which
the scheduler runs every minute (vendor_qa.work.sweeper) and each worker runs at start.

Relaying is idempotent. A short claim in Redis (SET NX PX) keeps two relays off the same
entry, and a job id names the unit of work (`import-17`): while a job of that id waits
in the queue, an entry for it is marked relayed and adds nothing; while it runs, the
entry waits for it to end, since the running job may have read its state already.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import redis
from flask import has_app_context
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.jobs import DEFAULT_RETRY, DEFAULT_TIMEOUT, queue
from vendor_qa.redis_store import get_redis
from vendor_qa.work import liveness
from vendor_qa.work.models import OutboxEntry

log = logging.getLogger(__name__)

CLAIM_MS = 30_000  # long enough to enqueue one job; a relay that died frees its entries after this
BATCH = 500
ERROR_LENGTH = 500
_SESSION_KEY = "vendor_qa.outbox_ids"


def schedule(func: Callable[..., Any], *args: Any, job_id: str | None = None, timeout: int = DEFAULT_TIMEOUT,
             retry: Retry | None = DEFAULT_RETRY, **kwargs: Any) -> OutboxEntry:
    """Add the job to the session's transaction; it reaches RQ after the commit."""
    return schedule_call(f"{func.__module__}.{func.__name__}", list(args), kwargs, job_id=job_id, timeout=timeout,
                         retry=retry)


def schedule_call(func: str, args: list[Any], kwargs: dict[str, Any], *, job_id: str | None, timeout: int,
                  retry: Retry | None) -> OutboxEntry:
    """`schedule` for a function named by its dotted path (a job found in Redis, run again)."""
    entry = OutboxEntry(func=func, args=args, kwargs=kwargs, job_id=job_id, timeout=timeout,
                        retries=retry.max if retry else 0, retry_intervals=list(retry.intervals) if retry else [])
    db.session.add(entry)
    return entry


def relay(ids: Iterable[int] | None = None) -> int:
    """Hand the entries not relayed yet (all, or those of `ids`) to RQ; the number handed.

    Uses a connection of its own, so it can run right after a session's commit. Stops at
    the first Redis error: the entries wait for the next relay.
    """
    connection = get_redis()
    query = select(OutboxEntry).where(OutboxEntry.relayed_at.is_(None)).order_by(OutboxEntry.id).limit(BATCH)
    if ids is not None:
        query = query.where(OutboxEntry.id.in_(list(ids)))
    relayed = 0
    with Session(db.engine) as session:
        for entry in session.scalars(query).all():
            entry_id = entry.id
            try:
                relayed += _relay_entry(connection, session, entry)
            except redis.RedisError as error:
                session.rollback()
                _note_failure(session, entry_id, error)
                log.warning("outbox relay stopped, Redis unavailable: %s", error)
                break
    return relayed


def pending_job_ids() -> set[str]:
    """Job ids of the units of work whose entry waits for a relay."""
    return set(db.session.scalars(select(OutboxEntry.job_id).where(OutboxEntry.relayed_at.is_(None),
                                                                   OutboxEntry.job_id.is_not(None))))


def _relay_entry(connection: redis.Redis, session: Session, entry: OutboxEntry) -> int:
    claim = f"vendor_qa:outbox-claim:{entry.id}"
    if not connection.set(claim, 1, nx=True, px=CLAIM_MS):
        return 0  # another relay has it
    state = liveness.job_state(connection, entry.rq_job_id)
    if state == liveness.RUNNING:
        connection.delete(claim)
        return 0
    if state != liveness.WAITING:
        _discard(connection, entry.rq_job_id)
        retry = Retry(max=entry.retries, interval=entry.retry_intervals or 0) if entry.retries else None
        queue().enqueue_call(entry.func, args=tuple(entry.args), kwargs=entry.kwargs, timeout=entry.timeout,
                             job_id=entry.rq_job_id, retry=retry)
    session.execute(update(OutboxEntry).where(OutboxEntry.id == entry.id)
                    .values(relayed_at=clock.now(), attempts=OutboxEntry.attempts + 1, last_error=None))
    session.commit()
    return 1


def _discard(connection: redis.Redis, job_id: str) -> None:
    """Remove an ended or lost job of the same id, so that its id can be enqueued again."""
    try:
        Job.fetch(job_id, connection=connection).delete()
    except NoSuchJobError:
        pass


def _note_failure(session: Session, entry_id: int, error: Exception) -> None:
    session.execute(update(OutboxEntry).where(OutboxEntry.id == entry_id)
                    .values(attempts=OutboxEntry.attempts + 1, last_error=str(error)[:ERROR_LENGTH]))
    session.commit()


# --- relaying right after the commit ---------------------------------------------------------

def _remember_new_entries(session: Session, flush_context: Any) -> None:
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxEntry)]
    if ids:
        session.info.setdefault(_SESSION_KEY, []).extend(ids)


def _relay_committed(session: Session) -> None:
    ids = session.info.pop(_SESSION_KEY, None)
    if not ids or not has_app_context():  # a relay needs the app's Redis
        return
    try:
        relay(ids)
    except Exception:  # the work is committed; the periodic relay hands it over later
        log.exception("outbox relay after commit failed")


def _forget(session: Session) -> None:
    session.info.pop(_SESSION_KEY, None)


def install() -> None:
    """Relay after each commit that wrote outbox entries (every session of the process)."""
    if not event.contains(Session, "after_flush", _remember_new_entries):
        event.listen(Session, "after_flush", _remember_new_entries)
        event.listen(Session, "after_commit", _relay_committed)
        event.listen(Session, "after_rollback", _forget)
