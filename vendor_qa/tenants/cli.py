"""`flask tenants ...`: create tenants and issue API tokens from scripts."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from vendor_qa.extensions import db
from vendor_qa.tenants.forms import TenantCreateForm
from vendor_qa.tenants.models import ApiToken, Tenant

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
    # The admin page's form holds the rules, so the command and the page refuse the same input.
    form = TenantCreateForm(formdata=MultiDict({"slug": slug, "name": name, "timezone": timezone}),
                            meta={"csrf": False})
    if not form.validate():
        raise click.ClickException("; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
    tenant = Tenant(slug=slug, name=name.strip(), timezone=timezone)
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
