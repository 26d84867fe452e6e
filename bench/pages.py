"""Benchmark: the pages people open, at about 100 times the demo, through gunicorn under load.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/pages.py

Creates a scratch database (dropped at the end) with TENANTS tenants (Europe/Oslo) sharing
AGENTS agents in 20 teams each, CALLS calls over the last 365 days and EVALUATIONS submitted
evaluations of some of them (1% calibration), each with its 10 criterion rows, plus open
assignments for the current week's grader queue, all written with COPY (psycopg, not the ORM);
then what the jobs keep in production: the report rollups and verdicts (`rebuild_rollups`),
the closed SLA weeks (`tracker.close_week`), VACUUM ANALYZE. The default is the issue's 100x
(about 2,000 agents, 2M calls, 200k evaluations, 4 tenants).

Then it starts gunicorn as the Procfile's web line runs it (bench/_server.py; WORKERS workers,
row-level security on, as in production) on a free port and, page by page, lets CLIENTS concurrent clients request the page back to back for
SECONDS seconds (each client a logged-in session of its own tenant, or an API token), and
prints per page the requests answered, p50 and p95 and the ratio of p95 to its target (the
issue's: client and grader pages 300 ms, the SLA board 500 ms, API pages 300 ms at any depth).
A page answering anything but 200 fails the run. --smoke: a small data set and 2 s a page, in
well under a minute.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

import psycopg  # noqa: E402
import requests  # noqa: E402

from bench._harness import check, parse_args, scratch  # noqa: E402
from bench._server import serve  # noqa: E402
from bench.dashboard import (ABILITIES, ANSWERS, CHANNELS, CRITERIA, PASSWORD, TEAMS, TOPICS, _band,  # noqa: E402
                             _credit, close_past_weeks)
from vendor_qa import clock, create_app, periods  # noqa: E402
from vendor_qa.api.evaluation_schema import PAGE_SIZE  # noqa: E402
from vendor_qa.auth.accounts import create_user  # noqa: E402
from vendor_qa.auth.models import Role  # noqa: E402
from vendor_qa.calls.models import sample_key_for  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402
from vendor_qa.scorecards import versions  # noqa: E402
from vendor_qa.tenants.models import ApiToken, Tenant  # noqa: E402
from vendor_qa.tenants.scoping import tenant_scope  # noqa: E402

ZONE = "Europe/Oslo"
QUEUE_SHARE = 20  # one call in this many of the current week, not evaluated, waits in the grader queue
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Site:
    """One tenant as the clients reach it."""

    id: int
    slug: str
    version_id: int
    criteria: list[tuple[int, str, Decimal]]
    token: str
    evaluations: int


# ---- data ----------------------------------------------------------------------------------------

def setup(app, tenants: int, evaluations_each: int) -> tuple[list[Site], int]:
    """Tenants with a published 10-criterion scorecard, a client manager and an API token each; one
    grader certified for all (their id is returned); a vendor admin."""
    sites = []
    with app.app_context():
        rows = [Tenant(slug=f"bench{n}", name=f"Bench {n}", timezone=ZONE) for n in range(tenants)]
        db.session.add_all(rows)
        db.session.commit()
        grader = create_user(email="grader@bench.example", password=PASSWORD, role=Role.GRADER, certify=rows)
        create_user(email="admin@bench.example", password=PASSWORD, role=Role.VENDOR_ADMIN)
        for n, tenant in enumerate(rows):
            create_user(email=f"manager{n}@bench.example", password=PASSWORD, role=Role.CLIENT_MANAGER, tenant=tenant)
            with tenant_scope(tenant.id):
                token, secret = ApiToken.issue(tenant, "bench")
                db.session.add(token)
                version = versions.create_scorecard(tenant.id, "Inbound", ["phone", "chat", "email", "social"])
                for s in range(2):
                    section = versions.add_section(version, f"Section {s + 1}")
                    for c in range(CRITERIA // 2):
                        k = s * (CRITERIA // 2) + c
                        versions.add_criterion(section, {"text": f"Criterion {k + 1}", "kind": "graded",
                                                         "allow_na": True, "weight": Decimal(5 + 5 * (k % 3)),
                                                         "ability": ABILITIES[k % len(ABILITIES)]})
                versions.publish(version, None)
                db.session.commit()
                sites.append(Site(tenant.id, tenant.slug, version.id,
                                  [(c.id, c.key, c.weight) for c in version.criteria], secret, evaluations_each))
        return sites, grader.id


class Ids:
    """The next free id of each table, across tenants (COPY gives none)."""

    def __init__(self) -> None:
        self.next = {"team": 1, "agent": 1, "call": 1, "assignment": 1, "evaluation": 1}

    def take(self, table: str, count: int) -> int:
        first = self.next[table]
        self.next[table] += count
        return first


def load(url: str, site: Site, ids: Ids, grader_id: int, agents: int, calls: int, seed: int) -> None:
    """One tenant's teams, agents, calls, evaluated calls' assignments, evaluations and criterion
    rows, and the current week's open queue, COPYed in one transaction."""
    rng = random.Random(seed)
    now = clock.now()
    start, step = now - timedelta(days=365), timedelta(days=365) / calls
    week = periods.current_week(ZONE, now)
    team0, agent0, call0 = ids.take("team", TEAMS), ids.take("agent", agents), ids.take("call", calls)
    skill = [rng.uniform(0.55, 0.97) for _ in range(agents)]
    agent_of = [agent0 + rng.randrange(agents) for _ in range(calls)]
    every = max(calls // site.evaluations, 1)
    evaluated = list(range(0, calls, every))[:site.evaluations]
    waiting = [n for n in range(calls) if start + step * n >= week.bounds.start and n % every
               and n % QUEUE_SHARE == 0]
    assignment0 = ids.take("assignment", len(evaluated) + len(waiting))
    evaluation0 = ids.take("evaluation", len(evaluated))
    possible_total = sum(w for _, _, w in site.criteria)
    answers_json = "{" + ", ".join(f'"{key}": "full"' for _, key, _ in site.criteria) + "}"
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO team (id, tenant_id, name) SELECT %s + n, %s, 'Team ' || n "
                     "FROM generate_series(0, %s) n", (team0, site.id, TEAMS - 1))
        with conn.cursor().copy("COPY agent (id, tenant_id, external_id, display_name, code, team_id, active, "
                                "created_at, updated_at) FROM STDIN") as copy:
            for n in range(agents):
                copy.write_row((agent0 + n, site.id, f"agent-{n:05d}", f"Agent {n:05d}", f"AG-{n:05d}",
                                team0 + n % TEAMS, True, now, now))
        with conn.cursor().copy("COPY call (id, tenant_id, external_id, agent_id, channel, started_at, "
                                "duration_seconds, customer_rating, topic, metadata, created_at, updated_at, "
                                "sample_key) FROM STDIN") as copy:
            for n in range(calls):
                at = start + step * n
                copy.write_row((call0 + n, site.id, f"call-{n:07d}", agent_of[n], rng.choice(CHANNELS), at,
                                rng.randrange(30, 1800), rng.choice((1, 2, 3, 4, 5, None)), rng.choice(TOPICS), "{}",
                                at, at, sample_key_for(site.id, f"call-{n:07d}")))
        with conn.cursor().copy("COPY assignment (id, tenant_id, call_id, scorecard_version_id, reason, priority, "
                                "week, due_at, status, grader_id, assigned_at, submitted_at, created_at, updated_at) "
                                "FROM STDIN") as copy:
            for i, n in enumerate(evaluated):
                at = start + step * n + timedelta(hours=1)
                copy.write_row((assignment0 + i, site.id, call0 + n, site.version_id,
                                "calibration" if i % 100 == 99 else "sample", 10, periods.week_of(at, ZONE),
                                at, "submitted", grader_id, at - timedelta(minutes=10), at, at, at))
            for i, n in enumerate(waiting, start=len(evaluated)):
                at = start + step * n
                copy.write_row((assignment0 + i, site.id, call0 + n, site.version_id, "sample", 10, week.key,
                                week.bounds.end, "open", None, None, None, at, at))
        with conn.cursor().copy("COPY evaluation (id, tenant_id, assignment_id, call_id, agent_id, "
                                "scorecard_version_id, grader_id, status, answers, comments, feedback_good, "
                                "feedback_improve, total, passed, band, auto_failed, section_scores, submitted_at, "
                                "grading_seconds, created_at, updated_at) FROM STDIN") as evaluation_copy:
            credits_of = _credits(site, evaluated, agent_of, agent0, skill, seed)
            for i, (n, credits) in enumerate(credits_of):
                at = start + step * n + timedelta(hours=1)
                applicable = [(w, c) for _, _, w, c in credits if c is not None]
                possible = sum(w for w, _ in applicable) or possible_total
                total = (100 * sum(w * c for w, c in applicable) / possible).quantize(Decimal("0.0001"))
                evaluation_copy.write_row((evaluation0 + i, site.id, assignment0 + i, call0 + n, agent_of[n],
                                           site.version_id, grader_id, "submitted", answers_json, "{}",
                                           "Clear greeting.", "Confirm the address.", total, total >= 76,
                                           _band(total), False, "{}", at, 240, at, at))
        with conn.cursor().copy("COPY evaluation_criterion (tenant_id, evaluation_id, criterion_id, criterion_key, "
                                "answer, applicable, earned, possible, missed_critical) FROM STDIN") as copy:
            for i, (_, credits) in enumerate(_credits(site, evaluated, agent_of, agent0, skill, seed)):
                for cid, key, weight, credit in credits:
                    copy.write_row((site.id, evaluation0 + i, cid, key, "na", False, 0, 0, False) if credit is None
                                   else (site.id, evaluation0 + i, cid, key, ANSWERS[credit], True, weight * credit,
                                         weight, False))
        conn.commit()


