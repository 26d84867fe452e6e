"""A grader is G-xxxx to one client and G-yyyy to another (ASVS level 2, acceptance point 8).

Two clients comparing notes must not link a grader: pages, CSV exports and API payloads show
each tenant its own pseudonym. Pairs that existed before per-tenant pseudonyms keep the one
their client had seen (migration 5ec0a1000006).
"""

from __future__ import annotations

import csv
import gzip
import io
import secrets

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from tests import builders
from tests.integration import grading_helpers as gh
from vendor_qa import clock, create_app, periods
from vendor_qa.auth import accounts
from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.auth.pseudonyms import GraderPseudonym
from vendor_qa.extensions import db
from vendor_qa.grading import results
from vendor_qa.grading.models import Evaluation
from vendor_qa.reports import exports
from vendor_qa.tenants.scoping import all_tenants, tenant_scope


@pytest.fixture
def two_clients(build):
    """One grader certified for two tenants, with one submitted evaluation in each."""
    acme, bolt = build.tenant(slug="acme", name="Acme"), build.tenant(slug="bolt", name="Bolt")
    grader = build.grader(acme, bolt)
    for tenant in (acme, bolt):
        gh.submitted_evaluation(tenant, build.call(build.agent(tenant)), grader, gh.scorecard(tenant))
    return dict(acme=acme, bolt=bolt, grader=grader, managers={t.slug: build.manager(t) for t in (acme, bolt)},
                tokens={t.slug: build.token(t) for t in (acme, bolt)})


def _names(world) -> dict[str, str]:
    return {slug: gh.pseudonym(world[slug], world["grader"]) for slug in ("acme", "bolt")}


def test_each_tenant_has_its_own_fresh_pseudonym(two_clients):
    names = _names(two_clients)
    handle = two_clients["grader"].pseudonym
    assert names["acme"] != names["bolt"]
    assert handle not in names.values()  # the vendor-side handle is no client's pseudonym
    assert all(name.startswith("G-") for name in names.values())


def test_the_evaluation_pages_show_each_client_its_own(two_clients, login, client):
    names = _names(two_clients)
    for slug, other in (("acme", "bolt"), ("bolt", "acme")):
        login(two_clients["managers"][slug])
        listing = client.get(f"/t/{slug}/evaluations/").get_data(as_text=True)
        assert names[slug] in listing and names[other] not in listing
        with tenant_scope(two_clients[slug].id):
            evaluation_id = db.session.scalar(select(Evaluation.id))
        page = client.get(f"/t/{slug}/evaluations/{evaluation_id}").get_data(as_text=True)
        assert names[slug] in page and names[other] not in page


def test_the_api_gives_each_client_its_own(two_clients, client):
    names = _names(two_clients)
    for slug in ("acme", "bolt"):
        answer = client.get("/api/v1/evaluations", headers={"Authorization": f"Bearer {two_clients['tokens'][slug]}"})
        assert [e["grader"] for e in answer.json["evaluations"]] == [names[slug]]


def test_the_csv_export_gives_each_client_its_own(two_clients):
    names = _names(two_clients)
    for slug in ("acme", "bolt"):
        tenant = two_clients[slug]
        with tenant_scope(tenant.id):
            data = exports.evaluations_csv(tenant, periods.current_month(tenant.zone))
        rows = list(csv.DictReader(io.StringIO(gzip.decompress(data).decode())))
        assert [row["grader"] for row in rows] == [names[slug]]


def test_a_renewed_certification_keeps_its_pseudonym(two_clients):
    grader, acme = two_clients["grader"], two_clients["acme"]
    before = gh.pseudonym(acme, grader)
    assert accounts.uncertify(grader, acme)
    accounts.certify(grader, acme)
    db.session.commit()
    assert gh.pseudonym(acme, grader) == before


def test_a_pair_without_a_certification_gets_one_on_first_read_and_keeps_it(build):
    tenant = build.tenant()
    grader = build.grader()  # certified nowhere: work given outside a certification
    gh.submitted_evaluation(tenant, build.call(build.agent(tenant)), grader, gh.scorecard(tenant))
    first = gh.pseudonym(tenant, grader)
    db.session.rollback()  # the read's transaction is not what keeps it
    assert gh.pseudonym(tenant, grader) == first != grader.pseudonym


def test_a_client_read_sees_only_its_own_tenants_pseudonyms(two_clients):
    with tenant_scope(two_clients["acme"].id):
        rows = db.session.scalars(select(GraderPseudonym)).all()
    assert {r.tenant_id for r in rows} == {two_clients["acme"].id}


# ---- the migration ---------------------------------------------------------------------------

@pytest.fixture
def database_at(database_url, redis_url, tmp_path):
    """A fresh database of its own (file or PostgreSQL database), and an app on it."""
    if database_url.startswith("sqlite"):
        url, drop = f"sqlite:///{tmp_path / 'migrating.db'}", None
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        name = f"vqa_migrating_{secrets.token_hex(4)}"
        admin = make_url(database_url).set(drivername="postgresql", database="postgres")
        admin_dsn = admin.render_as_string(hide_password=False)
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)

        def drop():
            with psycopg.connect(admin_dsn, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    # No switch to the row-level-security role: before migration 5ec0a1000007 it has no rights here.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": redis_url, "SERVER_NAME": None,
                      "DATABASE_APP_ROLE": ""})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


def test_the_migration_keeps_what_each_client_has_seen(database_at):
    app = database_at
    with app.app_context():
        # The data is made by today's code at the head, then the schema goes back to where grader
        # pseudonyms were global (the rows stay), so the test holds whatever later migrations add.
        upgrade()
        build = builders.Builder()
        acme, bolt, idle = build.tenant(), build.tenant(), build.tenant()
        # A grader as that schema held one: a global pseudonym, shown to every tenant.
        grader = User(email="old@example.com", name="Old Grader", password_hash="-", role=Role.GRADER.value,
                      pseudonym="G-0LD1")
        grader.certifications = [GraderCertification(tenant=t, activated_at=clock.now()) for t in (acme, bolt)]
        db.session.add(grader)
        db.session.commit()
        evaluation_id = gh.submitted_evaluation(acme, build.call(build.agent(acme)), grader, gh.scorecard(acme))
        seen = grader.pseudonym
        db.session.remove()
        downgrade(revision="5ec0a1000005")

        upgrade()
        with all_tenants("test inspection"):
            kept = {(r.tenant_id, r.grader_id): r.pseudonym for r in db.session.scalars(select(GraderPseudonym))}
        # Every pair that existed keeps the pseudonym its client saw, the evaluation's tenant included;
        # a tenant the grader never worked for has none until a certification draws a fresh one.
        assert kept == {(acme.id, grader.id): seen, (bolt.id, grader.id): seen}
        with tenant_scope(acme.id):
            assert results.submitted_detail(evaluation_id).pseudonym == seen
        accounts.certify(grader, idle)
        db.session.commit()
        assert gh.pseudonym(idle, grader) not in (seen, None)
