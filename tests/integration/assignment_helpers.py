"""Test data for the assignment and claiming tests: a published scorecard, a pool of open work."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from vendor_qa import clock, periods
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.scorecards import versions
from vendor_qa.tenants.scoping import tenant_scope


def published_scorecard(tenant, channels=("phone",), name: str = "Inbound") -> int:
    """The id of a newly published version 1 with one criterion."""
    with tenant_scope(tenant.id):
        v1 = versions.create_scorecard(tenant.id, name, list(channels))
        versions.add_criterion(versions.add_section(v1, "Opening"),
                               {"text": "Greets the customer", "kind": "binary", "weight": Decimal(5)})
        versions.publish(v1, None)
        db.session.commit()
        return v1.id


def open_pool(build, tenant, count: int, version_id: int | None = None, priority: int = 10,
              due: datetime | None = None, week: str | None = None) -> list[int]:
    """`count` calls of one agent, each with an open sample assignment; their ids, in insert order.

    The calls are of `week` (default: the current ISO week in UTC, whose SLA is still open),
    from its Monday 09:00 UTC on. Written set-based: concurrency tests need hundreds of rows quickly.
    """
    version_id = version_id or published_scorecard(tenant, name=f"Pool {uuid.uuid4().hex[:8]}")
    agent = build.agent(tenant)
    week = week or periods.current_week_key("UTC")
    start = periods.week_bounds(week, "UTC")[0] + timedelta(hours=9)
    due = due or clock.now() + timedelta(days=3)
    with tenant_scope(tenant.id):
        call_ids = db.session.scalars(insert(Call).returning(Call.id), [
            dict(tenant_id=tenant.id, agent_id=agent.id, external_id=f"pool-{agent.id}-{n}", channel="phone",
                 started_at=start + timedelta(minutes=n), duration_seconds=120, extra={})
            for n in range(count)
        ]).all()
        ids = db.session.scalars(insert(Assignment).returning(Assignment.id), [
            dict(tenant_id=tenant.id, call_id=call_id, scorecard_version_id=version_id, reason="sample",
                 priority=priority, week=week, due_at=due, status="open")
            for call_id in call_ids
        ]).all()
        db.session.commit()
        return sorted(ids)


def assignment(assignment_id: int) -> Assignment:
    """A fresh read of an assignment, whatever its tenant (tests look across tenants)."""
    from vendor_qa.tenants.scoping import all_tenants

    with all_tenants("test inspection"):
        db.session.expire_all()
        return db.session.scalar(select(Assignment).where(Assignment.id == assignment_id))
