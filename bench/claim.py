"""Benchmark: "Get next" under load, against bare row-lock round trips; and evaluation submits.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/claim.py

Creates a scratch database on that PostgreSQL server (dropped at the end) with one
tenant, GRADERS graders certified for it and a pool of POOL open assignments on the calls
of AGENTS agents. Then:

1. app: GRADERS threads, each with its own app context and session, call the
   application's claim path (`assignments.claim_next` and a commit) until the pool is
   empty. Prints claims per second and the duplicate count (must be 0).
2. bare: the pool is reset and the same threads, each on its own connection, run the
   bare `SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1` + `UPDATE` + commit in a loop.
   Prints the rate and the ratio app / bare (target >= 0.5).
3. submits: SUBMITS assignments of the pool are spread over the graders, each grader
   opens its grading forms (not timed), then all submit at once through
   `evaluations.submit` (a 20-criterion scorecard, every answer given). Prints submits/s.

The graders are certified through `accounts.certify`, so they pass the tenant's certification
gate as the app decides it. Any phase that leaves part of the pool unclaimed, claims an
assignment twice or stores fewer evaluations than submitted ends the run with a non-zero
exit: that is a broken benchmark, not a timing. --smoke: a pool of 500, in seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

from sqlalchemy import delete, insert, select, text, update  # noqa: E402

from bench._harness import check, parse_args, scratch  # noqa: E402
from vendor_qa import clock, create_app  # noqa: E402
from vendor_qa.auth import accounts  # noqa: E402
from vendor_qa.auth.models import User  # noqa: E402
from vendor_qa.calls.models import Agent, Call  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402
from vendor_qa.grading import assignments, evaluations  # noqa: E402
from vendor_qa.grading.models import Assignment, AssignmentEvent, Evaluation  # noqa: E402
from vendor_qa.scorecards import engine, versions  # noqa: E402
from vendor_qa.tenants.models import Tenant  # noqa: E402
from vendor_qa.tenants.scoping import tenant_scope  # noqa: E402

CRITERIA = 20
BARE_SELECT = text(
    "SELECT id FROM assignment WHERE tenant_id = ANY(:tenants) AND status = 'open' AND grader_id IS NULL "
    "ORDER BY priority DESC, due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
)
BARE_UPDATE = text(
    "UPDATE assignment SET status = 'assigned', grader_id = :grader, assigned_at = now(), updated_at = now() "
    "WHERE id = :id"
)


# ---- set-up --------------------------------------------------------------------------------

def setup(app, graders: int, pool: int, agents: int) -> tuple[int, list[int]]:
    """A tenant with a published 20-criterion scorecard, its graders, and `pool` open assignments."""
    with app.app_context():
        tenant = Tenant(slug="bench", name="Bench Co", timezone="Europe/Oslo")
        db.session.add(tenant)
        db.session.flush()
        grader_ids = db.session.scalars(insert(User).returning(User.id), [
            dict(email=f"grader{n}@bench.example", name=f"Grader {n}", password_hash="!", role="grader",
                 pseudonym=f"G-B{n:03d}") for n in range(graders)
        ]).all()
        # The app's own certification: a bare row would start pending behind the gate, and
        # claim_next gives a pending grader nothing.
        users = db.session.scalars(select(User).where(User.id.in_(grader_ids))).all()
        for user in users:
            accounts.certify(user, tenant)
        db.session.flush()
        blocked = [u.email for u in users if tenant.id not in u.working_tenant_ids]
        check(not blocked, f"{len(blocked)} of {graders} graders are not past the certification gate: {blocked[:3]}")
        with tenant_scope(tenant.id):
            version = versions.create_scorecard(tenant.id, "Inbound", ["phone"])
            for s in range(4):
                section = versions.add_section(version, f"Section {s + 1}")
                for c in range(CRITERIA // 4):
                    versions.add_criterion(section, {"text": f"Criterion {s}.{c}", "kind": "binary",
                                                     "weight": Decimal(1 + c)})
            versions.publish(version, None)
            # Calls spread over many agents, as in production: a submit refreshes its agent's
            # report rollups under a lock per agent, so one agent would serialise every submit.
            agent_ids = db.session.scalars(insert(Agent).returning(Agent.id), [
                dict(tenant_id=tenant.id, external_id=f"agent-{n}", display_name=f"Agent {n}") for n in range(agents)
            ]).all()
            start = datetime(2026, 11, 16, 8, tzinfo=timezone.utc)
            call_ids = db.session.scalars(insert(Call).returning(Call.id), [
                dict(tenant_id=tenant.id, agent_id=agent_ids[n % agents], external_id=f"call-{n}", channel="phone",
                     started_at=start + timedelta(seconds=60 * n), duration_seconds=300, extra={})
                for n in range(pool)
            ]).all()
            due = clock.now() + timedelta(days=3)
            db.session.execute(insert(Assignment), [
                dict(tenant_id=tenant.id, call_id=call_id, scorecard_version_id=version.id, reason="sample",
                     priority=(10, 50, 100)[n % 3], week="2026-W47", due_at=due + timedelta(minutes=n % 97),
                     status="open")
                for n, call_id in enumerate(call_ids)
            ])
        db.session.commit()
        return tenant.id, grader_ids


def reset_pool(app) -> None:
    """Every assignment open again, no events, and the tables vacuumed: each phase starts alike."""
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(delete(AssignmentEvent.__table__))
            conn.execute(update(Assignment.__table__).values(status="open", grader_id=None, assigned_at=None))
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE assignment, assignment_event")


# ---- running graders in threads ------------------------------------------------------------

def race(workers: list) -> float:
    """Run the workers in threads started together; the wall-clock seconds until all are done."""
    errors: list[BaseException] = []
    gate = threading.Barrier(len(workers) + 1)

    def run(work) -> None:
        try:
            work(gate)
        except BaseException as error:  # noqa: BLE001 - re-raised below
            errors.append(error)
            gate.abort()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    gate.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - began


def app_claimer(app, grader_id: int, claimed: list[int]):
    def work(gate) -> None:
        with app.app_context():
            grader = db.session.get(User, grader_id)
            grader.working_tenant_ids  # noqa: B018 - loaded before the clock starts
            db.session.commit()
            gate.wait()
            while (assignment := assignments.claim_next(grader)) is not None:
                db.session.commit()
                claimed.append(assignment.id)

    return work


def bare_claimer(app, tenant_id: int, grader_id: int, claimed: list[int]):
    def work(gate) -> None:
        with app.app_context(), db.engine.connect() as conn:
            gate.wait()
            while True:
                with conn.begin():
                    found = conn.execute(BARE_SELECT, {"tenants": [tenant_id]}).scalar()
                    if found is None:
                        return
                    conn.execute(BARE_UPDATE, {"grader": grader_id, "id": found})
                claimed.append(found)

    return work


def submitter(app, tenant_id: int, grader_id: int, assignment_ids: list[int], form: dict[str, str]):
    def work(gate) -> None:
        with app.app_context(), tenant_scope(tenant_id):
            tenant = db.session.get(Tenant, tenant_id)
            for assignment_id in assignment_ids:  # opening the forms is not timed
                evaluations.open_form(db.session.get(Assignment, assignment_id))
            gate.wait()
            for assignment_id in assignment_ids:
                checked = evaluations.submit(db.session.get(Assignment, assignment_id), form, tenant)
                check(checked.ok, f"submit refused: {checked.errors}")

    return work


def duplicates(claimed: list[int]) -> int:
    return sum(n - 1 for n in Counter(claimed).values())


def check_claims(path: str, claimed: list[int], pool: int) -> int:
    """The duplicate count, 0: a phase must claim each assignment of the pool exactly once."""
    twice = duplicates(claimed)
    check(twice == 0, f"{path} claimed {twice} assignment(s) more than once")
    check(len(claimed) == pool, f"{path} claimed {len(claimed):,} of a pool of {pool:,}")
    return twice


# ---- the measurements ----------------------------------------------------------------------

def measure_claims(app, tenant_id: int, grader_ids: list[int], pool: int) -> tuple[float, int, float, int]:
    reset_pool(app)
    app_claims: list[int] = []
    app_seconds = race([app_claimer(app, g, app_claims) for g in grader_ids])
    app_dupes = check_claims("app claim_next", app_claims, pool)
    reset_pool(app)
    bare_claims: list[int] = []
    bare_seconds = race([bare_claimer(app, tenant_id, g, bare_claims) for g in grader_ids])
    bare_dupes = check_claims("bare SELECT FOR UPDATE SKIP LOCKED", bare_claims, pool)
    return pool / app_seconds, app_dupes, pool / bare_seconds, bare_dupes


def measure_submits(app, tenant_id: int, grader_ids: list[int], count: int) -> float:
    reset_pool(app)
    with app.app_context():
        with tenant_scope(tenant_id):
            version = versions.current_version_for_channel(db.session.get(Tenant, tenant_id), "phone")
            check(version is not None, "no published scorecard version for phone calls")
            form = {engine.ANSWER_PREFIX + c.key: "yes" for c in version.criteria}
        form.update(feedback_good="Warm greeting, clear summary.", feedback_improve="Confirm the address.")
        ids = _first_ids(count)
        share = {g: ids[n::len(grader_ids)] for n, g in enumerate(grader_ids)}
        with db.engine.begin() as conn:
            for grader_id, mine in share.items():
                conn.execute(update(Assignment.__table__).where(Assignment.id.in_(mine))
                             .values(status="assigned", grader_id=grader_id, assigned_at=clock.now()))
    seconds = race([submitter(app, tenant_id, g, mine, form) for g, mine in share.items()])
    with app.app_context(), tenant_scope(tenant_id):
        submitted = db.session.scalar(select(db.func.count(Evaluation.id)).where(Evaluation.status == "submitted"))
    check(submitted == count, f"{submitted:,} of {count:,} evaluations stored as submitted")
    return count / seconds


def _first_ids(count: int) -> list[int]:
    with db.engine.connect() as conn:
        return list(conn.execute(select(Assignment.__table__.c.id).order_by(Assignment.__table__.c.id)
                                 .limit(count)).scalars())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graders", type=int, default=32)
    parser.add_argument("--pool", type=int, default=5_000)
    parser.add_argument("--submits", type=int, default=2_000)
    parser.add_argument("--agents", type=int, default=200)
    args = parse_args(parser, smoke={"pool": 500, "submits": 100})
    check(min(args.graders, args.pool, args.submits, args.agents) > 0,
          "--graders, --pool, --submits and --agents must be positive")
    with scratch() as url:
        from flask_migrate import upgrade

        # The production engine settings (config.py: pre-ping on checkout), with a connection
        # for every grader thread, as N web workers would each have their own.
        engine_options = {"pool_pre_ping": True, "pool_size": args.graders + 4, "max_overflow": 0}
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options})
        with app.app_context():
            upgrade()
        tenant_id, grader_ids = setup(app, args.graders, args.pool, args.agents)

        app_rate, app_dupes, bare_rate, bare_dupes = measure_claims(app, tenant_id, grader_ids, args.pool)
        print(f"{args.graders} graders claiming from a pool of {args.pool:,}, PostgreSQL")
        print(f"app  claim_next + commit            : {app_rate:8.0f} claims/s  duplicates {app_dupes}")
        print(f"bare SELECT FOR UPDATE SKIP LOCKED  : {bare_rate:8.0f} claims/s  duplicates {bare_dupes}")
        print(f"ratio app / bare                    : {app_rate / bare_rate:.2f}  (target >= 0.5)")
        submit_rate = measure_submits(app, tenant_id, grader_ids, min(args.submits, args.pool))
        print(f"submits, {CRITERIA}-criterion scorecard     : {submit_rate:8.0f} submits/s "
              f"({min(args.submits, args.pool):,} by {args.graders} graders at once)")


if __name__ == "__main__":
    main()
