"""`flask tenants ...`: create tenants and issue API tokens from scripts."""

from __future__ import annotations

import re

import click
from flask.cli import AppGroup
from sqlalchemy import select

from vendor_qa.extensions import db
from vendor_qa.tenants.models import SLUG_PATTERN, ApiToken, Tenant, is_timezone

tenants_cli = AppGroup("tenants", help="Create tenants and issue their API tokens.")


def tenant_by_slug(slug: str) -> Tenant:
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise click.ClickException(f"no tenant with slug {slug!r}")
    return tenant


@tenants_cli.command("create")
@click.option("--slug", required=True, help="Short name used in URLs, e.g. acme.")
@click.option("--name", required=True, help="The client company's name.")
@click.option("--timezone", default="UTC", show_default=True, help="IANA time zone, e.g. Europe/Oslo.")
def create(slug: str, name: str, timezone: str) -> None:
    """Create a tenant (a client company)."""
    if not re.match(SLUG_PATTERN, slug):
        raise click.ClickException("slug: lower-case letters, digits and dashes, 1 to 40 characters")
    if not is_timezone(timezone):
        raise click.ClickException(f"timezone: {timezone!r} is not an IANA time zone (e.g. Europe/Oslo)")
    if db.session.scalar(select(Tenant).where(Tenant.slug == slug)):
        raise click.ClickException(f"a tenant with slug {slug!r} exists already")
    tenant = Tenant(slug=slug, name=name, timezone=timezone)
    db.session.add(tenant)
    db.session.commit()
    click.echo(f"created tenant {slug} ({name}, {timezone}) with id {tenant.id}")


@tenants_cli.command("token")
@click.argument("slug")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
def token(slug: str, name: str) -> None:
    """Issue a new API token for a tenant and print it (it is shown only this once)."""
    from vendor_qa.tenants.scoping import tenant_scope

    tenant = tenant_by_slug(slug)
    with tenant_scope(tenant.id):
        row, secret = ApiToken.issue(tenant, name)
        db.session.add(row)
        db.session.commit()
    click.echo(f"issued API token {row.prefix}… ({name}) for {slug}; keep it now, it is not shown again:")
    click.echo(secret)
