"""`flask tenants ...` and `flask users ...`: each says what it did, or why it did nothing."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from vendor_qa.auth.models import User
from vendor_qa.extensions import db
from vendor_qa.tenants.models import ApiToken, Tenant
from vendor_qa.tenants.scoping import tenant_scope


def flask(runner, *args: str):
    return runner.invoke(args=list(args))


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_tenants_create(build, runner):
    result = flask(runner, "tenants", "create", "--slug", "acme", "--name", "Acme Energy", "--timezone", "Europe/Oslo")

    assert result.exit_code == 0, result.output
    tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "acme"))
    assert (tenant.name, tenant.timezone) == ("Acme Energy", "Europe/Oslo")
    assert result.output.strip() == f"created tenant acme (Acme Energy, Europe/Oslo) with id {tenant.id}"


def test_tenants_create_defaults_to_utc(build, runner):
    result = flask(runner, "tenants", "create", "--slug", "bolt", "--name", "Bolt")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Tenant.timezone).where(Tenant.slug == "bolt")) == "UTC"


@pytest.mark.parametrize("args, message", [
    (["--slug", "taken", "--name", "Again"], "A tenant with slug 'taken' exists already"),
    (["--slug", "acme", "--name", "Acme", "--timezone", "Mars/Olympus"], "timezone: Choose an IANA time zone"),
    (["--slug", "Not A Slug", "--name", "Acme"], "slug: Use lower-case letters, digits and dashes"),
    (["--slug", "acme", "--name", "  "], "name: Give the client company's name"),
    (["--slug", "acme"], "Missing option '--name'"),
], ids=["duplicate slug", "bad timezone", "bad slug", "blank name", "no name"])
def test_tenants_create_refuses_bad_input(build, runner, args, message):
    build.tenant("taken")
    result = flask(runner, "tenants", "create", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert count(Tenant) == 1


def test_users_create_a_certified_grader(build, runner):
    build.tenant("acme"), build.tenant("bolt"), build.tenant("cola")

    result = flask(runner, "users", "create", "--email", "gina@vendorqa.com", "--password", "long enough pw",
                   "--role", "grader", "--certify", "acme", "--certify", "bolt")

    assert result.exit_code == 0, result.output
    grader = db.session.scalar(select(User).where(User.email == "gina@vendorqa.com"))
    assert sorted(grader.certified_tenant_ids) == sorted(
        db.session.scalars(select(Tenant.id).where(Tenant.slug.in_(["acme", "bolt"]))))
    assert f"created grader gina@vendorqa.com (id {grader.id})" in result.output
    assert f"pseudonym {grader.pseudonym}" in result.output
    assert "certified for acme, bolt" in result.output


def test_users_create_a_client_manager(build, runner):
    tenant = build.tenant("acme")
    result = flask(runner, "users", "create", "--email", "ann@acme.com", "--password", "long enough pw",
                   "--role", "client_manager", "--tenant", "acme", "--name", "Ann Manager")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ann@acme.com"))
    assert (user.name, user.tenant_id) == ("Ann Manager", tenant.id)
    assert "for tenant acme" in result.output


@pytest.mark.parametrize("args, message", [
    (["--role", "grader", "--certify", "nope"], "no tenant with slug 'nope'"),
    (["--role", "client_manager", "--tenant", "nope"], "no tenant with slug 'nope'"),
    (["--role", "client_manager"], "a client manager needs a tenant"),
    (["--role", "vendor_admin", "--certify", "acme"], "only graders are certified for tenants"),
    (["--role", "boss"], "Invalid value for '--role'"),
], ids=["unknown certify tenant", "unknown tenant", "manager without tenant", "certified admin", "bad role"])
def test_users_create_refuses_bad_input(build, runner, args, message):
    build.tenant("acme")
    result = flask(runner, "users", "create", "--email", "new@example.com", "--password", "long enough pw", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert count(User) == 0


def test_users_create_refuses_a_short_password_and_a_taken_email(build, runner):
    build.user(email="taken@example.com")
    short = flask(runner, "users", "create", "--email", "new@example.com", "--password", "short",
                  "--role", "grader")
    taken = flask(runner, "users", "create", "--email", "taken@example.com", "--password", "long enough pw",
                  "--role", "grader")
    assert short.exit_code != 0 and "password: at least 12 characters" in short.output
    assert taken.exit_code != 0 and "taken@example.com has an account already" in taken.output
    assert count(User) == 1


def test_tenants_token_prints_a_token_whose_hash_is_stored(build, runner):
    tenant = build.tenant("acme")

    result = flask(runner, "tenants", "token", "acme", "--name", "crm")

    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    db.session.expire_all()
    with tenant_scope(tenant.id):
        row = db.session.scalar(select(ApiToken))
    assert row.name == "crm"
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest() != secret
    assert "it is not shown again" in result.output


def test_tenants_token_of_an_unknown_tenant_fails(build, runner):
    result = flask(runner, "tenants", "token", "nope")
    assert result.exit_code != 0
    assert "no tenant with slug 'nope'" in result.output
