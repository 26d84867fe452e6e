"""`flask users create`: accounts from scripts."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from vendor_qa.auth.accounts import AccountError, create_user
from vendor_qa.auth.models import Role
from vendor_qa.extensions import db
from vendor_qa.tenants.cli import tenant_by_slug

users_cli = AppGroup("users", help="Create user accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default=None, help="Full name (defaults to the e-mail's local part).")
@click.option("--tenant", "tenant_slug", default=None, help="The client manager's tenant.")
@click.option("--certify", multiple=True, help="A tenant slug the grader is certified for (repeatable).")
def create(email: str, password: str, role: str, name: str | None, tenant_slug: str | None,
           certify: tuple[str, ...]) -> None:
    """Create a user and print what was created."""
    tenant = tenant_by_slug(tenant_slug) if tenant_slug else None
    certified = [tenant_by_slug(s) for s in certify]
    try:
        user = create_user(email=email, password=password, role=Role(role), name=name,
                           tenant=tenant, certify=certified)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    line = f"created {user.role} {user.email} (id {user.id})"
    if user.tenant:
        line += f" for tenant {user.tenant.slug}"
    if user.pseudonym:
        line += f", pseudonym {user.pseudonym}"
    if certified:
        line += ", certified for " + ", ".join(t.slug for t in certified)
    click.echo(line)
