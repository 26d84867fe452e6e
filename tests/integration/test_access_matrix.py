"""Walks every route as each role, on its own tenant, another tenant, and crossed ids."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import replace
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.conftest import empty_tables
from tests.integration import access
from tests.integration.access import ANON, EVERY_ROLE, GRADER, LEAD, MANAGER, Route, World


def _all_routes() -> list[Route]:
    routes: list[Route] = []
    for info in pkgutil.iter_modules(access.__path__):
        module = importlib.import_module(f"{access.__name__}.{info.name}")
        routes.extend(getattr(module, "ROUTES", []))
    return routes


ROUTES = _all_routes()


def _ok(route: Route, role: str) -> int:
    role = MANAGER if role == LEAD else role  # a lead is a client manager, limited
    return route.ok[role] if isinstance(route.ok, dict) else route.ok


def _expected(route: Route, role: str, variant: str) -> int:
    allowed = route.allows(role)
    if role == ANON and not allowed:
        return 302  # to the login page
    if variant == "own":
        return _ok(route, role) if allowed else 403
    if variant == "foreign":  # another tenant's slug and objects
        if role in (MANAGER, GRADER, LEAD):
            return 404  # not their tenant: it does not exist for them
        return _ok(route, role) if allowed else 403
    # crossed: own tenant's slug, another tenant's object ids; other_team (a lead only): own tenant,
    # the second team's objects (a lead's people are the first team's only)
    return 404 if allowed else 403


def _variants(route: Route, role: str) -> list[str]:
    variants = ["own"]
    if route.tenant_bound:
        variants.append("foreign")
        if route.names_objects:
            variants.append("crossed")
        if role == LEAD and route.names_team_objects:
            variants.append("other_team")
    return variants


def _path(world: World, route: Route, variant: str) -> str:
    if variant == "own":
        return world.own.fill(route.path)
    if variant == "other_team":
        return world.own.fill(route.path, other_team=True)
    if variant == "foreign":
        return world.other.fill(route.path)
    return world.other.fill(route.path, slug=world.own.tenant.slug)


def _data(world: World, route: Route, variant: str) -> dict | None:
    """The form of a POST, with placeholders filled like the path of the same case."""
    if not route.data:
        return None
    ours = variant in ("own", "other_team")
    tenant_world, counterpart = (world.own, world.other) if ours else (world.other, world.own)
    slug = world.own.tenant.slug if variant == "crossed" else None
    return {k: tenant_world.fill(v, slug=slug, counterpart=counterpart.tenant.slug, other_team=variant == "other_team")
            if isinstance(v, str) else v
            for k, v in route.data.items()}


def _request(client, route: Route, path: str, headers=None, data=None):
    return client.open(path, method=route.method, data=data, json=route.json, headers=headers or {})


def _walk(client, login, world: World, route: Route, rebuild) -> list[str]:
    """Every role and variant of the route; the failures. `rebuild` gives a fresh world after a change
    (a route that changes things only)."""
    failures, changed = [], False
    for case, (role, variant) in enumerate((r, v) for r in EVERY_ROLE for v in _variants(route, r)):
        if changed:  # a change made by the last case must not stand in the way of this one
            world, changed = rebuild(case), False
        client.post("/logout")
        if role != ANON:
            login(world.user(role))
        path = _path(world, route, variant)
        status = _request(client, route, path, data=_data(world, route, variant)).status_code
        want = _expected(route, role, variant)
        if status != want:
            failures.append(f"{role} {variant} {path}: got {status}, want {want}")
        # Only a change that went through can have changed anything (a refused one is a failure above).
        changed = route.method != "GET" and status < 400 and role != ANON
    return failures


# Reading routes share one world per worker: a GET changes nothing, and building the world (two
# tenants with an object of every area) is most of a case's time. It is built again only when a
# test in between has emptied the tables.
_SHARED: dict[str, World] = {}


def _plain(row) -> SimpleNamespace | None:
    """What the walk reads of a tenant or a user, kept beyond the session that loaded it."""
    return None if row is None else SimpleNamespace(id=row.id, slug=getattr(row, "slug", None),
                                                    email=getattr(row, "email", None))


def _lasting(world: World) -> World:
    def tenant_world(part):
        return replace(part, tenant=_plain(part.tenant), manager=_plain(part.manager), lead=_plain(part.lead))

    return replace(world, own=tenant_world(world.own), other=tenant_world(world.other),
                   admin=_plain(world.admin), grader=_plain(world.grader))


@pytest.fixture
def reading_world(app, build) -> World:
    from vendor_qa.extensions import db
    from vendor_qa.tenants.models import Tenant

    world = _SHARED.get("world")
    if world is None or db.session.scalar(select(Tenant.id).where(Tenant.slug == world.own.tenant.slug)) \
            != world.own.tenant.id:
        world = _SHARED["world"] = _lasting(World.build(build))
    return world


@pytest.fixture(scope="module", autouse=True)
def _empty_after_the_readings(app):
    yield
    empty_tables(app)


@pytest.mark.keeps_tables
@pytest.mark.parametrize("route", [r for r in ROUTES if not r.api and r.method == "GET"], ids=Route.id)
def test_reading_route_access(app, login, client, reading_world, route):
    failures = _walk(client, login, reading_world, route, rebuild=None)  # a GET changes nothing to rebuild
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.api and r.method != "GET"], ids=Route.id)
def test_session_route_access(app, build, login, client, route):
    if _SHARED.pop("world", None) is not None:  # the readings' world, left by the test before: its names are taken
        empty_tables(app)
    needs_second_team = route.names_team_objects  # the lead's "other_team" case
    world = World.build(build, second_team=needs_second_team)
    failures = _walk(client, login, world, route,
                     lambda case: World.build(build, suffix=f"-{case}", second_team=needs_second_team))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.api], ids=Route.id)
def test_api_route_access(app, build, client, route):
    world = World.build(build)
    path = world.own.fill(route.path)
    if ANON not in route.roles:
        assert _request(client, route, path).status_code == 401
        assert _request(client, route, path, {"Authorization": "Bearer wrong"}).status_code == 401
    own = _request(client, route, path, {"Authorization": f"Bearer {world.own.api_token}"})
    assert own.status_code == _ok(route, ANON), own.get_data(as_text=True)[:300]
    if route.names_objects and ANON not in route.roles:
        other = _request(client, route, path, {"Authorization": f"Bearer {world.other.api_token}"})
        assert other.status_code == 404


def test_every_endpoint_is_in_the_matrix(app):
    listed = {r.endpoint for r in ROUTES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - listed == set(), "routes missing from the access matrix"
    assert listed - endpoints == set(), "matrix rows for routes that do not exist"


def test_every_view_has_a_guard(app):
    unguarded = [
        name for name, view in app.view_functions.items()
        if name != "static" and not hasattr(view, "access")
    ]
    assert unguarded == [], "views without roles(), public or the API token guard"