def _credits(site: Site, evaluated: list[int], agent_of: list[int], agent0: int, skill: list[float], seed: int):
    """Each evaluated call's criterion results, drawn the same way twice (totals first, then rows)."""
    draw = random.Random(seed + 1)
    for n in evaluated:
        yield n, [(cid, key, weight, _credit(draw.random(), skill[agent_of[n] - agent0]))
                  for cid, key, weight in site.criteria]


def finish(app, url: str, sites: list[Site], ids: Ids) -> None:
    """Sequences past the COPYed ids, then what the jobs keep in production."""
    from vendor_qa.reports import jobs

    with psycopg.connect(url, autocommit=True) as conn:
        for table, next_id in ids.next.items():
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", (max(next_id - 1, 1),))
        conn.execute("SELECT setval(pg_get_serial_sequence('evaluation_criterion', 'id'), "
                     "(SELECT max(id) FROM evaluation_criterion))")
        conn.execute("ANALYZE")
    for site in sites:
        with app.app_context():
            jobs.rebuild_rollups(site.id)
        close_past_weeks(app, site.id)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# ---- serving and measuring -----------------------------------------------------------------------

def login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    found = CSRF.search(session.get(f"{base}/login").text)
    check(found, "no CSRF token on the login page")
    response = session.post(f"{base}/login", data={"email": email, "password": PASSWORD, "csrf_token": found[1]},
                            allow_redirects=False)
    check(response.status_code == 302 and "/login" not in response.headers.get("Location", ""),
          f"{email} could not log in ({response.status_code} to {response.headers.get('Location')})")
    return session


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # "manager" (of the client's tenant), "admin", "grader" or "api"
    path: str  # {slug}, {month} and {last} (the API's deepest page) filled per tenant
    target_ms: int


