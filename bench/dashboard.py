"""Benchmark: the dashboard of a month, end to end, against one SQL query of the per-agent averages.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/dashboard.py

Creates a scratch database on that PostgreSQL server (dropped at the end) with one tenant
(Europe/Oslo) of AGENTS agents in 20 teams, a published 10-criterion scorecard, and
EVALUATIONS submitted evaluations spread evenly over the last 365 days, each with its call,
its assignment (1% calibration) and its 10 criterion rows, written with COPY; then the
report rollups that the submissions would have kept and the criteria verdicts that the reports'
job keeps (`jobs.rebuild_rollups`, timed), and VACUUM ANALYZE. Row-level security is on: the
bare query runs in a transaction under the tenant's settings, as a request does. Then:

1. app: GET /t/bench/dashboard?view=month&month=<last full month> through the Flask test
   client as the tenant's client manager (the whole page: figures, trend, bands, teams, the
   agents table, problem areas, topics, the SLA tile, charts, template); median of RUNS.
2. bare: one SQL query of the per-agent averages of that month on the same data (the client
   figure: submitted, not calibration), median of RUNS.

Prints both and the ratio app / bare (target <= 3) twice: first as loaded, with every SLA
week open (the dashboard's SLA tile then computes each of the month's weeks live), then
after closing the past weeks with the SLA engine's own `tracker.close_week`, the state the
SLA's weekly close job leaves in production (the tile reads the closed weeks' record).
Finally it times the month's report build (`jobs.build_report`: figures, PDF, CSVs; target
under 60 s). With --profile each aggregate is also timed on its own. --smoke: 200 agents and
10,000 evaluations, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench._harness import check, parse_args, scratch, tenant_transaction  # noqa: E402
from vendor_qa import clock, create_app  # noqa: E402
from vendor_qa.auth.accounts import create_user  # noqa: E402
from vendor_qa.auth.models import Role  # noqa: E402
from vendor_qa.calls.models import sample_key_for  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402
from vendor_qa.scorecards import versions  # noqa: E402
from vendor_qa.scorecards.scoring import DEFAULT_BANDS  # noqa: E402
from vendor_qa.tenants.models import Tenant  # noqa: E402
from vendor_qa.tenants.scoping import tenant_scope  # noqa: E402

PASSWORD = "bench password 123"
TEAMS = 20
CRITERIA = 10
ABILITIES = ("listening", "understanding", "problem solving", "attention to detail", "courtesy")
TOPICS = ("billing", "delivery", "refund", "technical issue", "cancellation", "new contract")
CHANNELS = ("phone", "phone", "phone", "chat", "email", "social")
BARE = (
    "SELECT e.agent_id, avg(e.total) FROM evaluation e "
    "WHERE e.tenant_id = %(tenant)s AND e.status = 'submitted' AND e.submitted_at >= %(start)s "
    "AND e.submitted_at < %(end)s AND e.assignment_id NOT IN "
    "(SELECT a.id FROM assignment a WHERE a.tenant_id = %(tenant)s AND a.reason = 'calibration') "
    "GROUP BY e.agent_id"
)


# ---- data ----------------------------------------------------------------------------------------

def setup(app, agents: int) -> tuple[int, list[tuple[int, str, Decimal]], int, int]:
    """Tenant, teams, agents, scorecard, a grader and a client manager."""
    with app.app_context():
        tenant = Tenant(slug="bench", name="Bench Co", timezone="Europe/Oslo")
        db.session.add(tenant)
        db.session.commit()
        grader = create_user(email="grader@bench.example", password=PASSWORD, role=Role.GRADER, certify=[tenant])
        manager = create_user(email="manager@bench.example", password=PASSWORD, role=Role.CLIENT_MANAGER,
                              tenant=tenant)
        db.session.commit()
        with tenant_scope(tenant.id):
            version = versions.create_scorecard(tenant.id, "Inbound", ["phone", "chat", "email", "social"])
            for s in range(2):
                section = versions.add_section(version, f"Section {s + 1}")
                for c in range(CRITERIA // 2):
                    n = s * (CRITERIA // 2) + c
                    versions.add_criterion(section, {"text": f"Criterion {n + 1}", "kind": "graded", "allow_na": True,
                                                     "weight": Decimal(5 + 5 * (n % 3)),
                                                     "ability": ABILITIES[n % len(ABILITIES)]})
            versions.publish(version, None)
            db.session.commit()
            criteria = [(c.id, c.key, c.weight) for c in version.criteria]
            version_id = version.id
        tenant_id, grader_id = tenant.id, grader.id
        check(manager.id, "the client manager was not created")
    conn_url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conn_url) as conn:
        now = clock.now()
        conn.execute("INSERT INTO team (id, tenant_id, name) SELECT n, %s, 'Team ' || n FROM generate_series(1, %s) n",
                     (tenant_id, TEAMS))
        with conn.cursor().copy("COPY agent (id, tenant_id, external_id, display_name, code, team_id, active, "
                                "created_at, updated_at) FROM STDIN") as copy:
            for n in range(1, agents + 1):
                copy.write_row((n, tenant_id, f"agent-{n:05d}", f"Agent {n:05d}", f"AG-{n:05d}", 1 + n % TEAMS,
                                True, now, now))
    return tenant_id, criteria, version_id, grader_id


def load_evaluations(url: str, tenant_id: int, agents: int, count: int, criteria, version_id: int,
                     grader_id: int, seed: int = 6) -> None:
    """Calls, assignments, evaluations and criterion rows, COPYed in one transaction."""
    rng = random.Random(seed)
    now = clock.now()
    start = now - timedelta(days=365)
    step = (now - start) / count
    skill = {a: rng.uniform(0.55, 0.97) for a in range(1, agents + 1)}
    possible_total = sum(w for _, _, w in criteria)
    answers_json = json.dumps({key: "full" for _, key, _ in criteria})
    agent_of = [0] + [rng.randrange(1, agents + 1) for _ in range(count)]  # by call / evaluation number
    with psycopg.connect(url) as conn:
        # One COPY at a time per connection: calls, assignments, criterion rows, evaluations.
        with conn.cursor().copy("COPY call (id, tenant_id, external_id, agent_id, channel, started_at, "
                                "duration_seconds, customer_rating, topic, metadata, created_at, updated_at, sample_key) "
                                "FROM STDIN") as copy:
            for n in range(1, count + 1):
                at = start + step * n
                copy.write_row((n, tenant_id, f"call-{n:07d}", agent_of[n], rng.choice(CHANNELS),
                                at - timedelta(hours=3), rng.randrange(30, 1800), rng.choice((1, 2, 3, 4, 5, None)),
                                rng.choice(TOPICS), "{}", at, at, sample_key_for(tenant_id, f"call-{n:07d}")))
        with conn.cursor().copy("COPY assignment (id, tenant_id, call_id, scorecard_version_id, reason, priority, "
                                "week, due_at, status, grader_id, assigned_at, submitted_at, created_at, updated_at) "
                                "FROM STDIN") as copy:
            for n in range(1, count + 1):
                at = start + step * n
                reason = "calibration" if n % 100 == 0 else "sample"
                copy.write_row((n, tenant_id, n, version_id, reason, 10, f"{at:%G-W%V}", at, "submitted", grader_id,
                                at - timedelta(hours=1), at, at, at))
        # The criterion results are drawn twice from the same seed: totals first (evaluations come
        # before their criterion rows), then the rows themselves, without holding millions in memory.
        def results():
            draw = random.Random(seed + 1)
            for n in range(1, count + 1):
                yield n, [(cid, key, weight, _credit(draw.random(), skill[agent_of[n]])) for cid, key, weight in criteria]

        with conn.cursor().copy("COPY evaluation (id, tenant_id, assignment_id, call_id, agent_id, "
                                "scorecard_version_id, grader_id, status, answers, comments, feedback_good, "
                                "feedback_improve, total, passed, band, auto_failed, section_scores, submitted_at, "
                                "grading_seconds, created_at, updated_at) FROM STDIN") as copy:
            for n, credits in results():
                at = start + step * n
                applicable = [(w, c) for _, _, w, c in credits if c is not None]
                possible = sum(w for w, _ in applicable) or possible_total
                total = (100 * sum(w * c for w, c in applicable) / possible).quantize(Decimal("0.0001"))
                copy.write_row((n, tenant_id, n, n, agent_of[n], version_id, grader_id, "submitted", answers_json, "{}",
                                "Clear greeting and a good summary.", "Confirm the customer's address.", total,
                                total >= 76, _band(total), False, "{}", at, 240, at, at))
        with conn.cursor().copy("COPY evaluation_criterion (tenant_id, evaluation_id, criterion_id, criterion_key, "
                                "answer, applicable, earned, possible, missed_critical) FROM STDIN") as copy:
            for n, credits in results():
                for cid, key, weight, credit in credits:
                    if credit is None:
                        copy.write_row((tenant_id, n, cid, key, "na", False, 0, 0, False))
                    else:
                        copy.write_row((tenant_id, n, cid, key, ANSWERS[credit], True, weight * credit, weight, False))
        for table in ("team", "agent", "call", "assignment", "evaluation", "evaluation_criterion"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    rebuild_rollups(url, tenant_id)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def rebuild_rollups(url: str, tenant_id: int) -> None:
    """The report rollups that submitting these evaluations one by one would have kept, and the
    verdicts that the reports' refresh job keeps (the rebuild job refreshes them)."""
    from vendor_qa.reports import jobs

    app = create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1)})
    began = time.perf_counter()
    with app.app_context():
        jobs.rebuild_rollups(tenant_id)
    print(f"report rollups and verdicts rebuilt in {time.perf_counter() - began:.0f} s")


