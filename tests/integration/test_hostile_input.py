"""Hostile input answers 4xx with a message, never 500 (vendor_qa/input_guard.py).

The routes come from the URL map; the access matrix (tests/integration/access/) says how to fill each
one's path and who may see it, so every request is made by a role that gets past the route's guard.
"""

from __future__ import annotations

import io
import json
from string import Formatter

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter, UnicodeConverter

from tests.integration.test_access_matrix import ROUTES
from tests.integration.access import ADMIN, ANON, GRADER, MANAGER, Route, World
from vendor_qa.calls.models import Call, CallImport
from vendor_qa.extensions import db
from vendor_qa.input_guard import MAX_ID, IdConverter, TextConverter
from vendor_qa.pagination import MAX_PAGE
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

HOSTILE_IDS = [str(MAX_ID + 1), str(2**63), "9" * 20, "1" + "0" * 5000]
# Page numbers beyond the bound are refused; values that are no page number are ignored (the first page).
PAGES_BEYOND = ["99999999999999999999", str(MAX_ID + 1), str(MAX_PAGE + 1), "%2B99999999999999999999",
                "1_000_000_000", "%2099999999999999999999", "9" * 5000]
NOT_PAGES = ["0", "-1", "-99999999999999999999", "abc", "1.5", "1e3", "%EF%BC%91", "%C2%B2", ""]
CALL = {"external_id": "hostile-1", "agent_external_id": "hostile-agent", "started_at": "2026-11-20T09:00:00+01:00",
        "duration_seconds": 60, "topic": "billing"}


def _role(route: Route) -> str:
    """A role that may use the route: the vendor admin where allowed, else whoever may (API routes: a token)."""
    if route.api:
        return "api token"
    return next(role for role in (ADMIN, MANAGER, GRADER, ANON) if role in route.roles)


def _get_rows() -> list[Route]:
    return [r for r in ROUTES if r.method == "GET"]


def _int_placeholders(world: World, route: Route) -> list[str]:
    return [name for _, name, _, _ in Formatter().parse(route.path)
            if name and isinstance(world.own.objects.get(name), int)]


def _with_arg(path: str, arg: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{arg}"


class Visitor:
    """Requests as the role each route needs, logging in again only when the role changes."""

    def __init__(self, client, login, world: World):
        self.client, self.login, self.world, self.role = client, login, world, None

    def get(self, route: Route, path: str):
        headers = {}
        if route.api:
            headers["Authorization"] = f"Bearer {self.world.own.api_token}"
        else:
            role = _role(route)
            if role != self.role:
                self.client.post("/logout")
                if role != ANON:
                    self.login(self.world.user(role))
                self.role = role
        return self.client.get(path, headers=headers)


@pytest.fixture
def visitor(build, login, client):
    return Visitor(client, login, World.build(build))


def test_every_route_takes_only_ids_the_database_can_hold_and_text_without_nul(app):
    converters = [c for rule in app.url_map.iter_rules() for c in rule._converters.values()]
    ids = [c for c in converters if isinstance(c, IntegerConverter)]
    texts = [c for c in converters if isinstance(c, UnicodeConverter)]
    assert ids and all(isinstance(c, IdConverter) and c.max == MAX_ID for c in ids)
    assert texts and all(isinstance(c, TextConverter) for c in texts)


def test_ids_beyond_the_database_range_are_not_found(app, visitor):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if any(isinstance(c, IntegerConverter) for c in rule._converters.values()) and "GET" in rule.methods}
    rows = [r for r in _get_rows() if r.endpoint in endpoints and _int_placeholders(visitor.world, r)]
    assert endpoints and {r.endpoint for r in rows} == endpoints, "a GET route with an id the matrix does not fill"
    failures = []
    for route in rows:
        for name in _int_placeholders(visitor.world, route):
            for value in HOSTILE_IDS:
                path = visitor.world.own.fill(route.path.replace(f"{{{name}}}", value))
                status = visitor.get(route, path).status_code
                if status != 404:
                    failures.append(f"{_role(route)} {path[:120]}: got {status}, want 404")
    assert not failures, "\n".join(failures)


