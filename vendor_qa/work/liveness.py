"""Is a job still in hand? Waiting in Redis, running on a live worker, or lost.

RQ learns that a worker died only when the job's timeout runs out (up to half an hour
for a report build). Our workers instead keep a short-lived key alive from a thread of
their own while they run (`beat`); a job started by a worker whose key has expired
belongs to a dead worker and is run again by the sweeper.
"""

from __future__ import annotations

import threading
import time

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

ALIVE_SECONDS = 10  # a killed worker is known dead this long after its last beat
BEAT_SECONDS = 3
_KEY = "vendor_qa:worker-alive:{}"

WAITING = "waiting"  # queued, scheduled for a retry, or deferred: it will run
RUNNING = "running"  # started on a live worker
LOST = "lost"  # absent from Redis, or started on a dead worker
ENDED = "ended"  # finished, failed for good, stopped or canceled

_WAITING_STATUSES = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def mark_alive(connection: redis.Redis, worker_name: str) -> None:
    connection.set(_KEY.format(worker_name), 1, ex=ALIVE_SECONDS)


def is_alive(connection: redis.Redis, worker_name: str | None) -> bool:
    return bool(worker_name) and bool(connection.exists(_KEY.format(worker_name)))


def beat(connection: redis.Redis, worker_name: str) -> threading.Thread:
    """Keep the worker's key alive from a daemon thread, which dies with the process."""

    def run() -> None:
        while True:
            try:
                mark_alive(connection, worker_name)
            except redis.RedisError:
                pass  # Redis is away; the worker itself reconnects, and so does the next beat
            time.sleep(BEAT_SECONDS)  # a plain sleep: timed waits hang under libfaketime

    thread = threading.Thread(target=run, name="worker-alive", daemon=True)
    thread.start()
    return thread


def job_state(connection: redis.Redis, job_id: str) -> str:
    try:
        job = Job.fetch(job_id, connection=connection)
    except NoSuchJobError:
        return LOST
    status = job.get_status(refresh=False)
    if status in _WAITING_STATUSES:
        return WAITING
    if status == JobStatus.STARTED:
        return RUNNING if is_alive(connection, job.worker_name) else LOST
    return ENDED
