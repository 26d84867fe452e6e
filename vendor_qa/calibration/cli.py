"""`flask calibration cadence`: the cadence job run by hand, for one tenant or all.

Carried by the calibration blueprint's command group (vendor_qa.calibration.views).
"""

from __future__ import annotations

import click

from vendor_qa.calibration import jobs
from vendor_qa.sla.cli import AS_OF, _as_of, _tenant


@click.command("cadence")
@click.option("--tenant", "slug", help="Tenant slug (default: every active tenant).")
@AS_OF
def cadence_command(slug: str | None, as_of: str | None) -> None:
    """Close finished sessions and start the sessions that are due."""
    stamp = _as_of(as_of)
    day = jobs.parse_moment(stamp).date().isoformat()
    tenants = [_tenant(slug)] if slug else jobs.active_tenants()
    for tenant in tenants:
        click.echo(f"{tenant.slug}: {jobs.schedule_calibration(tenant.id, day, stamp)}")
