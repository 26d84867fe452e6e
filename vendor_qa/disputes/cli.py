"""`flask disputes alert`: the aged-dispute alert run by hand, for one tenant or all.

Carried by the disputes blueprint's command group (vendor_qa.disputes.views), so registering
the blueprint registers the job with the scheduler too.
"""

from __future__ import annotations

import click

from vendor_qa.disputes import jobs
from vendor_qa.sla.cli import AS_OF, _as_of, _tenant


@click.command("alert")
@click.option("--tenant", "slug", help="Tenant slug (default: every active tenant).")
@AS_OF
def alert_command(slug: str | None, as_of: str | None) -> None:
    """Alert vendor admins of disputes open longer than each tenant allows."""
    stamp = _as_of(as_of)
    for tenant in [_tenant(slug)] if slug else jobs.active_tenants():
        click.echo(f"{tenant.slug}: {jobs.alert_overdue_disputes(tenant.id, stamp)}")
