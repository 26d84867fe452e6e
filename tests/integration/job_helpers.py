"""Running the queued jobs inside a test, as the worker would."""

from __future__ import annotations

from vendor_qa.jobs import QUEUE_NAME, AppWorker
from vendor_qa.redis_store import get_redis


class BurstWorker(AppWorker):
    """The app's worker without its pubsub thread.

    A burst run in a test needs no remote commands (stop, kill), and without that thread it never
    waits on a thread join's timeout: under the shifted-clock CI pass, libfaketime's shifted
    monotonic clock turns such a timeout into a hang.
    """

    def subscribe(self) -> None:
        pass

    def unsubscribe(self) -> None:
        pass


def run_jobs(app) -> None:
    """Run every queued job to the end, in this process."""
    with app.app_context():
        BurstWorker([QUEUE_NAME], connection=get_redis(app)).work(burst=True)
