"""Benchmark: the monthly report of a large tenant, built end to end (figures, PDF, both CSVs).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/report_build.py

Loads the same scratch tenant as bench/dashboard.py (its `setup` and `load_evaluations`:
2,000 agents and 500,000 evaluations with their criterion rows over a year), then runs the
report job `build_report(tenant, <last full month>)` as the scheduler would and prints its
time (target: under 60 s), the sizes of the PDF and the CSVs, and the agents in the lowest band.
A report that is not ready, or has no evaluations, ends the run with a non-zero exit.
--smoke: 200 agents and 10,000 evaluations, in seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["APP_ENV"] = "testing"

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import undefer  # noqa: E402

from bench._harness import check, parse_args, scratch  # noqa: E402
from bench.dashboard import last_full_month, load_evaluations, setup  # noqa: E402
from vendor_qa import create_app  # noqa: E402
from vendor_qa.extensions import db  # noqa: E402
from vendor_qa.reports import jobs  # noqa: E402
from vendor_qa.reports.models import Report  # noqa: E402
from vendor_qa.tenants.models import Tenant  # noqa: E402
from vendor_qa.tenants.scoping import tenant_scope  # noqa: E402

TARGET_SECONDS = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=2_000)
    parser.add_argument("--evaluations", type=int, default=500_000)
    args = parse_args(parser, smoke={"agents": 200, "evaluations": 10_000})
    check(min(args.agents, args.evaluations) > 0, "--agents and --evaluations must be positive")
    with scratch() as url:
        from flask_migrate import upgrade

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade()
        tenant_id, criteria, version_id, grader = setup(app, args.agents)
        load_evaluations(url.replace("postgresql+psycopg://", "postgresql://"), tenant_id, args.agents,
                         args.evaluations, criteria, version_id, grader)
        with app.app_context():
            month = last_full_month(db.session.get(Tenant, tenant_id).zone)
            began = time.perf_counter()
            report_id = jobs.build_report(tenant_id, month)
            seconds = time.perf_counter() - began
            with tenant_scope(tenant_id):
                report = db.session.scalar(select(Report).where(Report.id == report_id).options(
                    undefer(Report.pdf), undefer(Report.evaluations_csv), undefer(Report.agents_csv)))
                check(report.status == "ready", f"the report is {report.status}: {report.error}")
                figures = report.snapshot["figures"]
                check(figures["evaluations"], f"the report of {month} has no evaluations")
                print(f"month {month}: {figures['evaluations']:,} evaluations, "
                      f"{len(report.snapshot['lowest_band']['agents']):,} agents in the lowest band")
                print(f"PDF {len(report.pdf) / 1024:,.0f} KiB, evaluations CSV {len(report.evaluations_csv) / 1024:,.0f} "
                      f"KiB gzipped, agents CSV {len(report.agents_csv) / 1024:,.0f} KiB gzipped")
        print(f"monthly report build (PDF included): {seconds:.1f} s  (target < {TARGET_SECONDS} s)")


if __name__ == "__main__":
    main()
