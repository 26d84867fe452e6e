"""Benchmark: how much a flood of wrong logins slows another page, with Argon2 bounded and not.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/login_flood.py

The web server runs as production runs it: the Procfile's gunicorn command (processes and
threads), the production Argon2 profile (not the test suite's cheap one), one trusted proxy.
FLOODERS clients, each from an address of its own (X-Forwarded-For), post wrong passwords as
fast as they are answered, each with the session and CSRF token of its own login page, as an
attacker would. The login limits per address and per account are lifted, so that every wrong
login reaches Argon2 and only the hashing bound acts. Meanwhile the bench times SAMPLES
requests of `GET /login` (a rendered page) from another client; and without the flood. Three
servers in turn: no flood; flood with PASSWORD_CHECKS_AT_ONCE=1 (the default: one Argon2 check
at a time on the machine, over every process); flood with a turn for every flooder (no bound).
Prints p50/p95 of each and the ratio of the p95 to the page's alone. A flood answer other than
422 (wrong password) or 503 (no free Argon2 turn), or a page that is not 200, ends the run with
a non-zero exit.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "development"  # the real Argon2 profile; "testing" picks the cheapest

from flask_migrate import upgrade  # noqa: E402

from bench._harness import check, parse_args, scratch  # noqa: E402
from bench._server import serve  # noqa: E402
from vendor_qa import create_app  # noqa: E402
from vendor_qa.auth.accounts import create_user  # noqa: E402
from vendor_qa.auth.models import Role  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402

EMAIL = "admin@bench.example"
TIMEOUT = 120  # seconds: a request that takes longer ends the run (requests raises) rather than hang it
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def timed_pages(base: str, samples: int) -> list[float]:
    client = requests.Session()
    client.get(f"{base}/login")  # warm: a connection open, the templates compiled
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        status = client.get(f"{base}/login", timeout=TIMEOUT).status_code
        times.append(time.perf_counter() - began)
        check(status == 200, f"GET /login answered {status}")
    return times


def flood(base: str, flooders: int, stop: threading.Event, answers: list[int]) -> list[threading.Thread]:
    def run(n: int) -> None:
        client = requests.Session()
        client.headers["X-Forwarded-For"] = f"198.51.100.{n}"
        found = CSRF.search(client.get(f"{base}/login").text)
        if found is None:  # no answers from this flooder: the check after the flood says so
            return
        form = {"email": EMAIL, "password": f"wrong{n}", "csrf_token": found.group(1)}
        while not stop.is_set():
            answers.append(client.post(f"{base}/login", data=form, allow_redirects=False, timeout=TIMEOUT).status_code)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(flooders)]
    for thread in threads:
        thread.start()
    return threads


def measure(base: str, flooders: int, samples: int) -> tuple[list[float], list[int]]:
    stop, answers = threading.Event(), []
    threads = flood(base, flooders, stop, answers)
    time.sleep(1)  # the flood under way
    try:
        times = timed_pages(base, samples)
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
    with scratch() as url, tempfile.TemporaryDirectory() as turns:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": os.environ["REDIS_URL"]})
        with app.app_context():
            upgrade()
            create_user(email=EMAIL, password=secrets.token_hex(8), role=Role.VENDOR_ADMIN, name="Bench")
            db.session.commit()
        settings = {"APP_ENV": "development", "REDIS_URL": os.environ["REDIS_URL"], "TRUSTED_PROXIES": "1",
                    "SECRET_KEY": secrets.token_hex(16), "PASSWORD_TURNS_DIR": turns,
                    "LOGIN_RATE_LIMIT": "1000000 per minute", "LOGIN_ACCOUNT_RATE_LIMIT": "1000000 per minute"}
        with serve(url, **settings) as base:
            alone = timed_pages(base, args.samples)
        print(f"GET /login alone:                    p50 {p(alone, 50):7.1f} ms  p95 {p(alone, 95):7.1f} ms")
        for label, turns_at_once in (("bounded (1 Argon2 turn)", 1),
                                     (f"unbounded ({args.flooders} turns)", args.flooders)):
            with serve(url, **settings, PASSWORD_CHECKS_AT_ONCE=str(turns_at_once)) as base:
                times, answers = measure(base, args.flooders, args.samples)
            busy = sum(1 for a in answers if a == 503)
            print(f"with {args.flooders} flooders, {label:24s} p50 {p(times, 50):7.1f} ms  p95 {p(times, 95):7.1f} ms"
                  f"  ratio p95 {p(times, 95) / p(alone, 95):5.1f}x  ({len(answers)} wrong logins, {busy} refused 503)")


if __name__ == "__main__":
    main()
