"""Run the `flask` command line with the application clock started at a given instant.

    python -m tests.clocked 2026-11-25T10:00:00+00:00 --app wsgi worker

A process the tests start (the browser tests' RQ worker) must live on the suite's clock,
not on the wall clock, or its jobs would stamp their work on another day than the pages.
The clock runs on from that instant, as in the tests.
"""

from __future__ import annotations

import sys
from datetime import datetime

import time_machine
from flask.cli import main


def run(argv: list[str]) -> None:
    start, flask_args = datetime.fromisoformat(argv[0]), argv[1:]
    with time_machine.travel(start, tick=True):
        sys.argv = ["flask", *flask_args]
        main()


if __name__ == "__main__":
    run(sys.argv[1:])
