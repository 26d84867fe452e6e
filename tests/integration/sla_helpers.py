"""Test data for the SLA engine: tenants with a scorecard for every channel, weeks of calls."""

from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from vendor_qa import periods
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.scorecards import versions
from vendor_qa.sla.sampling import Candidate
from vendor_qa.tenants.scoping import tenant_scope

WEEK = "2026-W47"  # Monday 16 to Sunday 22 November 2026
_numbers = itertools.count(1)


def scorecard_for_every_channel(tenant) -> int:
    """A published scorecard covering all four channels; its version id."""
    with tenant_scope(tenant.id):
        version = versions.create_scorecard(tenant.id, f"All channels {next(_numbers)}",
                                            ["phone", "chat", "email", "social"])
        section = versions.add_section(version, "Opening")
        versions.add_criterion(section, {"text": "Greets", "kind": "binary", "weight": Decimal(5)})
        versions.publish(version, None)
        db.session.commit()
        return version.id


def sla_tenant(build, zone: str = "UTC", slug: str | None = None):
    tenant = build.tenant(slug=slug, timezone=zone)
    scorecard_for_every_channel(tenant)
    return tenant


def at(tenant, week: str = WEEK, day: int = 7, hour: int = 12) -> datetime:
    """An instant on day `day` (1 = Monday) of the week, in the tenant's zone, as UTC."""
    start, _ = periods.week_bounds(week, tenant.timezone)
    local = start.astimezone(tenant.zone) + timedelta(days=day - 1)
    return local.replace(hour=hour).astimezone(start.tzinfo)


def add_calls(tenant, agent, specs, week: str = WEEK) -> list[int]:
    """Calls of `agent` in the week from (duration, rating) pairs, spread over its days; their ids."""
    start, _ = periods.week_bounds(week, tenant.timezone)
    rows = [{"tenant_id": tenant.id, "agent_id": agent.id, "external_id": f"c-{agent.id}-{next(_numbers)}",
             "channel": "phone", "started_at": start + timedelta(hours=1 + (i * 7) % 160),
             "duration_seconds": duration, "customer_rating": rating, "metadata": {}}
            for i, (duration, rating) in enumerate(specs)]
    if not rows:
        return []
    with tenant_scope(tenant.id):
        ids = list(db.session.scalars(insert(Call).returning(Call.id), rows))
        db.session.commit()
    return ids


def random_specs(rng: random.Random, count: int) -> list[tuple[int, int | None]]:
    return [(rng.choice([30, 90, 179, 180, 400, 900]), rng.choice([None, None, None, 1, 2, 3, 4, 5]))
            for _ in range(count)]


def assign(tenant, call_id: int, version_id: int, reason: str = "manual", week: str = WEEK,
           status: str = "open", due_at: datetime | None = None, **fields) -> int:
    with tenant_scope(tenant.id):
        row = Assignment(tenant_id=tenant.id, call_id=call_id, scorecard_version_id=version_id, reason=reason,
                         priority=50, week=week, due_at=due_at or at(tenant, week, 7), status=status, **fields)
        db.session.add(row)
        db.session.commit()
        return row.id


def assignments(tenant, week: str = WEEK) -> set[tuple[int, str]]:
    """(call id, reason) of the week's assignments."""
    with tenant_scope(tenant.id):
        return set(db.session.execute(select(Assignment.call_id, Assignment.reason)
                                      .where(Assignment.week == week)).tuples())


def candidates(tenant, agent_id: int, week: str = WEEK) -> list[Candidate]:
    """The agent's calls in the week as the pure sampling sees them."""
    start, end = periods.week_bounds(week, tenant.timezone)
    with tenant_scope(tenant.id):
        taken = set(db.session.scalars(select(Assignment.call_id).where(
            Assignment.week == week, Assignment.reason != "calibration")))
        calls = db.session.scalars(select(Call).where(Call.agent_id == agent_id, Call.started_at >= start,
                                                      Call.started_at < end)).all()
        return [Candidate(c.id, c.duration_seconds, c.customer_rating, c.sample_key, c.id in taken) for c in calls]
