"""The cron scheduler, one at a time: RQ's CronScheduler behind a lock in Redis.

Every scheduler process loops: hold the lock (SET NX PX, renewed each round), enqueue
what is due, sleep. A second one finds the lock taken and keeps trying; when the first
dies its lock expires and the second takes over within LOCK_SECONDS + POLL_SECONDS. Both
deployments have a Redis (the embedded one is a real Redis server), so one lock serves
both. A Redis outage is logged and waited out; the loop reconnects by itself.

When each cron job was last enqueued is kept in Redis. A scheduler that takes the lock
starts from there, so a tick that fell due while no scheduler ran is enqueued once, at
once, and not once per missed tick; during an outage RQ's own next-run time stays in the
past until an enqueue succeeds, with the same effect. The cron jobs themselves compute
from the database what is owed, so a late run does what the missed ones would have.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

import redis
from redis.exceptions import LockError
from rq.cron import CronJob, CronScheduler
from rq.exceptions import StopRequested
from rq.scheduler import RQScheduler

log = logging.getLogger(__name__)

LOCK_KEY = "vendor_qa:scheduler-lock"
LAST_RUNS_KEY = "vendor_qa:cron-last-enqueued"
LOCK_SECONDS = 20
POLL_SECONDS = 5  # a plain sleep between rounds: timed waits hang under libfaketime


class OneScheduler(CronScheduler):
    """Also moves RQ's retries whose backoff is over back to their queue: a worker's own RQ
    scheduler is a forked child that keeps the worker's database connections open after the
    worker is killed, and with them its transaction's locks."""

    def __init__(self, connection: redis.Redis, queue_name: str, **kwargs) -> None:
        super().__init__(connection, **kwargs)
        self.lock = connection.lock(LOCK_KEY, timeout=LOCK_SECONDS, blocking=False, thread_local=False)
        self.retries = RQScheduler([queue_name], connection=connection)
        self.retries.prepare_registries([queue_name])

    def start(self) -> None:
        self._install_signal_handlers()
        log.info("scheduler %s waiting for the lock", self.name)
        try:
            while True:
                self.run_once()
                time.sleep(POLL_SECONDS)
        except (KeyboardInterrupt, StopRequested):  # SIGINT, SIGTERM
            pass
        finally:
            self.release()

    def run_once(self) -> bool:
        """One round: enqueue what is due if this scheduler holds the lock; whether it does."""
        try:
            if not self._hold_lock():
                return False
            for job in self.enqueue_jobs():
                self.connection.hset(LAST_RUNS_KEY, job.name, job.latest_enqueue_time.isoformat())
            self.retries.enqueue_scheduled_jobs()
            return True
        except redis.RedisError as error:
            log.warning("scheduler %s: Redis unavailable, retrying: %s", self.name, error)
            return False

    def _hold_lock(self) -> bool:
        if self.lock.owned():
            try:
                self.lock.reacquire()
                return True
            except LockError:
                log.warning("scheduler %s lost the lock", self.name)
        if not self.lock.acquire(blocking=False, token=self.name):
            return False
        log.info("scheduler %s holds the lock", self.name)
        self._resume_from_last_runs()
        return True

    def _resume_from_last_runs(self) -> None:
        recorded = {k.decode(): v.decode() for k, v in self.connection.hgetall(LAST_RUNS_KEY).items()}
        for job in self.get_jobs():
            if job.name in recorded:
                _resume(job, datetime.fromisoformat(recorded[job.name]))

    def release(self) -> None:
        try:
            if self.lock.owned():
                self.lock.release()
        except (redis.RedisError, LockError):
            pass  # the lock expires by itself


def _resume(job: CronJob, last: datetime) -> None:
    """Next run after the recorded one; in the past, it runs at the next round, once."""
    job.latest_enqueue_time = last
    job.next_enqueue_time = job.get_next_enqueue_time()