PAGES = [
    Page("client dashboard, current month", "manager", "/t/{slug}/dashboard", 300),
    Page("client dashboard, last month", "manager", "/t/{slug}/dashboard?view=month&month={month}", 300),
    Page("calls list", "manager", "/t/{slug}/calls", 300),
    Page("evaluations list", "manager", "/t/{slug}/evaluations/", 300),
    Page("SLA board (vendor admin)", "admin", "/sla/", 500),
    Page("reliability (vendor admin)", "admin", "/admin/graders/reliability", 300),
    Page("grader queue", "grader", "/grading/queue", 300),
    Page("API evaluations, page 1", "api", "/api/v1/evaluations", 300),
    Page("API evaluations, last page", "api", "/api/v1/evaluations?page={last}", 300),
]


def drive(base: str, page: Page, sessions: list[tuple[requests.Session, Site]], seconds: float,
          month: str) -> list[float]:
    """Every client requests the page back to back until `seconds` pass; every answer's seconds."""
    times: list[list[float]] = [[] for _ in sessions]
    failures: list[str] = []
    gate = threading.Barrier(len(sessions))

    def client(index: int, session: requests.Session, site: Site) -> None:
        last = max(1, -(-int(site.evaluations * 0.99) // PAGE_SIZE))
        url = base + page.path.format(slug=site.slug, month=month, last=last)
        session.get(url, allow_redirects=False)  # untimed: a worker's first request of a page compiles its templates
        gate.wait()
        until = time.perf_counter() + seconds
        while time.perf_counter() < until and not failures:
            began = time.perf_counter()
            response = session.get(url, allow_redirects=False)
            times[index].append(time.perf_counter() - began)
            if response.status_code != 200:
                failures.append(f"{url} answered {response.status_code}")

    threads = [threading.Thread(target=client, args=(i, s, site)) for i, (s, site) in enumerate(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check(not failures, f"{page.name}: {failures[0] if failures else ''}")
    return [t for found in times for t in found]


def sessions_for(base: str, who: str, sites: list[Site], clients: int) -> list[tuple[requests.Session, Site]]:
    """A session per client, clients spread over the tenants (one login per tenant, its cookies shared)."""
    logged: dict[int, requests.Session] = {}
    found = []
    for n in range(clients):
        site = sites[n % len(sites)]
        if site.id not in logged:
            email = {"manager": f"manager{sites.index(site)}@bench.example", "admin": "admin@bench.example",
                     "grader": "grader@bench.example"}.get(who)
            logged[site.id] = login(base, email) if email else requests.Session()
            if who == "api":
                logged[site.id].headers["Authorization"] = f"Bearer {site.token}"
        session = requests.Session()
        session.cookies.update(logged[site.id].cookies)
        session.headers.update(logged[site.id].headers)
        found.append((session, site))
    return found


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 \
        else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=4)
    parser.add_argument("--agents", type=int, default=2_000, help="in all, shared evenly by the tenants")
    parser.add_argument("--calls", type=int, default=2_000_000, help="in all")
    parser.add_argument("--evaluations", type=int, default=200_000, help="in all")
    parser.add_argument("--seconds", type=float, default=30, help="of load per page")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn's")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (its URL is printed)")
    args = parse_args(parser, smoke={"agents": 80, "calls": 20_000, "evaluations": 2_000, "seconds": 2})
    check(min(args.tenants, args.agents, args.calls, args.evaluations, args.clients, args.workers) > 0
          and args.seconds > 0, "every option must be positive")
    check(args.agents >= args.tenants and args.calls >= args.evaluations, "fewer agents than tenants, or calls "
                                                                           "than evaluations")
    with scratch(keep=args.keep) as url:
        from flask_migrate import upgrade

        plain_url = url.replace("postgresql+psycopg://", "postgresql://")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
        began = time.perf_counter()
        (sites, grader_id), ids = setup(app, args.tenants, args.evaluations // args.tenants), Ids()
        for n, site in enumerate(sites):
            load(plain_url, site, ids, grader_id, args.agents // args.tenants, args.calls // args.tenants, seed=6 + n)
        print(f"loaded {args.tenants} tenants: {args.agents:,} agents, {args.calls:,} calls, "
              f"{args.evaluations:,} evaluations in {time.perf_counter() - began:.0f} s", flush=True)
        began = time.perf_counter()
        finish(app, plain_url, sites, ids)
        print(f"rollups, verdicts, closed SLA weeks, VACUUM ANALYZE in {time.perf_counter() - began:.0f} s",
              flush=True)
        month = periods.previous(periods.current_month(ZONE), ZONE).key
        with serve(plain_url, APP_ENV="testing", WEB_CONCURRENCY=str(args.workers),
                   LOGIN_RATE_LIMIT="10000 per minute", PASSWORD_CHECK_WAIT_SECONDS="30") as base:
            print(f"gunicorn (the Procfile's web line) with {args.workers} workers, {args.clients} clients, "
                  f"{args.seconds:g} s a page")
            print(f"{'page':36s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'target':>7s} {'p95/target':>10s}")
            for page in PAGES:
                times = drive(base, page, sessions_for(base, page.who, sites, args.clients), args.seconds, month)
                p50, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
                print(f"{page.name:36s} {len(times):8d} {p50:8.0f} {p95:8.0f} {page.target_ms:7d} "
                      f"{p95 / page.target_ms:10.2f}", flush=True)


if __name__ == "__main__":
    main()
