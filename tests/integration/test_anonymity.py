"""Graders are anonymous to clients: no client-facing page, export or API answer names them.

Every GET route a client manager may use (the access matrix lists them all) is rendered
for a tenant with submitted evaluations, as a whole page and as its HTMX fragment, and so
is every token-authenticated GET of the API. None may carry a grader's name, e-mail or
user id, nor the grader's vendor-side handle; the evaluation page must carry the tenant's
own pseudonym for the grader instead.
"""

from __future__ import annotations

import io
import json
from typing import Any, Iterator

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sqlalchemy import select

from tests.integration.access import MANAGER, World
from tests.integration.grading_helpers import pseudonym
from tests.integration.test_access_matrix import ROUTES, _ok
from vendor_qa.auth.models import Role, User
from vendor_qa.extensions import db

CLIENT_PAGES = [r for r in ROUTES if not r.api and r.method == "GET" and MANAGER in r.roles]
API_READS = [r for r in ROUTES if r.api and r.method == "GET"]
ID_KEYS = {"user_id", "grader_id", "grader_name", "grader_email", "actor_id", "email"}
# The pages the issue names; the walk above must include each of them.
NAMED = {"calls.home", "calls.agents", "calls.agent", "calls.calls", "calls.call", "evaluations.index",
         "evaluations.evaluation", "scorecards.index", "scorecards.history", "scorecards.version",
         "scorecards.export", "imports.index",
         # The agent's own pages (their personal link) and the client's answers to the agents.
         "agent_view.home", "agent_view.evaluation", "agent_feedback.requests"}


@pytest.fixture
def world(build) -> World:
    world = World.build(build)
    # Distinctive names and addresses, so that finding one in a page cannot be a coincidence.
    for grader in db.session.scalars(select(User).where(User.role == Role.GRADER.value)):
        grader.name = f"Quentin Graderson-{grader.id}"
        grader.email = f"q.graderson.{grader.id}@graders.example"
    db.session.commit()
    return world


def graders() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.GRADER.value)))


def leaks(body: str) -> list[str]:
    found = [f"name {g.name!r}" for g in graders() if g.name in body]
    found += [f"e-mail {g.email!r}" for g in graders() if g.email in body]
    # The vendor-side handle is not what any client sees: clients get a pseudonym of their own.
    found += [f"vendor handle {g.pseudonym!r}" for g in graders() if g.pseudonym in body]
    found += ["the word 'Graderson'"] if "Graderson" in body else []
    found += [f"{key!r}" for key in ("grader_id", "user_id", "/admin/users/") if key in body]
    return found


def readable(response) -> str:
    """The text a person reads in the answer: a PDF's text (e.g. the quality file's), else the body."""
    if response.mimetype == "application/pdf":
        try:
            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
        except PdfReadError:  # the matrix's stand-in of a report's PDF
            return response.data.decode("utf-8", "replace")
    return response.get_data(as_text=True)


def keys_and_values(value: Any) -> Iterator[tuple[str | None, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from keys_and_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_and_values(item)


def test_every_page_the_issue_names_is_walked():
    assert NAMED <= {r.endpoint for r in CLIENT_PAGES}


def test_no_client_page_or_export_names_a_grader(app, world, login, client):
    login(world.own.manager)
    problems = []
    for route in CLIENT_PAGES:
        path = world.own.fill(route.path)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(path, headers=headers)
            assert response.status_code == _ok(route, MANAGER), (path, response.status_code)
            problems += [f"{path} {headers}: {leak}" for leak in leaks(readable(response))]
    assert problems == []


def test_the_evaluation_page_shows_the_pseudonym(world, login, client):
    login(world.own.manager)
    page = client.get(world.own.fill("/t/{tenant}/evaluations/{evaluation}")).get_data(as_text=True)
    shown = next(name for g in graders() if (name := pseudonym(world.own.tenant, g)) in page)
    assert shown.startswith("G-")
    listing = client.get(world.own.fill("/t/{tenant}/evaluations/")).get_data(as_text=True)
    assert shown in listing


def test_no_api_answer_names_a_grader(world, client):
    assert API_READS, "the evaluations API must be in the matrix"
    problems = []
    for route in API_READS:
        response = client.get(world.own.fill(route.path),
                              headers={"Authorization": f"Bearer {world.own.api_token}"})
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        problems += [f"{route.path}: {leak}" for leak in leaks(body)]
        problems += [f"{route.path}: key {key!r}" for key, _ in keys_and_values(json.loads(body)) if key in ID_KEYS]
    assert problems == []
    evaluations = client.get("/api/v1/evaluations", headers={"Authorization": f"Bearer {world.own.api_token}"}).json
    assert [e["grader"] for e in evaluations["evaluations"]] == [
        next(name for g in graders() if (name := pseudonym(world.own.tenant, g)) == e["grader"])
        for e in evaluations["evaluations"]]
    assert evaluations["evaluations"], "the world has a submitted evaluation"


def test_the_check_would_see_a_leak(world, login, client):
    """The vendor's own user list names graders: the same check finds them there."""
    login(world.admin)
    assert leaks(client.get("/admin/users").get_data(as_text=True))
