"""One cron scheduler at a time, under a lock in Redis; missed ticks caught up once."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import redis

from vendor_qa import clock
from vendor_qa.jobs import build_scheduler, queue
from vendor_qa.redis_store import get_redis
from vendor_qa.work import scheduler
from vendor_qa.work.scheduler import LAST_RUNS_KEY, OneScheduler

DISPATCH_REPORTS = "vendor_qa.reports.jobs.dispatch_reports"
DISPATCH_HOURLY = "vendor_qa.sla.jobs.dispatch_hourly"


def _enqueued(app) -> list[str]:
    with app.app_context():
        return [job.func_name for job in queue().get_jobs()]


def test_a_second_scheduler_waits_and_takes_over_when_the_first_dies(app, monkeypatch):
    monkeypatch.setattr(scheduler, "LOCK_SECONDS", 1)
    first, second = build_scheduler(app), build_scheduler(app)
    assert first.run_once() and not second.run_once()
    assert first.run_once() and not second.run_once()  # the holder renews its lock
    enqueued = _enqueued(app)
    assert enqueued.count("vendor_qa.work.sweeper.relay_and_sweep") == 1  # enqueued by one scheduler only

    time.sleep(1.2)  # the first died without a word: its lock expires
    assert second.run_once()
    assert not first.run_once()


def test_a_stopped_scheduler_frees_the_lock_at_once(app):
    first, second = build_scheduler(app), build_scheduler(app)
    assert first.run_once()
    first.release()
    assert second.run_once()


def test_a_tick_missed_while_no_scheduler_ran_is_enqueued_once(app):
    # The last scheduler enqueued the hourly report dispatch three hours ago, then died.
    get_redis(app).hset(LAST_RUNS_KEY, DISPATCH_REPORTS, (clock.now() - timedelta(hours=3)).isoformat())
    successor = build_scheduler(app)
    assert successor.run_once()
    assert _enqueued(app).count(DISPATCH_REPORTS) == 1  # once, not once per missed hour
    assert DISPATCH_HOURLY not in _enqueued(app)  # nothing recorded, not due yet: it waits for its minute
    assert successor.run_once()
    assert _enqueued(app).count(DISPATCH_REPORTS) == 1
    assert get_redis(app).hget(LAST_RUNS_KEY, DISPATCH_REPORTS).decode() > (clock.now() - timedelta(minutes=1)).isoformat()


def test_the_scheduler_rides_out_redis_being_unreachable(app):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    unreachable = OneScheduler(redis.Redis(port=port, socket_connect_timeout=1), "vendor_qa")
    assert unreachable.run_once() is False  # logged and tried again next round, not a crash


def test_the_scheduler_puts_retries_whose_backoff_is_over_back_in_the_queue(app):
    with app.app_context():
        job = queue().enqueue_at(clock.now() - timedelta(seconds=5), "vendor_qa.work.sweeper.relay_and_sweep")
        assert job.id not in queue().get_job_ids()
    assert build_scheduler(app).run_once()
    with app.app_context():
        assert job.id in queue().get_job_ids()