def close_past_weeks(app, tenant_id: int) -> int:
    """Close every SLA week that has ended, as the SLA's weekly job does; the number closed."""
    from vendor_qa import periods
    from vendor_qa.sla import tracker

    now = clock.now()
    closed = 0
    with app.app_context(), tenant_scope(tenant_id):
        zone = db.session.get(Tenant, tenant_id).timezone
        at = now - timedelta(days=372)
        while True:
            week = periods.week_of(at, zone)
            end = periods.week_bounds(week, zone)[1]
            if end > now:
                return closed
            closed += tracker.close_week(tenant_id, week, now)
            at = end + timedelta(hours=1)


BAND_FLOORS = [(Decimal(str(b.min_score)), b.name) for b in reversed(DEFAULT_BANDS)]


def _band(total: Decimal) -> str:
    # scoring.band_for's rule, without its exact Fractions: millions of rows are drawn here.
    return next(name for floor, name in BAND_FLOORS if total >= floor)


ANSWERS = {Decimal(1): "full", Decimal("0.5"): "partial", Decimal(0): "none"}


def _credit(roll: float, skill: float) -> Decimal | None:
    """5% N/A; else full with the agent's skill, partial mostly otherwise, sometimes none."""
    if roll < 0.05:
        return None
    return Decimal(1) if roll < skill else Decimal("0.5") if roll < 0.97 else Decimal(0)


