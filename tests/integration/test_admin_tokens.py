"""API tokens of a tenant in the admin UI: issued once, stored as a hash, revocable."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from vendor_qa.extensions import db
from vendor_qa.tenants.models import ApiToken
from vendor_qa.tenants.scoping import tenant_scope


@pytest.fixture
def admin(build, login):
    user = build.admin()
    login(user)
    return user


def tokens_of(tenant) -> list[ApiToken]:
    db.session.expire_all()
    with tenant_scope(tenant.id):
        return db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()


def shown_secret(page: str) -> str:
    match = re.search(r'value="(vqa_[^"]+)"', page)
    assert match, "the new token is not on the page"
    return match.group(1)


def test_issue_shows_the_secret_once_and_stores_only_its_hash(admin, build, client):
    tenant = build.tenant()

    response = client.post(f"/admin/tenants/{tenant.id}/tokens", data={"name": "CRM sync"})

    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Copy the new token now" in page and "shown this once" in page
    secret = shown_secret(page)
    [row] = tokens_of(tenant)
    assert (row.name, row.created_by_id) == ("CRM sync", admin.id)
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest() != secret
    assert secret.startswith(row.prefix)

    again = client.get(f"/admin/tenants/{tenant.id}/tokens").get_data(as_text=True)
    assert "CRM sync" in again and row.prefix in again
    assert secret not in again


def test_issue_needs_a_name(admin, build, client):
    tenant = build.tenant()
    response = client.post(f"/admin/tenants/{tenant.id}/tokens", data={"name": "  "})
    assert response.status_code == 422
    assert "Name the token" in response.get_data(as_text=True)
    assert tokens_of(tenant) == []


def test_list_shows_only_this_tenants_tokens(admin, build, client):
    tenant, other = build.tenant(), build.tenant()
    build.token(tenant, name="ours")
    build.token(other, name="theirs")
    page = client.get(f"/admin/tenants/{tenant.id}/tokens").get_data(as_text=True)
    assert "ours" in page and "theirs" not in page
    assert "never" in page  # not used yet


def test_empty_list_says_what_a_token_is_for(admin, build, client):
    tenant = build.tenant()
    assert "No API token yet" in client.get(f"/admin/tenants/{tenant.id}/tokens").get_data(as_text=True)


def test_revoke_closes_the_api_to_the_token(admin, build, client):
    tenant = build.tenant()
    secret = build.token(tenant, name="old")
    [row] = tokens_of(tenant)
    api = {"Authorization": f"Bearer {secret}"}
    assert client.post("/api/v1/calls", json={"calls": []}, headers=api).status_code == 200

    response = client.post(f"/admin/tenants/{tenant.id}/tokens/{row.id}/revoke")

    assert response.status_code == 302
    [row] = tokens_of(tenant)
    assert row.revoked_at is not None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "revoked" in page
    assert client.post("/api/v1/calls", json={"calls": []}, headers=api).status_code == 401


def test_revoking_twice_keeps_the_first_time(admin, build, client):
    tenant = build.tenant()
    build.token(tenant)
    [row] = tokens_of(tenant)
    client.post(f"/admin/tenants/{tenant.id}/tokens/{row.id}/revoke")
    first = tokens_of(tenant)[0].revoked_at
    assert client.post(f"/admin/tenants/{tenant.id}/tokens/{row.id}/revoke").status_code == 302
    assert tokens_of(tenant)[0].revoked_at == first


def test_a_token_of_another_tenant_is_404_and_stays_active(admin, build, client):
    tenant, other = build.tenant(), build.tenant()
    build.token(other)
    [theirs] = tokens_of(other)

    response = client.post(f"/admin/tenants/{tenant.id}/tokens/{theirs.id}/revoke")

    assert response.status_code == 404
    assert tokens_of(other)[0].revoked_at is None
