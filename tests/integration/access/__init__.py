"""The access matrix: every route, as each role, on its own and on another tenant's objects.

Each area of the application lists its routes in a module of this package
(`ROUTES = [Route(...), ...]`); test_access_matrix.py walks them all and also
fails when the URL map has an endpoint that no row names.

Path placeholders are filled from a World of two tenants, `own` and `other`:
{tenant}, {agent}, {call}, {team}, {import_}, {token} and {user} (a client
manager of the tenant). Areas that add objects add them in `World.build`.

A team lead (LEAD: a client manager of `own` limited to the world's team) may use what
a client manager may, but the tenant-wide areas in LEAD_REFUSED (403); in `own` a second
team has its own agent, call, evaluation, dispute and coaching session, and a route that
names such objects answers the lead 404 with the second team's ids ("other_team").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from vendor_qa.auth.models import Role

ANON = "anonymous"
ADMIN, GRADER, MANAGER = Role.VENDOR_ADMIN.value, Role.GRADER.value, Role.CLIENT_MANAGER.value
LEAD = "team_lead"  # a client manager limited to one team (not a role of its own in the application)
EVERY_ROLE = (ANON, ADMIN, GRADER, MANAGER, LEAD)
CLIENT_SIDE = frozenset({ADMIN, MANAGER})
# Tenant-wide administration and documents: scorecards, SLA, the CSV import, the report archive.
LEAD_REFUSED = frozenset({"scorecards", "sla_client", "imports", "report_archive"})
# Placeholders of objects that belong to one team's people.
TEAM_TIED = ("agent", "call", "evaluation", "dispute", "coaching")


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

    def allows(self, role: str) -> bool:
        if role == LEAD:
            return MANAGER in self.roles and self.endpoint.split(".")[0] not in LEAD_REFUSED
        return role in self.roles

    @property
    def names_team_objects(self) -> bool:
        return any(name in TEAM_TIED for _, name, _, _ in Formatter().parse(self.path))


@dataclass
class TenantWorld:
    tenant: Any
    objects: dict[str, Any]
    manager: Any
    api_token: str
    lead: Any = None  # `own` only: limited to the world's team
    second_team: dict[str, Any] = field(default_factory=dict)  # `own` only: another team's objects

    def fill(self, path: str, slug: str | None = None, counterpart: str = "", other_team: bool = False) -> str:
        """The path (or form value) with this tenant's objects; {counterpart}: the other tenant's slug;
        other_team: the second team's objects where it has them."""
        values = {"tenant": slug or self.tenant.slug, "counterpart": counterpart, **self.objects,
                  **(self.second_team if other_team else {})}
        return path.format(**values)


@dataclass
class World:
    own: TenantWorld
    other: TenantWorld
    admin: Any
    grader: Any  # certified for `own` only

    @classmethod
    def build(cls, build, suffix: str = "", second_team: bool = True) -> "World":
        """second_team: build the second team's objects too (only routes that name such objects need them)."""
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
        _add_lead(build, own, second_team)
        return cls(own=own, other=other, admin=build.admin(), grader=build.grader(own.tenant))

    def user(self, role: str):
        return {ADMIN: self.admin, GRADER: self.grader, MANAGER: self.own.manager, LEAD: self.own.lead}.get(role)


def _add_lead(build, world: TenantWorld, second_team: bool) -> None:
    """A lead of the world's team, and a second team with its agent, call, evaluation, dispute, coaching session."""
    from tests.integration import grading_helpers
    from tests.integration.access import objects
    from vendor_qa.disputes import service as disputes
    from vendor_qa.extensions import db
    from vendor_qa.grading.models import Evaluation
    from vendor_qa.tenants.scoping import tenant_scope
    from vendor_qa.tenants.teams import set_lead_teams

    tenant = world.tenant
    world.lead = build.manager(tenant)
    set_lead_teams(world.lead, [world.objects["team"]])
    db.session.commit()
    if not second_team:
        return
    team = build.team(tenant)
    agent = build.agent(tenant, team=team)
    call = build.call(agent)
    card = grading_helpers.scorecard(tenant, name="Second team's")
    evaluation_id = grading_helpers.submitted_evaluation(tenant, build.call(agent), build.grader(tenant), card)
    disputed_id = grading_helpers.submitted_evaluation(tenant, build.call(agent), build.grader(tenant), card)
    with tenant_scope(tenant.id):
        dispute, errors = disputes.raise_dispute(db.session.get(Evaluation, disputed_id),
                                                 {"r-" + card.key("Greets"): "The agent did greet."},
                                                 world.manager, tenant)
        assert not errors, errors
        dispute_id = dispute.id
    world.second_team = {"agent": agent.id, "call": call.id, "evaluation": evaluation_id, "dispute": dispute_id,
                         **objects.coaching_session(build, tenant, agent, call)}


def _area_objects(build, tenant, agent, call) -> dict[str, Any]:
    """Objects that later areas add to each tenant's world, by placeholder name."""
    from tests.integration.access import objects

    return objects.build_all(build, tenant, agent, call)
