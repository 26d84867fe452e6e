"""`flask sla ...`: the SLA jobs run by hand, and a week's status as text or JSON."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from vendor_qa import clock, periods
from vendor_qa.extensions import db
from vendor_qa.sla import jobs, tracker
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope

sla_cli = AppGroup("sla", help="SLA: plan, track, status and close of tenants' weeks.")


def _tenant(slug: str) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant with slug {slug!r}", param_hint="--tenant")
    return tenant


def _week(week: str | None, tenant: Tenant | None = None) -> str:
    if week is None:
        return periods.week_of(clock.now(), tenant.timezone if tenant else "UTC")
    try:
        periods.parse_week(week)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--week") from None
    return week


def _as_of(text: str | None) -> str:
    try:
        return jobs.parse_moment(text).isoformat()
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--as-of") from None


TENANT = click.option("--tenant", "slug", help="Tenant slug.")
AS_OF = click.option("--as-of", "as_of", help="ISO 8601 instant with offset (default: now).")


@sla_cli.command("plan")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--week", help="ISO week, e.g. 2026-W47 (default: the tenant's current week).")
@AS_OF
def plan_command(slug: str, week: str | None, as_of: str | None) -> None:
    """Plan a tenant's week: priority reviews and samples, handed out to graders."""
    tenant = _tenant(slug)
    result = jobs.plan_tenant_week(tenant.id, _week(week, tenant), _as_of(as_of))
    click.echo(f"{slug} {result['week']} (day {result['day']}): {result['low_rating']} priority review(s), "
               f"{result['samples']} sample(s); {result['given']} handed out, {result['left_in_pool']} left in "
               f"the pool. {result['note']}".rstrip())


@sla_cli.command("track")
@TENANT
@AS_OF
def track_command(slug: str | None, as_of: str | None) -> None:
    """Track the current week of one tenant or all active ones: overdue work, statuses, alerts."""
    stamp = _as_of(as_of)
    tenants = [_tenant(slug)] if slug else jobs.active_tenants()
    for tenant in tenants:
        result = jobs.track_tenant(tenant.id, stamp)
        click.echo(f"{tenant.slug} {result['week']}: {result['taken_back']} overdue taken back, "
                   f"{result['given']} handed out, {result['left_in_pool']} left in the pool")


@sla_cli.command("status")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--week", help="ISO week, e.g. 2026-W47 (default: the tenant's current week).")
@AS_OF
@click.option("--json", "as_json", is_flag=True, help="Print JSON: each agent's row and the totals.")
def status_command(slug: str, week: str | None, as_of: str | None, as_json: bool) -> None:
    """Each agent's row for a week: required, assigned, completed, overdue, status."""
    tenant = _tenant(slug)
    week = _week(week, tenant)
    with tenant_scope(tenant.id):
        rows = tracker.week_rows(tenant, week, jobs.parse_moment(_as_of(as_of)))
    summary = tracker.totals(rows)
    if as_json:
        click.echo(json.dumps({"tenant": slug, "week": week, "agents": [r.as_dict() for r in rows],
                               "totals": summary.as_dict()}, indent=2))
        return
    for r in rows:
        click.echo(f"{r.code:10} {r.required:>3} required {r.assigned:>3} assigned {r.completed:>3} completed "
                   f"{r.overdue:>3} overdue  {r.status}")
    click.echo(f"{summary.met} of {summary.agents} agent(s) met, {summary.at_risk} at risk")


@sla_cli.command("close")
@click.option("--week", help="ISO week (default: each tenant's previous week).")
@TENANT
@AS_OF
def close_command(week: str | None, slug: str | None, as_of: str | None) -> None:
    """Write the permanent record of a finished week (a closed week is left as it is)."""
    stamp = _as_of(as_of)
    tenants = [_tenant(slug)] if slug else jobs.active_tenants()
    for tenant in tenants:
        target = _week(week) if week else periods.previous_week(periods.week_of(jobs.parse_moment(stamp), tenant.timezone))
        try:
            closed = jobs.close_tenant_week(tenant.id, target, stamp)
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{tenant.slug} {target}: {'closed' if closed else 'closed already'}")
