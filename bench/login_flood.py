"""Benchmark: how much a flood of wrong logins slows another page, with Argon2 bounded and not.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/login_flood.py

One app on a scratch database, with the production Argon2 profile (not the test suite's cheap
one) and login limits lifted, so that every wrong login reaches Argon2. The main thread times
SAMPLES requests of `GET /login` (a rendered page) alone, then while FLOODERS threads post wrong
passwords as fast as they are answered, once with PASSWORD_CHECKS_AT_ONCE=1 (the default) and
once with a turn for every flooder (what the app did before the bound). Prints p50/p95 of each
and the ratio flood / alone. A flood answer other than 422 (wrong password) or 503 (no free
Argon2 turn), or a page that is not 200, ends the run with a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "development"  # the real Argon2 profile; "testing" picks the cheapest
os.environ.setdefault("SECRET_KEY", secrets.token_hex(16))

from flask_migrate import upgrade  # noqa: E402

from bench._harness import check, parse_args, scratch  # noqa: E402
from vendor_qa import create_app  # noqa: E402
from vendor_qa.auth.accounts import create_user  # noqa: E402
from vendor_qa.auth.models import Role  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402


def timed_pages(app, samples: int) -> list[float]:
    client = app.test_client()
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        status = client.get("/login").status_code
        times.append(time.perf_counter() - began)
        check(status == 200, f"GET /login answered {status}")
    return times


def flood(app, flooders: int, stop: threading.Event, answers: list[int]) -> list[threading.Thread]:
    def run(n: int) -> None:
        client = app.test_client()
        while not stop.is_set():
            answers.append(client.post("/login", data={"email": "admin@bench.example", "password": f"wrong{n}"},
                                       environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(flooders)]
    for thread in threads:
        thread.start()
    return threads


def measure(app, flooders: int, samples: int) -> tuple[list[float], list[int]]:
    stop, answers = threading.Event(), []
    threads = flood(app, flooders, stop, answers)
    time.sleep(0.5)  # the flood under way
    try:
        times = timed_pages(app, samples)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    check(answers and set(answers) <= {422, 503}, f"flood answers other than 422/503: {sorted(set(answers))}")
    return times, answers


def p(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100)[q - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flooders", type=int, default=24)
    parser.add_argument("--samples", type=int, default=200)
    args = parse_args(parser, smoke={"flooders": 4, "samples": 30})
    with scratch() as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": os.environ["REDIS_URL"],
                          "WTF_CSRF_ENABLED": False, "SERVER_NAME": None,
                          "LOGIN_RATE_LIMIT": "1000000 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "1000000 per minute"})
        with app.app_context():
            upgrade()
            create_user(email="admin@bench.example", password=secrets.token_hex(8), role=Role.VENDOR_ADMIN,
                        name="Bench")
            db.session.commit()
        timed_pages(app, 5)  # warm: templates compiled, connections open
        alone = timed_pages(app, args.samples)
        print(f"GET /login alone:                    p50 {p(alone, 50):7.1f} ms  p95 {p(alone, 95):7.1f} ms")
        for label, turns in (("bounded (1 Argon2 turn)", 1), (f"unbounded ({args.flooders} turns)", args.flooders)):
            app.config["PASSWORD_CHECKS_AT_ONCE"] = turns
            app.extensions.pop("vendor_qa.password_turns", None)  # made again at this size
            times, answers = measure(app, args.flooders, args.samples)
            busy = sum(1 for a in answers if a == 503)
            print(f"with {args.flooders} flooders, {label:24s} p50 {p(times, 50):7.1f} ms  p95 {p(times, 95):7.1f} ms"
                  f"  ratio p95 {p(times, 95) / p(alone, 95):5.1f}x  ({len(answers)} wrong logins, {busy} refused 503)")


if __name__ == "__main__":
    main()
