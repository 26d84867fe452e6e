"""The vendor admin's tenant pages: list, create, edit, detail."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from vendor_qa.extensions import db
from vendor_qa.tenants.models import Tenant


@pytest.fixture
def admin(build, login):
    user = build.admin()
    login(user)
    return user


def tenant_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Tenant))


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_empty_list_invites_to_create_the_first_tenant(admin, client):
    page = client.get("/admin/tenants").get_data(as_text=True)
    assert "No tenants yet" in page
    assert "/admin/tenants/new" in page


def test_list_shows_each_tenant_with_its_agents_and_managers(admin, build, client):
    acme = build.tenant("acme", name="Acme Energy", timezone="Europe/Oslo")
    build.tenant("bolt", name="Bolt Telecom")
    for _ in range(3):
        build.agent(acme)
    build.manager(acme)
    build.manager(acme)

    page = client.get("/admin/tenants").get_data(as_text=True)

    row = page[page.index("Acme Energy"):page.index("Bolt Telecom")]
    assert "Europe/Oslo" in row and "acme" in row
    assert '<td class="num">3</td>' in row and '<td class="num">2</td>' in row
    assert f'href="/admin/tenants/{acme.id}"' in page


def test_list_counts_take_the_same_queries_for_one_tenant_or_many(app, admin, build, client):
    build.agent(build.tenant())
    with counting_queries() as few:
        client.get("/admin/tenants")
    for _ in range(4):
        tenant = build.tenant()
        build.agent(tenant)
        build.manager(tenant)
    with counting_queries() as many:
        client.get("/admin/tenants")
    assert len(many) == len(few)


def test_list_is_paginated(app, admin, build, client, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    for name in ("Alpha", "Bravo", "Charlie"):
        build.tenant(name=name)
    first = client.get("/admin/tenants").get_data(as_text=True)
    second = client.get("/admin/tenants?page=2").get_data(as_text=True)
    assert "Alpha" in first and "Charlie" not in first
    assert "Charlie" in second and "Page 2 of 2" in second


def test_create_a_tenant(admin, client):
    form = client.get("/admin/tenants/new").get_data(as_text=True)
    assert '<datalist id="timezones">' in form and 'value="Europe/Oslo"' in form

    response = client.post("/admin/tenants/new",
                           data={"slug": "acme", "name": " Acme Energy ", "timezone": "Asia/Shanghai"})

    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "acme"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/tenants/{tenant.id}"
    assert (tenant.name, tenant.timezone, tenant.active) == ("Acme Energy", "Asia/Shanghai", True)
    assert "Tenant Acme Energy created." in client.get(response.headers["Location"]).get_data(as_text=True)


VALID = {"slug": "acme", "name": "Acme", "timezone": "Europe/Oslo"}


@pytest.mark.parametrize("change, message", [
    ({"slug": ""}, "Give a slug."),
    ({"slug": "Acme Energy"}, "Use lower-case letters, digits and dashes"),
    ({"slug": "-acme"}, "Use lower-case letters, digits and dashes"),
    ({"slug": "a" * 41}, "Use lower-case letters, digits and dashes"),
    ({"slug": "taken"}, "A tenant with slug &#39;taken&#39; exists already."),
    ({"name": ""}, "Give the client company&#39;s name."),
    ({"timezone": "Mars/Olympus_Mons"}, "Choose an IANA time zone from the list"),
    ({"timezone": ""}, "Choose an IANA time zone from the list"),
], ids=["no slug", "spaces", "leading dash", "too long", "duplicate", "no name", "unknown zone", "no zone"])
def test_create_refuses_bad_input_and_saves_nothing(admin, build, client, change, message):
    build.tenant("taken")
    before = tenant_count()

    response = client.post("/admin/tenants/new", data={**VALID, **change})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page
    assert tenant_count() == before


def test_edit_a_tenant_and_its_settings(admin, build, client):
    tenant = build.tenant("acme", name="Acme", timezone="UTC", settings={"language": "nb"})
    form = client.get(f"/admin/tenants/{tenant.id}/edit").get_data(as_text=True)
    assert 'value="Acme"' in form

    response = client.post(f"/admin/tenants/{tenant.id}/edit", data={
        "name": "Acme Energy", "timezone": "Europe/Oslo", "allow_agent_names": "y", "show_customer_rating": "y",
    })

    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Tenant, tenant.id)
    assert (saved.name, saved.timezone, saved.active) == ("Acme Energy", "Europe/Oslo", False)
    assert saved.setting("allow_agent_names") is True
    assert saved.setting("show_customer_rating") is True
    assert saved.setting("language") == "nb"  # settings the form does not show are kept

    client.post(f"/admin/tenants/{tenant.id}/edit",
                data={"name": "Acme Energy", "timezone": "Europe/Oslo", "active": "y"})
    db.session.expire_all()
    saved = db.session.get(Tenant, tenant.id)
    assert saved.active is True
    assert saved.setting("allow_agent_names") is False


def test_edit_refuses_a_bad_time_zone(admin, build, client):
    tenant = build.tenant(timezone="UTC")
    response = client.post(f"/admin/tenants/{tenant.id}/edit", data={"name": "X", "timezone": "Nowhere"})
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).timezone == "UTC"


def test_tenant_page_shows_managers_graders_tokens_and_the_client_pages(admin, build, client):
    tenant = build.tenant("acme", name="Acme")
    other = build.tenant("bolt")
    manager = build.manager(tenant)
    build.manager(other)
    grader = build.grader(tenant)
    outsider = build.grader(other)
    build.token(tenant, name="crm sync")

    page = client.get(f"/admin/tenants/{tenant.id}").get_data(as_text=True)

    assert manager.email in page and grader.email in page and grader.pseudonym in page
    assert outsider.email not in page
    assert "crm sync" in page
    assert 'href="/t/acme/"' in page
    assert f'href="/admin/tenants/{tenant.id}/tokens"' in page


def test_tenant_page_of_an_empty_tenant_says_what_to_do(admin, build, client):
    tenant = build.tenant()
    page = client.get(f"/admin/tenants/{tenant.id}").get_data(as_text=True)
    assert "No client manager yet" in page
    assert "No grader is certified for this tenant yet" in page
    assert "No active API token" in page


def test_unknown_tenant_is_404(admin, client):
    assert client.get("/admin/tenants/9999").status_code == 404
    assert client.get("/admin/tenants/9999/edit").status_code == 404
