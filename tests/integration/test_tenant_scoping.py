"""Tenant isolation fails closed: no context, no tenant data."""

import pytest
from sqlalchemy import func, select

from vendor_qa.calls.models import Agent, Call
from vendor_qa.extensions import db
from vendor_qa.tenants.scoping import TenantContextMissing, all_tenants, tenant_scope, tenants_scope


def test_query_without_context_raises(build):
    acme = build.tenant()
    build.agent(acme)
    with pytest.raises(TenantContextMissing):
        db.session.scalars(select(Agent)).all()


def test_get_by_id_without_context_raises(build):
    agent = build.agent(build.tenant())
    db.session.expunge_all()
    with pytest.raises(TenantContextMissing):
        db.session.get(Agent, agent.id)


def test_scope_hides_other_tenants_rows(build):
    acme, globex = build.tenant(), build.tenant()
    mine = build.agent(acme)
    theirs = build.agent(globex)
    db.session.expunge_all()
    with tenant_scope(acme.id):
        assert [a.id for a in db.session.scalars(select(Agent))] == [mine.id]
        assert db.session.get(Agent, theirs.id) is None
        # aggregates written with ORM attributes are scoped too
        assert db.session.scalar(select(func.count(Agent.id))) == 1


def test_joins_are_scoped_on_every_entity(build):
    acme, globex = build.tenant(), build.tenant()
    build.call(build.agent(acme))
    build.call(build.agent(globex))
    db.session.expunge_all()
    with tenant_scope(acme.id):
        rows = db.session.execute(select(Call.id, Agent.id).join(Agent, Call.agent_id == Agent.id)).all()
    assert len(rows) == 1


def test_several_tenants_and_named_opt_out(build):
    a, b, c = build.tenant(), build.tenant(), build.tenant()
    for t in (a, b, c):
        build.agent(t)
    db.session.expunge_all()
    with tenants_scope([a.id, b.id], "grader queue"):
        assert db.session.scalar(select(func.count(Agent.id))) == 2
    with all_tenants("test: vendor-wide count"):
        assert db.session.scalar(select(func.count(Agent.id))) == 3
    with pytest.raises(ValueError):
        with all_tenants(""):
            pass


def test_writing_another_tenants_row_is_refused(build):
    acme, globex = build.tenant(), build.tenant()
    with tenant_scope(acme.id):
        db.session.add(Agent(tenant_id=globex.id, external_id="x", display_name="X"))
        with pytest.raises(TenantContextMissing):
            db.session.flush()
        db.session.rollback()


def test_new_row_takes_the_tenant_of_the_context(build):
    acme = build.tenant()
    with tenant_scope(acme.id):
        agent = Agent(external_id="x", display_name="X")
        db.session.add(agent)
        db.session.commit()
        assert agent.tenant_id == acme.id


def test_counts_over_subqueries_are_scoped_and_refused_without_context(build):
    acme, globex = build.tenant(), build.tenant()
    build.call(build.agent(acme))
    for _ in range(3):
        build.call(build.agent(globex))
    db.session.expunge_all()
    inner = select(Call.id).subquery()
    count_all = select(func.count()).select_from(inner)
    with tenant_scope(acme.id):
        assert db.session.scalar(count_all) == 1
        assert db.paginate(select(Call), page=1, per_page=10).total == 1
    with pytest.raises(TenantContextMissing):
        db.session.scalar(count_all)
