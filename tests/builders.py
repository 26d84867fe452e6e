"""Builders for test data: short calls that make a realistic row with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import timedelta

from vendor_qa import clock
from vendor_qa.auth.accounts import create_user
from vendor_qa.auth.models import Role, User
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.extensions import db
from vendor_qa.tenants.models import ApiToken, Tenant
from vendor_qa.tenants.scoping import tenant_scope

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


class Builder:
    def tenant(self, slug: str | None = None, **fields) -> Tenant:
        n = next(_seq)
        tenant = Tenant(slug=slug or f"tenant-{n}", name=fields.pop("name", f"Tenant {n}"), **fields)
        db.session.add(tenant)
        db.session.commit()
        return tenant

    def user(self, role: Role | str = Role.VENDOR_ADMIN, tenant: Tenant | None = None,
             certify: list[Tenant] = (), email: str | None = None, name: str | None = None) -> User:
        n = next(_seq)
        user = create_user(email=email or f"user{n}@example.com", password=PASSWORD, role=Role(role),
                           name=name or f"Person {n}", tenant=tenant, certify=list(certify))
        db.session.commit()
        return user

    def admin(self) -> User:
        return self.user(Role.VENDOR_ADMIN)

    def manager(self, tenant: Tenant) -> User:
        return self.user(Role.CLIENT_MANAGER, tenant=tenant)

    def grader(self, *tenants: Tenant) -> User:
        return self.user(Role.GRADER, certify=list(tenants))

    def team(self, tenant: Tenant, name: str | None = None) -> Team:
        with tenant_scope(tenant.id):
            team = Team(tenant_id=tenant.id, name=name or f"Team {next(_seq)}")
            db.session.add(team)
            db.session.commit()
            return team

    def agent(self, tenant: Tenant, team: Team | None = None, **fields) -> Agent:
        n = next(_seq)
        with tenant_scope(tenant.id):
            agent = Agent(tenant_id=tenant.id, external_id=fields.pop("external_id", f"agent-{n}"),
                          display_name=fields.pop("display_name", f"Agent {n}"), team=team, **fields)
            db.session.add(agent)
            db.session.commit()
            return agent

    def call(self, agent: Agent, **fields) -> Call:
        n = next(_seq)
        defaults = dict(
            external_id=f"call-{n}", channel="phone",
            started_at=clock.now() - timedelta(hours=n % 48),
            duration_seconds=240, customer_rating=4, topic="billing",
            transcript="Agent: Hello, how can I help?\nCustomer: My bill is wrong.",
        )
        defaults.update(fields)
        with tenant_scope(agent.tenant_id):
            call = Call(tenant_id=agent.tenant_id, agent_id=agent.id, **defaults)
            db.session.add(call)
            db.session.commit()
            return call

    def token(self, tenant: Tenant, name: str = "test") -> str:
        with tenant_scope(tenant.id):
            row, secret = ApiToken.issue(tenant, name)
            db.session.add(row)
            db.session.commit()
        return secret