def test_page_numbers_beyond_the_bound_are_refused_with_a_message(app, visitor):
    rows = _get_rows()
    assert {r.endpoint for r in rows} >= {rule.endpoint for rule in app.url_map.iter_rules()
                                          if "GET" in rule.methods and rule.endpoint != "static"}
    failures = []
    for route in rows:
        for value in PAGES_BEYOND:
            path = _with_arg(visitor.world.own.fill(route.path), f"page={value}")
            response = visitor.get(route, path)
            if response.status_code != 400 or "There is no page" not in response.get_data(as_text=True):
                failures.append(f"{_role(route)} {path[:120]}: got {response.status_code}, want 400 about the page")
    assert not failures, "\n".join(failures)


def test_page_arguments_that_are_no_page_number_are_ignored_like_other_bad_filters(visitor):
    """The list shows its first page, as it does for a bad filter; the API says what is wrong (400)."""
    failures = []
    for route in _get_rows():
        path = visitor.world.own.fill(route.path)
        baseline = visitor.get(route, path).status_code
        for value in NOT_PAGES:
            status = visitor.get(route, _with_arg(path, f"page={value}")).status_code
            if status != baseline and not (route.api and status == 400):
                failures.append(f"{_role(route)} {path[:100]} page={value[:20]}: got {status}, want {baseline}")
    assert not failures, "\n".join(failures)


def test_pages_within_the_bound_still_answer(visitor):
    route = next(r for r in _get_rows() if r.endpoint == "calls.calls")
    for value in ("1", "2", "007", str(MAX_PAGE)):
        assert visitor.get(route, _with_arg(visitor.world.own.fill(route.path), f"page={value}")).status_code == 200


@pytest.mark.parametrize("argument", ["q=a%00b", "q=%00", "a%00b=1"])
def test_a_nul_byte_in_any_query_argument_is_refused_naming_it(app, visitor, argument):
    failures = []
    for route in _get_rows():
        response = visitor.get(route, _with_arg(visitor.world.own.fill(route.path), argument))
        text = response.get_data(as_text=True)
        # A bad name is shown escaped: a\x00b (its backslash doubled once more in JSON).
        named = "`q`" in text if argument.startswith("q=") else "a\\x00b" in text.replace("\\\\", "\\")
        if response.status_code != 400 or "NUL" not in text or not named:
            failures.append(f"{_role(route)} {route.path}: got {response.status_code}: {text[-300:]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", ["calls.agents", "calls.calls", "reports.dashboard_page", "tenants.users"])
def test_search_boxes_refuse_a_nul_byte(visitor, endpoint):
    route = next(r for r in _get_rows() if r.endpoint == endpoint)
    response = visitor.get(route, _with_arg(visitor.world.own.fill(route.path), "q=Ada%00"))
    assert response.status_code == 400
    assert "The query argument `q` contains a NUL character" in response.get_data(as_text=True)
    # htmx's active search gets the same message as a fragment.
    response = visitor.client.get(_with_arg(visitor.world.own.fill(route.path), "q=Ada%00"),
                                  headers={"HX-Request": "true"})
    assert response.status_code == 400 and "`q`" in response.get_data(as_text=True)


def test_undecodable_bytes_in_a_query_are_never_a_server_error(visitor):
    """Werkzeug keeps bytes that are not UTF-8 (a surrogate's "%ED%A0%80" among them) as %-escaped text."""
    for route in _get_rows():
        path = _with_arg(visitor.world.own.fill(route.path), "q=%ED%A0%80%FF")
        assert visitor.get(route, path).status_code < 500, path


