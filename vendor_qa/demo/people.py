"""The demo's accounts: a vendor admin, six graders and a client manager per company.

They all share one password, printed with the logins by `flask demo load` and `flask start`.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from vendor_qa.auth.accounts import create_user
from vendor_qa.auth.models import Role, User
from vendor_qa.coaching.demo import lead_email
from vendor_qa.demo import content
from vendor_qa.extensions import db
from vendor_qa.tenants.models import Tenant

DEMO_PASSWORD = "demo-pass-2026"
DEMO_LOGINS: list[tuple[str, str]] = [
    (Role.VENDOR_ADMIN.value, content.VENDOR_ADMIN_EMAIL),
    *((Role.GRADER.value, email) for email in content.GRADER_CERTIFICATIONS),
    *((Role.CLIENT_MANAGER.value, content.manager_email(spec.slug)) for spec in content.TENANTS),
    # Team leads: client managers limited to their company's first team (vendor_qa.coaching.demo).
    *((Role.CLIENT_MANAGER.value, lead_email(spec.slug)) for spec in content.TENANTS),
]


def create_people(tenants: list[Tenant]) -> None:
    """The demo's accounts, graders certified for their tenants (the caller commits)."""
    by_slug = {t.slug: t for t in tenants}
    create_user(email=content.VENDOR_ADMIN_EMAIL, password=DEMO_PASSWORD, role=Role.VENDOR_ADMIN,
                name="Vera Admin")
    for (email, slugs), name in zip(content.GRADER_CERTIFICATIONS.items(), content.GRADER_NAMES):
        create_user(email=email, password=DEMO_PASSWORD, role=Role.GRADER, name=name,
                    certify=[by_slug[s] for s in slugs])
    for tenant in tenants:
        create_user(email=content.manager_email(tenant.slug), password=DEMO_PASSWORD, role=Role.CLIENT_MANAGER,
                    name=f"{tenant.name} manager", tenant=tenant)


def any_demo_account() -> bool:
    emails = [email for _, email in DEMO_LOGINS]
    return db.session.scalar(select(User.email).where(User.email.in_(emails)).limit(1)) is not None


def print_logins() -> None:
    """Print the demo logins that exist in this database (none when it holds no demo)."""
    emails = [email for _, email in DEMO_LOGINS]
    present = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    for role, email in DEMO_LOGINS:
        if email in present:
            click.echo(f"  {role:<16} {email} / {DEMO_PASSWORD}")
    if present:
        from vendor_qa.agent_view import demo as agent_demo

        agent_demo.print_agent_link()
