"""`flask demo load` keeps the promises of the README: who can log in, and what data they find."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from types import SimpleNamespace

from sqlalchemy import case, func, select

from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.calls.queries import recent_weeks
from vendor_qa.demo import DEMO_LOGINS, DEMO_PASSWORD
from vendor_qa.extensions import db
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

SMALL = ["--weeks", "1", "--calls-per-week", "3", "--agents-per-tenant", "2"]
PII = re.compile(r"@|\d{4} \d{4} \d{4} \d{4}|\d{3}")


def load(runner, *args: str):
    result = runner.invoke(args=["demo", "load", *args])
    assert result.exit_code == 0, result.output
    return result


def printed_logins(output: str) -> list[tuple[str, str]]:
    return re.findall(rf"^\s+(\w+)\s+(\S+@\S+) / {re.escape(DEMO_PASSWORD)}$", output, re.M)


def weekly_minimum(tenant: Tenant, now: datetime, weeks: int = 4) -> int:
    """The fewest calls any agent of the tenant took in any of the last `weeks` ISO weeks."""
    periods = recent_weeks(tenant.zone, weeks, now)
    per_week = [func.count(case((p.contains(Call.started_at), 1))) for p in periods]
    with tenant_scope(tenant.id):
        rows = db.session.execute(
            select(Agent.id, *per_week).outerjoin(Call, Call.agent_id == Agent.id).group_by(Agent.id)
        ).all()
    return min(min(counts) for _, *counts in rows)


def test_the_default_demo_has_what_was_promised(app, runner):
    now = datetime.now(timezone.utc)
    output = load(runner).output
    with app.app_context():
        tenants = db.session.scalars(select(Tenant)).all()
        assert len(tenants) >= 3
        assert len({t.timezone for t in tenants}) == len(tenants)
        assert len({t.setting("language") for t in tenants}) == len(tenants)
        with all_tenants("test: demo totals"):
            assert db.session.scalar(select(func.count(Agent.id))) >= 40
            teams = dict(db.session.execute(select(Team.tenant_id, func.count(Team.id)).group_by(Team.tenant_id)).all())
            calls, low, unrated, future = db.session.execute(select(
                func.count(Call.id),
                func.count(case((Call.customer_rating <= 2, 1))),
                func.count(case((Call.customer_rating.is_(None), 1))),
                func.count(case((Call.started_at > func.now(), 1))),
            )).one()
            topics = dict(db.session.execute(
                select(Call.tenant_id, func.count(func.distinct(Call.topic))).group_by(Call.tenant_id)).all())
        assert all(3 <= teams[t.id] <= 5 for t in tenants)
        assert all(topics[t.id] >= 5 for t in tenants)
        assert 0.04 <= low / calls <= 0.06, f"{low} of {calls} calls rated 2 or lower"
        assert unrated / calls > 0.3 and future == 0
        for tenant in tenants:
            assert weekly_minimum(tenant, now) >= 100, tenant.slug
        graders = db.session.scalars(select(User).where(User.role == Role.GRADER.value)).all()
        assert len(graders) >= 6
        certified = [frozenset(c.tenant_id for c in g.certifications) for g in graders]
        assert all(certified) and len(set(certified)) == len(certified)  # each for a different set
        per_tenant = db.session.execute(
            select(GraderCertification.tenant_id, func.count()).group_by(GraderCertification.tenant_id)).all()
        assert len(per_tenant) == len(tenants) and all(n >= 2 for _, n in per_tenant)  # overlapping
        managers = db.session.scalars(select(User.tenant_id).where(User.role == Role.CLIENT_MANAGER.value)).all()
        assert sorted(managers) == sorted(t.id for t in tenants)
    assert "Demo data loaded" in output and len(printed_logins(output)) == len(DEMO_LOGINS)


def test_calls_look_real(app, runner):
    load(runner, "--weeks", "1", "--calls-per-week", "40", "--agents-per-tenant", "3")
    with app.app_context(), all_tenants("test: demo calls"):
        calls = db.session.scalars(select(Call)).all()
        slugs = dict(db.session.execute(select(Tenant.id, Tenant.slug)).all())
    phone = sorted(c.duration_seconds for c in calls if c.channel == "phone")
    assert 120 <= phone[len(phone) // 2] <= 600  # the median call takes 2 to 10 minutes
    assert any(d < 180 for d in phone) and any(d > 600 for d in phone)
    assert {c.channel for c in calls} == {"phone", "chat", "email", "social"}
    assert all(3 <= len(c.transcript.splitlines()) <= 6 for c in calls)
    assert 0.1 < sum(bool(PII.search(c.transcript)) for c in calls) / len(calls) < 0.4
    for call in calls:
        if call.channel == "phone":
            assert call.recording_url == f"https://recordings.example/{slugs[call.tenant_id]}/{call.external_id}.mp3"
        else:
            assert call.recording_url is None
    transcripts = {slugs[c.tenant_id]: c.transcript for c in calls}
    assert "Kunde:" in transcripts["nordlys"] and "Клиент:" in transcripts["volga"]
    assert "Customer:" in transcripts["pacific"] and "客户" in transcripts["changjiang"]


def test_if_empty_does_nothing_the_second_time(app, runner):
    load(runner, *SMALL)
    with app.app_context(), all_tenants("test: count"):
        before = db.session.scalar(select(func.count(Call.id)))
    again = load(runner, "--if-empty", *SMALL)
    with app.app_context(), all_tenants("test: count"):
        assert db.session.scalar(select(func.count(Call.id))) == before
    assert "no demo data loaded" in again.output
    assert len(printed_logins(again.output)) == len(DEMO_LOGINS)  # still told how to log in


def test_loading_twice_is_refused_without_changes(app, runner):
    load(runner, *SMALL)
    result = runner.invoke(args=["demo", "load", *SMALL])
    assert result.exit_code != 0 and "there already" in result.output


def test_the_same_seed_gives_the_same_calls(app, runner):
    def snapshot():
        with app.app_context(), all_tenants("test: snapshot"):
            return db.session.execute(
                select(Call.external_id, Agent.display_name, Call.channel, Call.topic, Call.customer_rating,
                       Call.duration_seconds, Call.transcript).join(Agent).order_by(Call.external_id)).all()

    load(runner, *SMALL)
    first = snapshot()
    with app.app_context():
        db.session.execute(Tenant.__table__.delete())
        db.session.execute(User.__table__.delete())
        db.session.commit()
    load(runner, *SMALL)
    assert snapshot() == first


def test_every_printed_login_can_log_in(app, runner, login):
    output = load(runner, *SMALL).output
    logins = printed_logins(output)
    assert {role for role, _ in logins} == {r.value for r in Role}
    for role, email in logins:
        client = login(SimpleNamespace(email=email), password=DEMO_PASSWORD)
        landing = client.get("/", follow_redirects=True)
        assert landing.status_code == 200, (role, email)