def test_a_nul_byte_in_a_path_segment_matches_no_route(visitor):
    route = next(r for r in _get_rows() if r.endpoint == "calls.agents")
    assert visitor.get(route, route.path.format(tenant=visitor.world.own.tenant.slug + "%00")).status_code == 404
    route = next(r for r in _get_rows() if r.endpoint == "report_archive.csv")
    assert visitor.get(route, visitor.world.own.fill(route.path).replace("evaluations.csv", "a%00.csv")).status_code \
        == 404
    assert visitor.client.get("/static/app%00.js").status_code == 404


def _tenants() -> int:
    return db.session.scalar(select(func.count()).select_from(Tenant))


def test_a_post_form_with_a_nul_byte_is_refused_and_stores_nothing(build, login, client):
    login(build.admin())
    before = _tenants()
    response = client.post("/admin/tenants/new", data={"slug": "nul-co", "name": "Nul\x00Co", "timezone": "UTC"})
    assert response.status_code == 400
    assert "The form field `name` contains a NUL character" in response.get_data(as_text=True)
    assert _tenants() == before
    assert client.post("/admin/tenants/new", data={"slug": "nul-co", "name": "Nul Co",
                                                   "timezone": "UTC"}).status_code == 302


def test_a_file_name_with_a_nul_byte_is_refused_and_stores_nothing(build, login, client):
    tenant = build.tenant()
    login(build.manager(tenant))
    data = {"file": (io.BytesIO(b"external_id,agent_external_id,started_at\n"), "calls\x00.csv")}
    response = client.post(f"/t/{tenant.slug}/imports/", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and "file name sent in `file`" in response.get_data(as_text=True)
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(func.count()).select_from(CallImport)) == 0


def _post_calls(client, token: str, body: str, content_type: str = "application/json"):
    return client.post("/api/v1/calls", data=body, headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": content_type})


@pytest.mark.parametrize("body, field, problem", [
    ({"calls": [dict(CALL, topic="bil\x00ling")]}, "calls[0].topic", "NUL character"),
    ({"calls": [dict(CALL, agent_name="Ada \ud800")]}, "calls[0].agent_name", "lone surrogate"),
    ({"calls": [dict(CALL, metadata={"queue\x00": "x"})]}, "A key of the JSON object `calls[0].metadata`",
     "NUL character"),
    ({"calls": [CALL, dict(CALL, external_id="hostile-2", metadata={"wait": float("nan")})]},
     "calls[1].metadata.wait", "not a finite number"),
], ids=["nul", "surrogate", "nul-key", "nan"])
@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_the_json_api_refuses_text_it_cannot_store_naming_the_field(build, client, body, field, problem,
                                                                     content_type):
    tenant = build.tenant()
    token = build.token(tenant)
    response = _post_calls(client, token, json.dumps(body), content_type)  # \u0000 and \ud800 as JSON escapes
    assert response.status_code == 400, response.get_data(as_text=True)
    message = response.json["message"]
    assert field in message and problem in message, message
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Call)) == 0


@pytest.mark.parametrize("text, expected", [
    ('{"calls": [{"metadata": {"wait": 1e400}}]}', "not a finite number"),
    ('{"calls": [{"metadata": {"wait": -Infinity}}]}', "not a finite number"),
    ('{"calls": [{"metadata": ' + "[" * 100_000 + "]" * 100_000 + "}}]}", "nested too deeply"),
])
def test_the_json_api_refuses_numbers_and_nesting_that_are_not_json(build, client, text, expected):
    tenant = build.tenant()
    response = _post_calls(client, build.token(tenant), text)
    assert response.status_code == 400 and expected in response.json["message"], response.get_data(as_text=True)
    with all_tenants("the test counts every tenant's calls"):
        assert db.session.scalar(select(func.count()).select_from(Call)) == 0


def test_the_json_api_still_takes_ordinary_calls(build, client):
    tenant = build.tenant()
    response = _post_calls(client, build.token(tenant), json.dumps({"calls": [dict(CALL, metadata={"wait": 1.5})]}))
    assert response.status_code == 200, response.get_data(as_text=True)
