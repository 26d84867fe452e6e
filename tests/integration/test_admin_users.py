"""Users and grader certifications in the vendor admin UI."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.builders import PASSWORD
from vendor_qa.auth.models import GraderCertification, User
from vendor_qa.extensions import db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(build, login):
    user = build.admin()
    login(user)
    return user


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def certified_slugs(grader: User) -> set[str]:
    return {c.tenant.slug for c in reload(grader).certifications if c.active}


# --- the list -------------------------------------------------------------------------------


@pytest.fixture
def people(build):
    acme, bolt = build.tenant("acme", name="Acme"), build.tenant("bolt", name="Bolt")
    return {
        "acme_manager": build.user("client_manager", tenant=acme, name="Ann Acme", email="ann@acme.com"),
        "bolt_manager": build.user("client_manager", tenant=bolt, name="Bob Bolt", email="bob@bolt.com"),
        "acme_grader": build.user("grader", certify=[acme], name="Gina Grader", email="gina@vendorqa.com"),
        "bolt_grader": build.user("grader", certify=[bolt], name="Hugo Grader", email="hugo@vendorqa.com"),
    }


def names_in(page: str, people) -> set[str]:
    return {key for key, person in people.items() if person.email in page}


@pytest.mark.parametrize("query, expected", [
    ("", {"acme_manager", "bolt_manager", "acme_grader", "bolt_grader"}),
    ("role=grader", {"acme_grader", "bolt_grader"}),
    ("tenant=acme", {"acme_manager", "acme_grader"}),
    ("tenant=acme&role=client_manager", {"acme_manager"}),
    ("q=hugo", {"bolt_grader"}),
    ("q=ACME.COM", {"acme_manager"}),
    ("q=%25", set()),  # a literal %, not a wildcard
], ids=["all", "role", "tenant", "tenant and role", "name", "e-mail", "percent"])
def test_list_filters(admin, people, client, query, expected):
    page = client.get(f"/admin/users?{query}").get_data(as_text=True)
    assert names_in(page, people) == expected


def test_active_search_answers_with_the_table_only(admin, people, client):
    page = client.get("/admin/users").get_data(as_text=True)
    assert 'hx-trigger="input changed delay:300ms, search"' in page

    response = client.get("/admin/users?q=gina", headers=HTMX)

    fragment = response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]
    assert fragment.lstrip().startswith("<div id=\"users-table\">")
    assert "<html" not in fragment
    assert names_in(fragment, people) == {"acme_grader"}


def test_a_search_without_results_says_so(admin, people, client):
    page = client.get("/admin/users?q=nobody-like-this").get_data(as_text=True)
    assert "No user matches these filters" in page


def test_list_is_paginated(app, admin, people, client, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    first = client.get("/admin/users?role=grader").get_data(as_text=True)
    second = client.get("/admin/users?role=grader&page=2").get_data(as_text=True)
    assert names_in(first, people) == {"acme_grader", "bolt_grader"}
    assert names_in(second, people) == set()
    everyone = client.get("/admin/users?page=3").get_data(as_text=True)
    assert "Page 3 of 3" in everyone
    assert "role=grader" not in everyone


# --- create ---------------------------------------------------------------------------------


def test_create_a_client_manager(admin, build, client, login):
    build.tenant("acme")
    response = client.post("/admin/users/new", data={
        "email": "Ann@Acme.com", "name": "Ann", "role": "client_manager", "password": "long enough pw",
        "tenant": "acme"})

    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "ann@acme.com"))
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user.tenant.slug == "acme" and user.pseudonym is None
    login(user, "long enough pw")


def test_create_a_grader_with_certifications(admin, build, client):
    build.tenant("acme"), build.tenant("bolt"), build.tenant("cola")
    response = client.post("/admin/users/new", data={
        "email": "gina@vendorqa.com", "role": "grader", "password": "long enough pw", "certify": ["acme", "cola"]})

    assert response.status_code == 302
    grader = db.session.scalar(select(User).where(User.email == "gina@vendorqa.com"))
    assert grader.pseudonym.startswith("G-")
    assert certified_slugs(grader) == {"acme", "cola"}


@pytest.mark.parametrize("change, message", [
    ({"email": "not-an-address"}, "e-mail:"),
    ({"email": "taken@example.com"}, "has an account already"),
    ({"password": "short"}, "At least 12 characters."),
    ({"tenant": ""}, "a client manager needs a tenant"),
    ({"role": "grader"}, "only client managers belong to a tenant"),
    ({"role": "vendor_admin", "tenant": "", "certify": ["acme"]}, "only graders are certified for tenants"),
    ({"tenant": "no-such-tenant"}, "Not a valid choice"),
    ({"role": "boss"}, "Not a valid choice"),
], ids=["bad e-mail", "duplicate e-mail", "short password", "manager without tenant", "grader with tenant",
        "certified admin", "unknown tenant", "unknown role"])
def test_create_refuses_bad_input_and_saves_nothing(admin, build, client, change, message):
    build.tenant("acme")
    build.user(email="taken@example.com")
    before = user_count()
    data = {"email": "new@example.com", "role": "client_manager", "password": "long enough pw", "tenant": "acme"}

    response = client.post("/admin/users/new", data={**data, **change})

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count() == before


# --- edit, activate, deactivate -------------------------------------------------------------


def test_edit_moves_a_manager_and_resets_the_password(admin, build, client, login):
    acme, bolt = build.tenant("acme"), build.tenant("bolt")
    manager = build.manager(acme)
    form = client.get(f"/admin/users/{manager.id}/edit").get_data(as_text=True)
    assert '<option selected value="acme">' in form

    response = client.post(f"/admin/users/{manager.id}/edit", data={
        "name": "Renamed", "active": "y", "tenant": "bolt", "password": "a new password"})

    assert response.status_code == 302
    saved = reload(manager)
    assert (saved.name, saved.tenant_id, saved.active) == ("Renamed", bolt.id, True)
    login(saved, "a new password")


def test_edit_without_a_password_keeps_it(admin, build, client, login):
    grader = build.grader()
    response = client.post(f"/admin/users/{grader.id}/edit", data={"name": "Gina", "active": "y"})
    assert response.status_code == 302
    assert reload(grader).name == "Gina"
    login(grader, PASSWORD)


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "Give a name."),
    ({"name": "X", "active": "y", "password": "short"}, "At least 12 characters."),
])
def test_edit_refuses_bad_input(admin, build, client, data, message):
    grader = build.grader()
    response = client.post(f"/admin/users/{grader.id}/edit", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert reload(grader).name == grader.name


def test_an_admin_cannot_deactivate_themselves(admin, client):
    response = client.post(f"/admin/users/{admin.id}/edit", data={"name": "Me"})
    assert response.status_code == 422
    assert "you cannot deactivate your own account" in response.get_data(as_text=True)

    response = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert reload(admin).active is True


def test_deactivate_and_activate(admin, build, client, login):
    grader = build.grader()

    response = client.post(f"/admin/users/{grader.id}/deactivate")
    assert response.status_code == 302
    assert reload(grader).active is False
    client.post("/logout")
    attempt = client.post("/login", data={"email": grader.email, "password": PASSWORD})
    assert attempt.status_code == 422

    login(admin)
    client.post(f"/admin/users/{grader.id}/activate")
    assert reload(grader).active is True
    login(grader)


def test_user_page_of_unknown_user_is_404(admin, client):
    assert client.get("/admin/users/9999").status_code == 404
    assert client.post("/admin/users/9999/deactivate").status_code == 404


# --- certifications -------------------------------------------------------------------------


def test_grader_page_lists_certifications_and_offers_the_others(admin, build, client):
    acme = build.tenant("acme", name="Acme")
    build.tenant("bolt", name="Bolt")  # another tenant, offered for certification
    grader = build.grader(acme)
    page = client.get(f"/admin/users/{grader.id}").get_data(as_text=True)
    section = page[page.index('id="certifications"'):]
    assert f"/certifications/{acme.id}/remove" in section
    assert '<option value="bolt">' in section
    assert '<option value="acme">' not in section


def test_certify_without_javascript_posts_and_comes_back(admin, build, client):
    build.tenant("acme")
    grader = build.grader()

    response = client.post(f"/admin/users/{grader.id}/certifications", data={"tenant": "acme"})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{grader.id}"
    assert certified_slugs(grader) == {"acme"}


def test_certify_with_htmx_swaps_the_list(admin, build, client):
    build.tenant("acme", name="Acme")
    grader = build.grader()

    response = client.post(f"/admin/users/{grader.id}/certifications", data={"tenant": "acme"}, headers=HTMX)

    fragment = response.get_data(as_text=True)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<section id="certifications"')
    assert "Acme" in fragment and "<html" not in fragment
    assert certified_slugs(grader) == {"acme"}


def test_certify_needs_a_tenant_not_yet_certified(admin, build, client):
    acme = build.tenant("acme")
    build.tenant("bolt")
    grader = build.grader(acme)
    for data in ({"tenant": ""}, {"tenant": "acme"}):
        response = client.post(f"/admin/users/{grader.id}/certifications", data=data, headers=HTMX)
        assert response.status_code == 422
        assert '<p class="error"' in response.get_data(as_text=True)
    no_js = client.post(f"/admin/users/{grader.id}/certifications", data={"tenant": ""})
    assert no_js.status_code == 422 and "Choose a tenant." in no_js.get_data(as_text=True)


def test_only_graders_have_certifications(admin, build, client):
    acme = build.tenant("acme")
    manager = build.manager(acme)
    response = client.post(f"/admin/users/{manager.id}/certifications", data={"tenant": "acme"})
    assert response.status_code == 404


def test_remove_a_certification_and_add_it_again(admin, build, client):
    acme, bolt = build.tenant("acme"), build.tenant("bolt")
    grader = build.grader(acme, bolt)

    response = client.post(f"/admin/users/{grader.id}/certifications/{acme.id}/remove", headers=HTMX)
    assert response.status_code == 200
    assert '<option value="acme">' in response.get_data(as_text=True)
    assert certified_slugs(grader) == {"bolt"}

    no_js = client.post(f"/admin/users/{grader.id}/certifications/{bolt.id}/remove")
    assert no_js.status_code == 302
    assert certified_slugs(grader) == set()

    client.post(f"/admin/users/{grader.id}/certifications", data={"tenant": "acme"})
    assert certified_slugs(grader) == {"acme"}
    assert db.session.scalar(select(func.count()).select_from(GraderCertification)) == 2


def test_removing_a_certification_that_is_not_there_is_404(admin, build, client):
    acme = build.tenant("acme")
    grader = build.grader()
    assert client.post(f"/admin/users/{grader.id}/certifications/{acme.id}/remove").status_code == 404

