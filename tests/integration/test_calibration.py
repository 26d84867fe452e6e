"""Calibration sessions: creation, the blind rule through every route, the reveal, exclusion from
client figures and the SLA, the audit trail, and the cadence job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.integration import grading_helpers as gh
from vendor_qa import clock
from vendor_qa.audit.models import AuditEvent
from vendor_qa.calibration import jobs, service
from vendor_qa.calibration.models import CalibrationParticipant, CalibrationSession
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment, Evaluation
from vendor_qa.grading.results import EvaluationFilter, client_statement
from vendor_qa.tenants.scoping import all_tenants, tenant_scope
from vendor_qa.templating import number


class World:
    def __init__(self, build):
        self.tenant = build.tenant()
        self.card = gh.scorecard(self.tenant)
        self.agent = build.agent(self.tenant)
        self.call = build.call(self.agent, started_at=clock.now() - timedelta(hours=3))
        self.admin = build.admin()
        self.manager = build.manager(self.tenant)
        self.graders = [build.grader(self.tenant) for _ in range(3)]
        self.build = build

    @property
    def base(self) -> str:
        return f"/t/{self.tenant.slug}/calibration"

    def start(self, graders=None, expert=None, deadline=None, now=None) -> int:
        with tenant_scope(self.tenant.id):
            session = service.create_session(
                self.tenant, self.call, [g.id for g in (graders or self.graders[:2])],
                deadline or clock.now() + timedelta(days=3), self.admin,
                expert_id=expert.id if expert else None, now=now)
            db.session.commit()
            return session.id

    def work_of(self, session_id: int, grader) -> int:
        with tenant_scope(self.tenant.id):
            return db.session.scalar(select(CalibrationParticipant.assignment_id).where(
                CalibrationParticipant.session_id == session_id, CalibrationParticipant.grader_id == grader.id))

    def session(self, session_id: int) -> CalibrationSession:
        with tenant_scope(self.tenant.id):
            db.session.expire_all()
            return db.session.get(CalibrationSession, session_id)

    def audit(self) -> list[str]:
        with tenant_scope(self.tenant.id):
            return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def world(build):
    return World(build)




# ---- creating ------------------------------------------------------------------------------

def test_admin_starts_a_session_and_each_grader_finds_the_call_in_their_queue(world, login):
    client = login(world.admin)
    first, second = world.graders[:2]
    response = client.post(f"{world.base}/new", data={
        "call": world.call.external_id, "graders": [first.id, second.id], "expert": str(first.id),
        "deadline": (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    with tenant_scope(world.tenant.id):
        session = db.session.scalar(select(CalibrationSession))
        work = list(db.session.scalars(select(Assignment).order_by(Assignment.id)))
    assert session.expert_id == first.id and session.status == "open"
    assert response.headers["Location"].endswith(f"/calibration/{session.id}")
    assert sorted((a.reason, a.status, a.grader_id) for a in work) == sorted([
        ("calibration", "assigned", first.id), ("calibration", "assigned", second.id)])
    assert world.audit() == ["calibration.session_created"]
    mine = {a.grader_id: a.id for a in work}
    queue = login(second).get("/grading/queue").get_data(as_text=True)
    assert f"/grading/assignments/{mine[second.id]}" in queue and f"/grading/assignments/{mine[first.id]}" not in queue


@pytest.mark.parametrize("change, message", [
    (dict(graders=["G0"]), "at least 2 graders"),
    (dict(graders=["G0", "outsider"]), "certified for this tenant"),
    (dict(expert="G2"), "must be one of the chosen graders"),
    (dict(deadline="2001-01-01T10:00"), "deadline in the future"),
    (dict(call="no-such-call"), "No call of this tenant has that id"),
    (dict(call=""), "Pick a random recent call"),
    (dict(graders=["x"]), "could not be coerced"),
])
def test_bad_input_is_refused_on_the_form_and_nothing_is_saved(world, build, login, change, message):
    outsider = build.grader(build.tenant())
    ids = {"G0": world.graders[0].id, "G1": world.graders[1].id, "G2": world.graders[2].id, "outsider": outsider.id}
    data = {"call": world.call.external_id, "graders": [ids["G0"], ids["G1"]],
            "deadline": (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")}
    data.update({k: [ids.get(v, v) for v in value] if isinstance(value, list) else str(ids.get(value, value))
                 for k, value in change.items()})
    response = login(world.admin).post(f"{world.base}/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with tenant_scope(world.tenant.id):
        assert db.session.scalar(select(func.count(CalibrationSession.id))) == 0
        assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_the_system_can_pick_a_random_recent_call(world, build, login):
    build.call(world.agent, started_at=clock.now() - timedelta(days=40))  # too old to be picked
    response = login(world.admin).post(f"{world.base}/new", data={
        "random_call": "y", "graders": [g.id for g in world.graders],
        "deadline": (clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    with tenant_scope(world.tenant.id):
        assert db.session.scalar(select(CalibrationSession.call_id)) == world.call.id


# ---- the blind rule and the reveal -------------------------------------------------------------

def test_no_one_sees_answers_before_every_grader_has_submitted(world, login, app):
    first, second = world.graders[:2]
    session_id = world.start(expert=first)
    work_1, work_2 = world.work_of(session_id, first), world.work_of(session_id, second)
    gh.grade(login, first, work_1, gh.full_marks(world.card))
    with tenant_scope(world.tenant.id):
        evaluation_1 = db.session.scalar(select(Evaluation.id).where(Evaluation.assignment_id == work_1))

    # The other grader: not the first one's form, nor the session, nor the client's pages.
    client = login(second)
    assert client.get(f"/grading/assignments/{work_1}").status_code == 404
    assert client.get(f"/t/{world.tenant.slug}/calibration/{session_id}").status_code == 403
    assert client.get(f"/t/{world.tenant.slug}/evaluations/{evaluation_1}").status_code == 403
    assert client.get(f"/t/{world.tenant.slug}/evaluations/").status_code == 403
    assert "Warm greeting" not in client.get(f"/grading/assignments/{work_2}").get_data(as_text=True)
    assert "Warm greeting" not in client.get("/grading/me").get_data(as_text=True)

    # The admin sees who submitted, not what.
    page = login(world.admin).get(f"{world.base}/{session_id}").get_data(as_text=True)
    assert "1 of 2 graders submitted" in page and "Answers stay hidden" in page
    assert "Agreement" not in page and 'data-testid="alpha"' not in page

    gh.grade(login, second, work_2, gh.strict(world.card))
    page = login(world.admin).get(f"{world.base}/{session_id}").get_data(as_text=True)
    assert "2 of 2 graders submitted" in page and 'data-testid="alpha"' in page
    assert "Partial" in page and "Full" in page  # both graders' answers, side by side
    with tenant_scope(world.tenant.id):
        figures = service.results(world.session(session_id)).comparison
    for kind in figures.by_kind:  # each kind of criterion apart, at its own level
        shown = "n/a" if kind.agreement.alpha is None else number(kind.agreement.alpha, 2)
        assert f'data-testid="alpha">{shown}<' in page
    assert world.session(session_id).status == "closed"
    assert world.audit() == ["calibration.session_created", "calibration.session_closed"]


def test_clients_never_see_calibration_evaluations(world, login):
    gh.submitted_evaluation(world.tenant, world.call, world.graders[2], world.card)  # a regular one
    session_id = world.start()
    for grader in world.graders[:2]:
        gh.grade(login, grader, world.work_of(session_id, grader), gh.strict(world.card))
    with tenant_scope(world.tenant.id):
        calibration = list(db.session.scalars(select(Evaluation.id).join(Assignment).where(
            Assignment.reason == "calibration")))
        listed = list(db.session.scalars(client_statement(EvaluationFilter())))
    assert len(calibration) == 2 and [e.id for e in listed] and not set(calibration) & {e.id for e in listed}
    client = login(world.manager)
    for evaluation_id in calibration:
        assert client.get(f"/t/{world.tenant.slug}/evaluations/{evaluation_id}").status_code == 404
    assert client.get(f"{world.base}/{session_id}").status_code == 403
    assert client.get(f"/t/{world.tenant.slug}/audit/").status_code == 403


def test_the_deadline_reveals_what_was_submitted_and_withdraws_the_rest(world, login):
    first, second = world.graders[:2]
    session_id = world.start(deadline=clock.now() + timedelta(minutes=30))
    gh.grade(login, first, world.work_of(session_id, first), gh.full_marks(world.card))
    later = clock.now() + timedelta(hours=1)
    with tenant_scope(world.tenant.id):
        assert service.due_sessions(later) == [world.session(session_id)]
        assert service.close_if_due(world.session(session_id), later)
        assert not service.close_if_due(world.session(session_id), later)  # once only
        withdrawn = db.session.get(Assignment, world.work_of(session_id, second))
        assert withdrawn.status == "cancelled"
    page = login(world.admin).get(f"{world.base}/{session_id}").get_data(as_text=True)
    assert "1 of 2" in page and "Did not submit" in page and second.name in page
    # one sheet: nothing to agree with
    assert 'data-testid="alpha">n/a<' in page and 'data-testid="alpha">0' not in page


def test_an_admin_can_close_a_session_early(world, login):
    session_id = world.start()
    client = login(world.admin)
    assert client.post(f"{world.base}/{session_id}/close").status_code == 302
    assert client.post(f"{world.base}/{session_id}/close").status_code == 302
    assert world.session(session_id).status == "closed"
    assert world.audit() == ["calibration.session_created", "calibration.session_closed"]
    audit = client.get(f"/t/{world.tenant.slug}/audit/").get_data(as_text=True)
    assert "calibration.session_closed" in audit and world.admin.name in audit


# ---- exclusion from client figures and the SLA -------------------------------------------------



def test_a_calibration_changes_no_client_figure_and_no_sla_count(world, login):
    gh.submitted_evaluation(world.tenant, world.call, world.graders[2], world.card)
    before = gh.client_figures(world.tenant, world.agent.id)
    session_id = world.start()
    for grader in world.graders[:2]:
        gh.grade(login, grader, world.work_of(session_id, grader), gh.strict(world.card))
    assert world.session(session_id).status == "open"  # nobody has looked yet; the figures must not care
    assert gh.client_figures(world.tenant, world.agent.id) == before
    assert before[0].evaluations == 1 and before[2] == 1


# ---- the cadence -------------------------------------------------------------------------------

def _sessions(tenant) -> list[CalibrationSession]:
    with tenant_scope(tenant.id):
        db.session.expire_all()
        return list(db.session.scalars(select(CalibrationSession).order_by(CalibrationSession.id)))


def test_the_cadence_starts_one_session_per_tenant_and_day(world):
    now = clock.now()
    day = now.date().isoformat()
    result = jobs.schedule_calibration(world.tenant.id, day, now.isoformat())
    assert result.startswith("started session")
    assert jobs.schedule_calibration(world.tenant.id, day, now.isoformat()) == "already started today"
    (session,) = _sessions(world.tenant)
    assert session.scheduled_for == now.date() and session.created_by_id is None
    assert len(session.participants) == 3 and session.deadline == now + jobs.CADENCE_DEADLINE
    tomorrow = now + timedelta(days=1)
    assert jobs.schedule_calibration(world.tenant.id, tomorrow.date().isoformat(),
                                     tomorrow.isoformat()).startswith("up to date")
    with tenant_scope(world.tenant.id):
        assert db.session.get(CalibrationSession, session.id).status == "open"


def test_the_cadence_closes_due_sessions_and_starts_the_next_when_the_last_is_old(world, build):
    start = clock.now() - timedelta(days=15)
    with tenant_scope(world.tenant.id):
        old = service.create_session(world.tenant, world.call, [g.id for g in world.graders[:2]],
                                     start + timedelta(days=3), None, now=start)
        old.created_at = start
        db.session.commit()
    now = clock.now()
    assert jobs.schedule_calibration(world.tenant.id, now.date().isoformat(), now.isoformat()).startswith("started")
    first, second = _sessions(world.tenant)
    assert first.status == "closed" and second.status == "open"
    assert world.audit() == ["calibration.session_created", "calibration.session_closed",
                             "calibration.session_created"]


def test_the_cadence_can_be_turned_off_and_needs_two_graders(world, build, login):
    assert login(world.admin).post(f"{world.base}/cadence", data={"every_days": "0"}).status_code == 302
    db.session.expire_all()  # the page saved it in its own session
    assert world.tenant.setting("calibration_every_days") == 0
    now = clock.now()
    assert jobs.schedule_calibration(world.tenant.id, now.date().isoformat(), now.isoformat()) == "no cadence set"
    lonely = build.tenant()
    gh.scorecard(lonely)
    build.call(build.agent(lonely))
    build.grader(lonely)
    assert jobs.schedule_calibration(lonely.id, now.date().isoformat(),
                                     now.isoformat()) == "fewer than two certified graders"
    assert _sessions(world.tenant) == [] and _sessions(lonely) == []


def test_cadence_status_tells_whether_each_tenant_is_up_to_date(world, build):
    other = build.tenant(settings={"calibration_every_days": 7})
    now = clock.now()
    world.start(now=now)
    with tenant_scope(world.tenant.id):
        db.session.execute(CalibrationSession.__table__.update().values(created_at=now - timedelta(days=10)))
        db.session.commit()
    with all_tenants("test: the cadence of every tenant"):
        statuses = service.cadence_statuses([world.tenant, other])
    assert statuses[world.tenant.id].up_to_date(now)  # every 14 days, last 10 days ago
    assert statuses[world.tenant.id].due_at() == (now - timedelta(days=10)) + timedelta(days=14)
    assert not statuses[other.id].up_to_date(now) and statuses[other.id].last_at is None


def test_the_cadence_is_a_scheduled_job_and_a_command(app, world, runner):
    from vendor_qa.jobs import CRON_JOBS

    assert ("dispatch_calibration", "0 4 * * *") in {(f.__name__, e) for f, e, _, _ in CRON_JOBS}
    result = runner.invoke(args=["calibration", "cadence", "--tenant", world.tenant.slug])
    assert result.exit_code == 0, result.output
    assert f"{world.tenant.slug}: started session" in result.output



def test_a_calibration_call_cannot_be_released_to_the_pool(world, login):
    """A session's grader keeps the call: releasing it is refused with a message, and the pool never offers it."""
    session_id = world.start()
    first, second = world.graders[:2]
    mine = world.work_of(session_id, first)
    client = login(first)
    response = client.post(f"/grading/assignments/{mine}/release", data={"reason": "no time"})
    assert response.status_code == 422
    assert "cannot be released" in response.get_data(as_text=True)
    third = login(world.graders[2])
    assert third.post("/grading/next").headers["Location"].endswith("/grading/queue")