# ---- measuring -----------------------------------------------------------------------------------

def last_full_month(zone) -> str:
    first = clock.now().astimezone(zone).date().replace(day=1)
    return f"{first - timedelta(days=1):%Y-%m}"


def median_seconds(run, runs: int) -> float:
    run()  # warm: caches, compiled statements, the planner's statistics
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(app, url: str, tenant_id: int, month: str, runs: int) -> tuple[float, float]:
    client = app.test_client()
    response = client.post("/login", data={"email": "manager@bench.example", "password": PASSWORD})
    check(response.status_code == 302, f"the client manager's login answered {response.status_code}")
    path = f"/t/bench/dashboard?view=month&month={month}"

    def page():
        response = client.get(path)
        check(response.status_code == 200 and b'data-figure="average"' in response.data,
              f"{path} answered {response.status_code} without the month's average")

    with app.app_context():
        period = _period(tenant_id, month)
    bounds = {"tenant": tenant_id, "start": period.bounds.start, "end": period.bounds.end}
    with psycopg.connect(url) as conn:
        def bare():  # in a transaction of its own under the tenant's row-level security, as a request's
            with tenant_transaction(conn, tenant_id):
                check(conn.execute(BARE, bounds).fetchall(), "the bare query found no evaluations in the month")

        bare_seconds = median_seconds(bare, runs)
    return median_seconds(page, runs), bare_seconds


