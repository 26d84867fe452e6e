"""Benchmark: call ingestion through the API against a bare bulk INSERT of the same rows.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ingest.py

Creates a scratch database on that PostgreSQL server (dropped at the end),
ingests CALLS calls for one tenant through POST /api/v1/calls in batches of
BATCH (end to end through the app with Flask's test client: token check,
JSON parsing, validation, agent lookup, upsert), then empties the call table
and inserts the same rows with one `INSERT ... VALUES` per batch through
SQLAlchemy Core. Prints both rates and their ratio (target: >= 0.5), and for
reference the same rows through Core's executemany form, the fastest plain insert.
The API queues its priority-review jobs in a scratch Redis (bench/_harness.py); no
worker runs them. --smoke: 5,000 calls, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

from sqlalchemy import delete, insert, select  # noqa: E402

from bench._harness import check, parse_args, scratch  # noqa: E402
from vendor_qa import clock, create_app  # noqa: E402
from vendor_qa.calls.ingest import validate_calls  # noqa: E402
from vendor_qa.calls.models import Agent, Call  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402
from vendor_qa.tenants.models import ApiToken, Tenant  # noqa: E402
from vendor_qa.tenants.scoping import tenant_scope  # noqa: E402

TOPICS = ("billing", "delivery", "refund", "technical issue", "cancellation", "new contract")
CHANNELS = ("phone", "phone", "phone", "chat", "email", "social")


def fake_calls(count: int, agents: int, seed: int = 7) -> list[dict]:
    """Realistic API payloads: a week of calls in Oslo time, ~5% rated 2 or lower."""
    rng = random.Random(seed)
    start = datetime(2026, 11, 16, 8, tzinfo=timezone(timedelta(hours=1)))
    calls = []
    for n in range(count):
        agent = rng.randrange(agents)
        rating = rng.choice([1, 2]) if rng.random() < 0.05 else rng.choice([3, 4, 5, None])
        calls.append({
            "external_id": f"call-{n:07d}",
            "agent_external_id": f"agent-{agent:04d}",
            "agent_name": f"Agent {agent}",
            "team": f"Team {agent % 5}",
            "started_at": (start + timedelta(seconds=rng.randrange(7 * 24 * 3600))).isoformat(),
            "duration_seconds": rng.randrange(30, 1800),
            "channel": rng.choice(CHANNELS),
            "customer_rating": rating,
            "topic": rng.choice(TOPICS),
            "recording_url": f"https://recordings.example.com/{n:07d}.mp3",
            "transcript": "Agent: Good morning, how can I help?\nCustomer: " + " ".join(
                rng.choice(("my", "bill", "is", "wrong", "please", "check", "the", "invoice")) for _ in range(40)),
            "metadata": {"queue": rng.choice(TOPICS), "wait_seconds": rng.randrange(0, 300)},
        })
    return calls


def batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def setup_tenant(app) -> tuple[int, str]:
    with app.app_context():
        tenant = Tenant(slug="bench", name="Bench Co", timezone="Europe/Oslo")
        db.session.add(tenant)
        db.session.commit()
        with tenant_scope(tenant.id):
            row, secret = ApiToken.issue(tenant, "bench")
            db.session.add(row)
            db.session.commit()
        return tenant.id, secret


def run_api(app, bodies: list[bytes], secret: str) -> float:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    began = time.perf_counter()
    for body in bodies:
        response = client.post("/api/v1/calls", data=body, headers=headers)
        check(response.status_code == 200,
              f"API answered {response.status_code}: {response.get_data(as_text=True)[:500]}")
    return time.perf_counter() - began


def bulk_rows(app, tenant_id: int, calls: list[dict]) -> list[dict]:
    """The same calls as table rows, agents resolved beforehand (not timed)."""
    with app.app_context(), tenant_scope(tenant_id):
        agent_ids = dict(db.session.execute(select(Agent.external_id, Agent.id)).all())
        rows, errors = validate_calls(calls)
        check(not errors, f"the generated calls do not validate: {errors[:3]}")
        now = clock.now()
        return [{
            "tenant_id": tenant_id, "agent_id": agent_ids[r["agent_external_id"]],
            "external_id": r["external_id"], "channel": r["channel"], "started_at": r["started_at"],
            "duration_seconds": r["duration_seconds"], "customer_rating": r["customer_rating"],
            "topic": r["topic"], "recording_url": r["recording_url"], "transcript": r["transcript"],
            "metadata": r["metadata"], "created_at": now, "updated_at": now,
        } for r in rows]


def run_bulk(app, rows: list[dict], size: int, executemany: bool = False) -> float:
    """One INSERT per batch, each in its own transaction; `executemany` passes the rows as
    parameters (SQLAlchemy's insertmanyvalues, a cached statement) instead of `.values(rows)`."""
    table = Call.__table__
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(delete(table))  # a fresh table state, as the API started from
        began = time.perf_counter()
        for chunk in batches(rows, size):
            with db.engine.begin() as conn:
                if executemany:
                    conn.execute(insert(table), chunk)
                else:
                    conn.execute(insert(table).values(chunk))
        return time.perf_counter() - began


def check_count(app, tenant_id: int, expected: int, path: str) -> None:
    with app.app_context(), tenant_scope(tenant_id):
        found = db.session.query(Call).count()
    check(found == expected, f"{path} stored {found:,} calls of {expected:,}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--agents", type=int, default=200)
    args = parse_args(parser, smoke={"calls": 5_000})
    check(args.calls > 0, "--calls must be positive")
    with scratch() as url:
        from flask_migrate import upgrade

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "API_MAX_BATCH": args.batch})
        with app.app_context():
            upgrade()
        tenant_id, secret = setup_tenant(app)
        calls = fake_calls(args.calls, args.agents)
        bodies = [json.dumps({"calls": chunk}).encode() for chunk in batches(calls, args.batch)]

        api_seconds = run_api(app, bodies, secret)
        check_count(app, tenant_id, args.calls, "the API")
        rows = bulk_rows(app, tenant_id, calls)
        bulk_seconds = run_bulk(app, rows, args.batch)
        check_count(app, tenant_id, args.calls, "bulk INSERT ... VALUES")
        many_seconds = run_bulk(app, rows, args.batch, executemany=True)
        check_count(app, tenant_id, args.calls, "Core executemany")

        api_rate, bulk_rate, many_rate = (args.calls / s for s in (api_seconds, bulk_seconds, many_seconds))
        print(f"{args.calls} calls in batches of {args.batch}, PostgreSQL")
        print(f"API  POST /api/v1/calls        : {api_seconds:7.2f} s  {api_rate:9.0f} calls/s")
        print(f"bulk INSERT ... VALUES         : {bulk_seconds:7.2f} s  {bulk_rate:9.0f} calls/s")
        print(f"ratio API / bulk               : {api_rate / bulk_rate:.2f}  (target >= 0.5)")
        print(f"reference: Core executemany    : {many_seconds:7.2f} s  {many_rate:9.0f} calls/s"
              f"  (API / executemany {api_rate / many_rate:.2f})")


if __name__ == "__main__":
    main()
