"""`flask demo load` keeps the promises of the README: who can log in, and what data they find."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import case, func, select

from vendor_qa import clock, periods
from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.coaching.models import CoachingSession
from vendor_qa.demo.content import manager_email
from vendor_qa.demo.people import DEMO_LOGINS, DEMO_PASSWORD
from vendor_qa.extensions import db
from vendor_qa.grading.models import UNCOUNTED_REASONS, Assignment, Evaluation, EvaluationCriterion
from vendor_qa.scorecards.models import Criterion, Section
from vendor_qa.sla.models import SlaWeekTenant
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants, tenant_scope
from vendor_qa.trainings import demo as trainings_demo
from vendor_qa.trainings import results as training_results
from vendor_qa.trainings.models import Training

SMALL = ["--weeks", "1", "--calls-per-week", "3", "--agents-per-tenant", "2"]
HISTORY = ["--weeks", "3", "--calls-per-week", "10", "--agents-per-tenant", "3"]  # two past weeks to grade
PII = re.compile(r"@|\d{4} \d{4} \d{4} \d{4}|\d{3}")


def load(runner, *args: str):
    result = runner.invoke(args=["demo", "load", *args])
    assert result.exit_code == 0, result.output
    return result


def printed_logins(output: str) -> list[tuple[str, str]]:
    return re.findall(rf"^\s+(\w+)\s+(\S+@\S+) / {re.escape(DEMO_PASSWORD)}$", output, re.M)


def weekly_minimum(tenant: Tenant, now: datetime, weeks: int = 4) -> int:
    """The fewest calls any agent of the tenant took in any of the last `weeks` ISO weeks."""
    spans = [w.bounds for w in periods.recent_weeks(tenant.zone, weeks, now)]
    per_week = [func.count(case((p.contains(Call.started_at), 1))) for p in spans]
    with tenant_scope(tenant.id):
        rows = db.session.execute(
            select(Agent.id, *per_week).outerjoin(Call, Call.agent_id == Agent.id).group_by(Agent.id)
        ).all()
    return min(min(counts) for _, *counts in rows)


def test_the_default_demo_has_what_was_promised(app, runner):
    output = load(runner).output
    now = clock.now()  # after the load: the clock runs on while it writes calls up to its own now
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
                func.count(case((Call.started_at > now, 1))),
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
        managers = db.session.scalars(select(User).where(User.role == Role.CLIENT_MANAGER.value)).all()
        # per company a manager of the whole company and a lead of one team (issue #12)
        assert sorted((m.tenant_id, len(m.lead_team_ids)) for m in managers) == sorted(
            (t.id, teams) for t in tenants for teams in (0, 1))
        with all_tenants("test: demo agents' e-mails and coaching"):
            emails = db.session.scalar(select(func.count(Agent.email)))
            due = db.session.scalar(select(func.count(CoachingSession.id)).where(
                CoachingSession.followed_up_at.is_(None), CoachingSession.follow_up_on <= clock.now().date()))
        assert emails and due >= len(tenants)  # agents to reach, and follow-ups on each lead's home
        for tenant in tenants:  # issue 13: a training that worked, one that did not, one in progress
            with tenant_scope(tenant.id):
                found = {t.title: training_results.result(tenant, t) for t in db.session.scalars(select(Training))}
            worked, failed, running = (found[title] for title in (
                trainings_demo.WORKED, trainings_demo.DID_NOT_WORK, trainings_demo.IN_PROGRESS))
            assert (worked.verdict.kind, worked.live) == ("improved", False), tenant.slug
            assert failed.verdict.kind != "improved" and not failed.live, tenant.slug
            assert running.live, tenant.slug
        with all_tenants("test: demo history"):
            averages = db.session.execute(select(Evaluation.tenant_id, Evaluation.agent_id, func.avg(Evaluation.total))
                                          .group_by(Evaluation.tenant_id, Evaluation.agent_id)).all()
            held = dict(db.session.execute(select(Assignment.tenant_id, func.count()).where(
                Assignment.status == "assigned").group_by(Assignment.tenant_id)).all())
        for tenant in tenants:
            scores = [float(a) for t, _, a in averages if t == tenant.id]
            assert len(scores) >= 10 and max(scores) - min(scores) >= 15, tenant.slug  # some agents clearly weaker
            assert held.get(tenant.id, 0) > 0, tenant.slug  # a few assignments were left to show as missed
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


def history_totals() -> dict:
    """Per tenant: submitted evaluations, their criterion rows, and the rows their versions call for."""
    expected = (select(func.count(Criterion.id)).join(Section, Section.id == Criterion.section_id)
                .where(Section.version_id == Evaluation.scorecard_version_id).scalar_subquery())
    rows = (select(func.count(EvaluationCriterion.id))
            .where(EvaluationCriterion.evaluation_id == Evaluation.id).scalar_subquery())
    with all_tenants("test: demo history"):
        return {tenant_id: (count, short) for tenant_id, count, short in db.session.execute(
            select(Evaluation.tenant_id, func.count(), func.count(case((rows != expected, 1))))
            .where(Evaluation.status == "submitted").group_by(Evaluation.tenant_id))}


def test_the_demo_has_a_graded_and_closed_history(app, runner, login):
    now = clock.now()
    load(runner, *HISTORY)
    with app.app_context():
        tenants = db.session.scalars(select(Tenant)).all()
        totals = history_totals()
        with all_tenants("test: demo history"):
            planned = set(db.session.execute(select(Assignment.tenant_id, Assignment.week).distinct()).tuples())
            held = set(db.session.execute(select(Assignment.tenant_id, Assignment.week).distinct()
                                          .where(Assignment.status == "assigned")).tuples())
            closed = set(db.session.execute(select(SlaWeekTenant.tenant_id, SlaWeekTenant.week)).tuples())
            submitted = db.session.execute(select(Evaluation.tenant_id, Evaluation.submitted_at)).all()
            # Work is handed out after its call and before it is opened, and opened before it is submitted.
            order = db.session.execute(
                select(Call.started_at, Assignment.assigned_at, Evaluation.opened_at, Evaluation.submitted_at)
                .join(Assignment, Assignment.id == Evaluation.assignment_id)
                .join(Call, Call.id == Evaluation.call_id)).all()
            assert order and all(call < assigned <= opened <= at for call, assigned, opened, at in order)
            # Blind double grades were made and graded, so the grader reliability page has pairs to show.
            doubles = db.session.scalar(select(func.count(Evaluation.id)).join(Evaluation.assignment).where(
                Assignment.reason == "double", Evaluation.status == "submitted"))
            assert doubles > 0
        past: set[tuple[int, str]] = set()
        for tenant in tenants:
            current = periods.week_of(now, tenant.timezone)
            last = periods.previous_week(current)
            weeks = {periods.previous_week(last), last, current}
            assert {w for t, w in planned if t == tenant.id} == weeks, tenant.slug
            past.update({(tenant.id, periods.previous_week(last)), (tenant.id, last)})
            assert (tenant.id, current) in held, tenant.slug  # today's planning run filled the queues
            start, _ = periods.week_bounds(current, tenant.timezone)
            assert all(at < start for t, at in submitted if t == tenant.id), tenant.slug  # none this week
            count, without_rows = totals[tenant.id]
            assert count > 0 and without_rows == 0, tenant.slug
        assert past <= closed and not (planned - past) & closed  # the past weeks closed, the current one open

        tenant = tenants[0]
        last = periods.previous_week(periods.week_of(now, tenant.timezone))
        first, end = periods.week_bounds(last, tenant.timezone)
        with tenant_scope(tenant.id):
            in_week = db.session.scalar(select(func.count(Evaluation.id)).join(Evaluation.assignment).where(
                Evaluation.submitted_at >= first, Evaluation.submitted_at < end,
                Assignment.reason.not_in(UNCOUNTED_REASONS)))  # double grades check graders, not agents
    assert in_week > 0
    client = login(SimpleNamespace(email=manager_email(tenant.slug)), password=DEMO_PASSWORD)
    html = client.get(f"/t/{tenant.slug}/dashboard?view=week&week={last}").get_data(as_text=True)
    figure = re.search(r'data-figure="evaluations"><div class="value">([^<]*)<', html)
    assert figure and figure[1] == str(in_week)


def test_the_same_seed_gives_the_same_evaluations(app, runner):
    # Which grader gets which call is the hand-out's choice, not the seed's: graders are not compared,
    # nor double grades, whose second grader (and with it their answers) that choice decides.
    def snapshot():
        with app.app_context(), all_tenants("test: snapshot"):
            return db.session.execute(
                select(Call.external_id, Evaluation.total, Evaluation.submitted_at,
                       Evaluation.feedback_good, Evaluation.feedback_improve, Criterion.text,
                       EvaluationCriterion.answer, EvaluationCriterion.comment)
                .join(Evaluation, Evaluation.call_id == Call.id)
                .join(Assignment, Assignment.id == Evaluation.assignment_id)
                .join(EvaluationCriterion).join(Criterion, Criterion.id == EvaluationCriterion.criterion_id)
                .where(Assignment.reason.not_in(UNCOUNTED_REASONS))
                .order_by(Call.external_id, Criterion.text)).all()

    history = ["--weeks", "2", "--calls-per-week", "5", "--agents-per-tenant", "2"]
    load(runner, *history)
    first = snapshot()
    with app.app_context():
        db.session.execute(Tenant.__table__.delete())
        db.session.execute(User.__table__.delete())
        db.session.commit()
    load(runner, *history)
    assert first and snapshot() == first
