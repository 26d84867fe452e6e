"""`flask reports ...`: the report jobs run by hand."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from vendor_qa import periods
from vendor_qa.extensions import db
from vendor_qa.reports import delivery, jobs
from vendor_qa.tenants.models import Tenant

reports_cli = AppGroup("reports", help="Reports: build a tenant's report of a period and e-mail it.")


@reports_cli.command("build")
@click.option("--tenant", "slug", required=True, help="Tenant slug.")
@click.option("--period", required=True, help="ISO week (2026-W47), month (2026-11) or range (2026-11-03..2026-11-20).")
@click.option("--deliver", is_flag=True, help="E-mail it to the tenant's report recipients once built.")
def build_command(slug: str, period: str, deliver: bool) -> None:
    """Build (once) the scheduled report of a tenant's period, and optionally deliver it."""
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.BadParameter(f"no tenant with slug {slug!r}", param_hint="--tenant")
    try:
        key = periods.parse_period(period, tenant.zone).key
    except periods.PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--period") from None
    try:
        report_id = jobs.build_report(tenant.id, key)
    except Exception as error:  # the report row keeps the error too
        raise click.ClickException(f"{slug} {key}: the build failed: {error}") from None
    click.echo(f"{slug} {key}: report {report_id} ready")
    if deliver:
        try:
            result = jobs.deliver_report(tenant.id, report_id)
        except delivery.DeliveryIncomplete as incomplete:
            raise click.ClickException(f"report {report_id}: {incomplete}") from None
        click.echo(f"delivered: {result['sent']} sent, {result['skipped']} already sent or skipped")


@reports_cli.group("rollups")
def rollups_cli() -> None:
    """The report rollups (kept at each submission; rebuilt after bulk loads or to repair them)."""


@rollups_cli.command("rebuild")
@click.option("--tenant", "slug", help="Tenant slug (default: every tenant).")
def rebuild_command(slug: str | None) -> None:
    """Recompute a tenant's report rollups from its evaluations, each tenant in one transaction."""
    query = select(Tenant.id, Tenant.slug).order_by(Tenant.id)
    found = db.session.execute(query if slug is None else query.where(Tenant.slug == slug)).all()
    if slug is not None and not found:
        raise click.BadParameter(f"no tenant with slug {slug!r}", param_hint="--tenant")
    for tenant_id, tenant_slug in found:
        click.echo(f"{tenant_slug}: rollups rebuilt ({jobs.rebuild_rollups(tenant_id)} days of evaluations)")
