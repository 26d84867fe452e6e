"""The access matrix: every route, as each role, on its own and on another tenant's objects.

Each area of the application lists its routes in a module of this package
(`ROUTES = [Route(...), ...]`); test_access_matrix.py walks them all and also
fails when the URL map has an endpoint that no row names.

Path placeholders are filled from a World of two tenants, `own` and `other`:
{tenant}, {agent}, {call}, {team}, {import_}, {token} and {user} (a client
manager of the tenant). Areas that add objects add them in `World.build`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from vendor_qa.auth.models import Role

ANON = "anonymous"
ADMIN, GRADER, MANAGER = Role.VENDOR_ADMIN.value, Role.GRADER.value, Role.CLIENT_MANAGER.value
EVERY_ROLE = (ANON, ADMIN, GRADER, MANAGER)
CLIENT_SIDE = frozenset({ADMIN, MANAGER})


@dataclass(frozen=True)
class Route:
    endpoint: str  # the Flask endpoint: ties the row to the URL map
    path: str  # with placeholders, e.g. /t/{tenant}/agents/{agent}
    roles: frozenset[str]  # who may use it (ANON for public pages)
    method: str = "GET"
    ok: int = 200  # what an allowed role gets on its own tenant's objects
    data: dict[str, Any] = field(default_factory=dict)  # form fields of a POST
    api: bool = False  # authenticated by a tenant's API token instead of a session
    json: Any = None  # JSON body of a request (API routes)

    @property
    def tenant_bound(self) -> bool:
        return "{tenant}" in self.path

    @property
    def names_objects(self) -> bool:
        return any(name not in (None, "tenant") for _, name, _, _ in Formatter().parse(self.path))

    def id(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class TenantWorld:
    tenant: Any
    objects: dict[str, Any]
    manager: Any
    api_token: str

    def fill(self, path: str, slug: str | None = None, counterpart: str = "") -> str:
        """The path (or form value) with this tenant's objects; {counterpart}: the other tenant's slug."""
        values = {"tenant": slug or self.tenant.slug, "counterpart": counterpart, **self.objects}
        return path.format(**values)


@dataclass
class World:
    own: TenantWorld
    other: TenantWorld
    admin: Any
    grader: Any  # certified for `own` only

    @classmethod
    def build(cls, build, suffix: str = "") -> "World":
        worlds = []
        for name in ("own", "other"):
            tenant = build.tenant(slug=f"{name}-co{suffix}", name=f"{name.title()} Co{suffix}")
            team = build.team(tenant)
            agent = build.agent(tenant, team=team)
            call = build.call(agent)
            manager = build.manager(tenant)
            token = build.token(tenant)
            from vendor_qa.tenants.models import ApiToken
            from vendor_qa.tenants.scoping import tenant_scope
            from vendor_qa.extensions import db
            from sqlalchemy import select

            with tenant_scope(tenant.id):
                token_id = db.session.scalar(select(ApiToken.id))
            objects = {"agent": agent.id, "call": call.id, "team": team.id, "token": token_id,
                       "user": manager.id}
            objects.update(_area_objects(build, tenant, agent, call))
            worlds.append(TenantWorld(tenant, objects, manager, token))
        own, other = worlds
        return cls(own=own, other=other, admin=build.admin(), grader=build.grader(own.tenant))

    def user(self, role: str):
        return {ADMIN: self.admin, GRADER: self.grader, MANAGER: self.own.manager}.get(role)


def _area_objects(build, tenant, agent, call) -> dict[str, Any]:
    """Objects that later areas add to each tenant's world, by placeholder name."""
    from tests.integration.access import objects

    return objects.build_all(build, tenant, agent, call)
