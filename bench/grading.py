"""Benchmark: a grader's working loop, server time per step, and the grading form's HTML size.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/grading.py

Creates a scratch database on that PostgreSQL server (dropped at the end) with one tenant, a
published 20-criterion scorecard and a pool of POOL open assignments on the calls of AGENTS
agents (bench/claim.py's set-up, about the demo's size), and a grader certified for it. The
grader then works through RUNS calls through the Flask test client, as the browser would:

1. open form: GET of the grading form (the work was started by the step before);
2. save draft: the form's autosave (htmx POST of half the answers);
3. submit and next: POST of every answer with "Submit and next": the evaluation is scored and
   stored, the next assignment claimed from the pool and started, and the redirect answered.

Prints p50/p95 of each step's server time (the test client: no network, no browser) and the
ratio of p95 to the 100 ms target; then the size of the form's HTML for the 20-criterion
scorecard and its ratio to the 60 KB target. A step that does not answer as the browser
expects ends the run with a non-zero exit. --smoke: a pool of 300 and 30 calls, in seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

from bench._harness import check, parse_args, scratch  # noqa: E402
from bench.claim import CRITERIA, setup  # noqa: E402
from vendor_qa import create_app  # noqa: E402
from vendor_qa.auth import accounts  # noqa: E402
from vendor_qa.auth.models import Role  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402
from vendor_qa.grading.evaluations import answer_field  # noqa: E402
from vendor_qa.grading.models import Assignment  # noqa: E402
from vendor_qa.scorecards.versions import get_version  # noqa: E402
from vendor_qa.tenants.models import Tenant  # noqa: E402
from vendor_qa.tenants.scoping import tenant_scope  # noqa: E402

TARGET_MS = 100
TARGET_HTML_KB = 60
PASSWORD = "bench password 123"
EMAIL = "workbench@bench.example"
FEEDBACK = {"feedback_good": "Clear and friendly.", "feedback_improve": "Confirm the fix at the end."}


def grader_and_answers(app, tenant_id: int) -> dict[str, str]:
    """A grader who can log in, certified for the tenant; the form's fields for full marks."""
    with app.app_context():
        tenant = db.session.get(Tenant, tenant_id)
        user = accounts.create_user(email=EMAIL, password=PASSWORD, role=Role.GRADER, name="Workbench Grader")
        db.session.flush()
        accounts.certify(user, tenant)
        db.session.commit()
        check(tenant.id in user.working_tenant_ids, "the bench grader is not past the certification gate")
        with tenant_scope(tenant_id):
            version_id = db.session.scalar(db.select(Assignment.scorecard_version_id).limit(1))
            keys = [c.key for c in get_version(version_id).criteria]
    check(len(keys) == CRITERIA, f"the scorecard has {len(keys)} criteria, not {CRITERIA}")
    return {answer_field(key): "yes" for key in keys}


def timed(times: list[float], request, *args, **kwargs):
    """request(*args, **kwargs), its server time added to `times`."""
    began = time.perf_counter()
    response = request(*args, **kwargs)
    times.append(time.perf_counter() - began)
    return response


def work(app, answers: dict[str, str], runs: int) -> tuple[dict[str, list[float]], int]:
    """The grader's loop; each step's server times, and the largest form's HTML size in bytes."""
    client = app.test_client()
    check(client.post("/login", data={"email": EMAIL, "password": PASSWORD}).status_code == 302,
          "the bench grader cannot log in")
    location = client.post("/grading/next").headers.get("Location", "")
    check(location.startswith("/grading/assignments/"), f"Get next led to {location!r}")
    times: dict[str, list[float]] = {"open form": [], "save draft": [], "submit and next": []}
    half = dict(list(answers.items())[: len(answers) // 2])
    largest = 0
    for _ in range(runs):
        form = timed(times["open form"], client.get, location)
        check(form.status_code == 200 and b'id="grading-form"' in form.data,
              f"{location} answered {form.status_code} without the grading form")
        largest = max(largest, len(form.data))
        draft = timed(times["save draft"], client.post, f"{location}/draft", data=half, headers={"HX-Request": "true"})
        check(draft.status_code == 200, f"the draft of {location} answered {draft.status_code}")
        done = timed(times["submit and next"], client.post, location, data={**answers, **FEEDBACK, "then": "next"})
        following = done.headers.get("Location", "")
        check(done.status_code == 302 and following.startswith("/grading/assignments/") and following != location,
              f"submit and next of {location} answered {done.status_code} to {following!r}")
        location = following
    return times, largest


def percentile_ms(values: list[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=5_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--runs", type=int, default=200)
    args = parse_args(parser, smoke={"pool": 300, "runs": 30})
    check(min(args.pool, args.agents) > 0 and 2 <= args.runs < args.pool,
          "--pool and --agents must be positive, --runs at least 2 and below --pool")
    with scratch() as url:
        from flask_migrate import upgrade

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
        with app.app_context():
            upgrade()
        tenant_id, _ = setup(app, 1, args.pool, args.agents)
        answers = grader_and_answers(app, tenant_id)
        work(app, answers, 3)  # warm: compiled templates and statements, the planner's statistics
        times, html_bytes = work(app, answers, args.runs)
    print(f"a grader's loop, {args.runs} calls, {CRITERIA}-criterion scorecard, pool of {args.pool:,}, PostgreSQL")
    for step, values in times.items():
        p50, p95 = percentile_ms(values, 50), percentile_ms(values, 95)
        print(f"{step:16s}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p95 / {TARGET_MS} ms target = {p95 / TARGET_MS:.2f}")
    kb = html_bytes / 1024
    print(f"form HTML       : {kb:6.1f} KB  / {TARGET_HTML_KB} KB target = {kb / TARGET_HTML_KB:.2f}")


if __name__ == "__main__":
    main()
