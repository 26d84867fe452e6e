"""Benchmark: planning and tracking a large tenant's SLA week against a bare GROUP BY of its calls.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/sla_plan.py

Creates a scratch database on that PostgreSQL server (dropped at the end) and
loads, with COPY, one tenant with AGENTS agents and CALLS calls in ISO week
2026-W47 (Europe/Oslo), about 0.9% of them rated 2 or lower, plus GRADERS
graders certified for it and a few small tenants. Then, in the same run:

- baseline: `SELECT agent_id, count(*) FROM call WHERE tenant and week GROUP BY
  agent_id` (best of 3 before and 3 after, warm cache);
- plan, worst case: `planner.plan_week` for the whole week at once (day 7) with
  no priority review made at ingest: every agent's samples and every priority
  review, bulk-inserted with their events and handed out; ~15,000 assignments;
- rerun: the same plan again (finds nothing to do: the idempotent rerun);
- track: `tracker.track_tenant` for every tenant (overdue work, hand-out of the
  pool of ~15,000 open assignments, the agent rows, alerts);
- plan, usual case: the assignments emptied, the priority reviews made by the
  ingest job (`create_priority_reviews`, not timed), then the week planned.

Prints each time and its ratio to the baseline (targets: plan <= 5, track <= 3). A plan
that makes no assignments, or a rerun that makes any, ends the run with a non-zero exit.
--smoke: 200 agents and 30,000 calls, in seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

from sqlalchemy import func, select, text  # noqa: E402

from bench._harness import check, parse_args, scratch  # noqa: E402
from vendor_qa import clock, create_app, periods  # noqa: E402
from vendor_qa.calls.models import Call  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402
from vendor_qa.grading.models import Assignment  # noqa: E402
from vendor_qa.scorecards import versions  # noqa: E402
from vendor_qa.sla import jobs, planner, tracker  # noqa: E402
from vendor_qa.tenants.models import Tenant  # noqa: E402
from vendor_qa.tenants.scoping import tenant_scope  # noqa: E402

WEEK = "2026-W47"
ZONE = "Europe/Oslo"
CHANNELS = ("phone", "phone", "phone", "chat", "email", "social")
LOW_RATED = 0.009  # share of calls rated 1 or 2: with the samples, ~15,000 open assignments
SMALL_TENANTS = 3


def sample_key(tenant_id: int, external_id: str) -> int:
    """As vendor_qa.calls.models.sample_key_for (inlined: COPY bypasses the column default)."""
    return int.from_bytes(hashlib.sha256(f"{tenant_id}:{external_id}".encode()).digest()[:8], "big", signed=True)


def make_tenant(slug: str) -> int:
    tenant = Tenant(slug=slug, name=slug.title(), timezone=ZONE)
    db.session.add(tenant)
    db.session.commit()
    with tenant_scope(tenant.id):
        version = versions.create_scorecard(tenant.id, "All calls", ["phone", "chat", "email", "social"])
        versions.add_criterion(versions.add_section(version, "Opening"),
                               {"text": "Greets", "kind": "binary", "weight": 5})
        versions.publish(version, None)
        db.session.commit()
    return tenant.id


def load(tenant_id: int, agents: int, calls: int, graders: int, low_rated: float, seed: int = 11) -> None:
    """Agents, calls and graders by COPY (raw psycopg: the fastest way in)."""
    rng = random.Random(seed)
    start, end = periods.week_bounds(WEEK, ZONE)
    span = int((end - start).total_seconds())
    now = clock.now()
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cur:
        with cur.copy("COPY agent (tenant_id, external_id, display_name, code, active, created_at, updated_at) "
                      "FROM STDIN") as copy:
            for n in range(agents):
                copy.write_row((tenant_id, f"agent-{n:05d}", f"Agent {n}", f"AG-B{n:05d}", True, now, now))
        cur.execute("SELECT id FROM agent WHERE tenant_id = %s ORDER BY id", (tenant_id,))
        agent_ids = [row[0] for row in cur.fetchall()]
        with cur.copy("COPY call (tenant_id, external_id, agent_id, channel, started_at, duration_seconds, "
                      "customer_rating, metadata, sample_key, created_at, updated_at) FROM STDIN") as copy:
            for n in range(calls):
                external_id = f"call-{n:08d}"
                rating = rng.choice((1, 2)) if rng.random() < low_rated else rng.choice((3, 4, 5, None, None))
                copy.write_row((tenant_id, external_id, agent_ids[n % agents], rng.choice(CHANNELS),
                                start + timedelta(seconds=rng.randrange(span)), rng.randrange(20, 1500), rating,
                                "{}", sample_key(tenant_id, external_id), now, now))
        with cur.copy('COPY "user" (email, name, password_hash, role, pseudonym, active, created_at, updated_at) '
                      "FROM STDIN") as copy:
            for n in range(graders):
                copy.write_row((f"grader{n}@bench.example", f"Grader {n}", "x", "grader", f"G-B{n:03d}", True,
                                now, now))
        cur.execute("INSERT INTO grader_certification (grader_id, tenant_id, active, certified_at, activated_at) "
                    "SELECT id, %s, true, %s, %s FROM \"user\" WHERE role = 'grader'", (tenant_id, now, now))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def baseline(tenant_id: int) -> float:
    start, end = periods.week_bounds(WEEK, ZONE)
    query = text("SELECT agent_id, count(*) FROM call WHERE tenant_id = :t AND started_at >= :s "
                 "AND started_at < :e GROUP BY agent_id")
    times = []
    with tenant_scope(tenant_id):  # under the tenant's row-level security, as the app's queries
        for _ in range(3):
            began = time.perf_counter()
            rows = db.session.execute(query, {"t": tenant_id, "s": start, "e": end}).all()
            times.append(time.perf_counter() - began)
        db.session.commit()
    check(rows, "the baseline found no calls in the week")
    return min(times)


def plan_after_ingest(tenant_id: int, sunday: datetime):
    """The usual case: the ingest job made the priority reviews (not timed); the plan adds the samples."""
    with tenant_scope(tenant_id):  # row-level security: outside a scope the deletes would see no row
        db.session.execute(text("DELETE FROM assignment_event; DELETE FROM assignment"))
        db.session.commit()
        low = list(db.session.scalars(select(Call.id).where(Call.customer_rating <= 2)))
        for start in range(0, len(low), 1_000):  # as the ingest job gets them, a batch at a time
            jobs.create_priority_reviews(tenant_id, low[start:start + 1_000], sunday.isoformat())
        return timed(lambda: planner.plan_week(tenant_id, WEEK, sunday))


def timed(action):
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2_000)
    parser.add_argument("--calls", type=int, default=1_500_000)
    parser.add_argument("--graders", type=int, default=40)
    parser.add_argument("--low-rated", type=float, default=LOW_RATED, help="share of calls rated 1 or 2")
    args = parse_args(parser, smoke={"agents": 200, "calls": 30_000, "graders": 10})
    check(min(args.agents, args.calls, args.graders) > 0, "--agents, --calls and --graders must be positive")
    with scratch() as url:
        from flask_migrate import upgrade

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "OUTBOX_DIR": tempfile.mkdtemp(prefix="vqa-bench-mail-")})
        with app.app_context():
            upgrade()
            tenant_id = make_tenant("bench")
            small = [make_tenant(f"small-{n}") for n in range(SMALL_TENANTS)]
            began = time.perf_counter()
            load(tenant_id, args.agents, args.calls, args.graders, args.low_rated)
            print(f"loaded {args.calls:,} calls of {args.agents:,} agents, {args.graders} graders "
                  f"in {time.perf_counter() - began:.1f} s (not timed below)")

            base = baseline(tenant_id)
            sunday = periods.week_bounds(WEEK, ZONE)[1] - timedelta(hours=4)
            with tenant_scope(tenant_id):
                plan_seconds, plan = timed(lambda: planner.plan_week(tenant_id, WEEK, sunday))
                rerun_seconds, rerun = timed(lambda: planner.plan_week(tenant_id, WEEK, sunday))
                open_work = db.session.scalar(select(func.count(Assignment.id)).where(
                    Assignment.status != "submitted"))

            def track_all():
                for tenant in [tenant_id, *small]:
                    with tenant_scope(tenant):
                        tracker.track_tenant(tenant, sunday + timedelta(hours=1))

            track_seconds, _ = timed(track_all)
            samples_seconds, samples = plan_after_ingest(tenant_id, sunday)
            base_after = baseline(tenant_id)

        check(plan.samples and plan.handout.given, f"the worst-case plan made {plan.samples} samples and handed "
                                                   f"out {plan.handout.given}")
        check(rerun.samples + rerun.low_rating == 0, f"planning the week again made "
                                                     f"{rerun.samples + rerun.low_rating} assignments")
        check(samples.samples, "the usual-case plan made no samples")
        base = min(base, base_after)
        print(f"baseline GROUP BY of the week's calls (best of 6) : {base * 1000:8.0f} ms")
        print(f"plan the whole week, priority reviews made at ingest: {samples_seconds * 1000:8.0f} ms  "
              f"ratio {samples_seconds / base:5.2f}  (target <= 5; {samples.samples:,} samples, "
              f"{samples.handout.given:,} handed out)")
        print(f"plan the whole week, everything by the planner      : {plan_seconds * 1000:8.0f} ms  "
              f"ratio {plan_seconds / base:5.2f}  ({plan.samples:,} samples, {plan.low_rating:,} priority "
              f"reviews, {plan.handout.given:,} handed out)")
        print(f"plan again (nothing to do)                          : {rerun_seconds * 1000:8.0f} ms  "
              f"ratio {rerun_seconds / base:5.2f}  ({rerun.samples + rerun.low_rating} new)")
        print(f"track all {1 + SMALL_TENANTS} tenants ({open_work:,} open assignments)      : "
              f"{track_seconds * 1000:8.0f} ms  ratio {track_seconds / base:5.2f}  (target <= 3)")


if __name__ == "__main__":
    main()