def _period(tenant_id: int, month: str):
    from vendor_qa.periods import parse_period

    tenant = db.session.get(Tenant, tenant_id)
    return parse_period(month, tenant.zone)


def profile(app, tenant_id: int, month: str) -> None:
    """Each aggregate on its own, to see where a dashboard request goes."""
    from vendor_qa.reports import aggregates, dashboard

    with app.app_context(), tenant_scope(tenant_id):
        tenant = db.session.get(Tenant, tenant_id)
        period = _period(tenant_id, month)
        steps = {
            "overview (figures + trend)": lambda: aggregates.overview(tenant, period),
            "sla_fulfilment": lambda: aggregates.sla_fulfilment(tenant, period),
            "band_distribution": lambda: aggregates.band_distribution(tenant, period),
            "teams": lambda: aggregates.teams(tenant, period),
            "agents_page": lambda: aggregates.agents_page(tenant, period),
            "criteria_problems": lambda: aggregates.criteria_problems(tenant, period),
            "topic_problems": lambda: aggregates.topic_problems(tenant, period),
            "charts": lambda: dashboard.draw(tenant, dashboard.build(tenant, period)),
        }
        for name, step in steps.items():
            print(f"  {name:28s} {median_seconds(step, 3) * 1000:8.1f} ms")


def build_seconds(app, tenant_id: int, month: str) -> float:
    from vendor_qa.reports import jobs

    with app.app_context():
        began = time.perf_counter()
        jobs.build_report(tenant_id, month)
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2_000)
    parser.add_argument("--evaluations", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (its URL is printed)")
    args = parse_args(parser, smoke={"agents": 200, "evaluations": 10_000, "runs": 2})
    check(min(args.agents, args.evaluations, args.runs) > 0, "--agents, --evaluations and --runs must be positive")
    with scratch(keep=args.keep) as url:
        plain_url = url.replace("postgresql+psycopg://", "postgresql://")
        from flask_migrate import upgrade

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
        began = time.perf_counter()
        tenant_id, criteria, version_id, grader = setup(app, args.agents)
        load_evaluations(plain_url, tenant_id, args.agents, args.evaluations, criteria, version_id, grader)
        print(f"loaded {args.agents:,} agents and {args.evaluations:,} evaluations "
              f"({args.evaluations * CRITERIA:,} criterion rows) in {time.perf_counter() - began:.0f} s")
        with app.app_context(), tenant_scope(tenant_id):
            month = last_full_month(db.session.get(Tenant, tenant_id).zone)
            in_month = db.session.execute(text(
                "SELECT count(*) FROM evaluation WHERE submitted_at >= :s AND submitted_at < :e"),
                {"s": _period(tenant_id, month).bounds.start, "e": _period(tenant_id, month).bounds.end}).scalar()
        print(f"month {month}: {in_month:,} evaluations")
        check(in_month, f"no evaluations in {month}: nothing to measure")
        for label in ("SLA weeks open (as loaded)", "past SLA weeks closed (as in production)"):
            if "closed" in label:
                print(f"closed {close_past_weeks(app, tenant_id)} past SLA weeks")
                with psycopg.connect(plain_url, autocommit=True) as conn:
                    conn.execute("VACUUM ANALYZE")
            app_seconds, bare_seconds = measure(app, plain_url, tenant_id, month, args.runs)
            print(f"{label}:")
            print(f"  app  GET dashboard (month, whole page)  : {app_seconds * 1000:8.1f} ms")
            print(f"  bare per-agent averages, one SQL query  : {bare_seconds * 1000:8.1f} ms")
            print(f"  ratio app / bare                        : {app_seconds / bare_seconds:8.2f}  (target <= 3)")
            if args.profile:
                profile(app, tenant_id, month)
        print(f"monthly report build (PDF included): {build_seconds(app, tenant_id, month):.1f} s  (target < 60 s)")


if __name__ == "__main__":
    main()
