"""The certification gate: a new certification of a gated tenant starts pending, gets calibration
work only, and becomes active once the grader's alignment with the experts has been measured on
the tenant's minimum of sessions and is not shown below the mark at 95% (the drift flags' rule)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration import grading_helpers as gh
from vendor_qa import clock, periods
from vendor_qa.audit.models import AuditEvent
from vendor_qa.auth.models import GraderCertification
from vendor_qa.calibration import service
from vendor_qa.calibration.models import CalibrationParticipant, CalibrationSession
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.sla import pool
from vendor_qa.sla.settings import grader_capacities
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope



SESSIONS = 2  # the tenant's minimum of calibration sessions behind a certification


class World:
    def __init__(self, build, login, gate: bool = True):
        self.build, self.login = build, login
        self.tenant = build.tenant(slug="gated")
        self.card = gh.scorecard(self.tenant)
        self.agent = build.agent(self.tenant)
        self.admin = build.admin()
        self.expert = build.user("grader", certify=[self.tenant], name="Eve Expert")  # certified before the gate
        self.newcomer = build.user("grader", name="Nina New")
        self.tenant.settings = {"certification_gate": gate, "reliability_min_pairs": SESSIONS}
        db.session.commit()

    def certify(self, grader=None) -> None:
        response = self.login(self.admin).post(f"/admin/users/{(grader or self.newcomer).id}/certifications",
                                               data={"tenant": self.tenant.slug})
        assert response.status_code == 302

    def certification(self, grader=None) -> GraderCertification:
        db.session.expire_all()
        return db.session.get(GraderCertification, ((grader or self.newcomer).id, self.tenant.id))

    def call(self):
        return self.build.call(self.agent, started_at=clock.now() - timedelta(hours=2))

    def open_sample(self) -> int:
        assignment_id = gh.held_assignment(self.tenant, self.call(), self.expert, self.card, status="open")
        with tenant_scope(self.tenant.id):
            db.session.get(Assignment, assignment_id).grader_id = None
            db.session.commit()
        return assignment_id

    def calibrate(self, newcomer_form: dict[str, str]) -> int:
        """A session with the expert and the newcomer; both grade through the form; it closes by itself."""
        with tenant_scope(self.tenant.id):
            session = service.create_session(self.tenant, self.call(), [self.expert.id, self.newcomer.id],
                                             clock.now() + timedelta(days=2), self.admin, expert_id=self.expert.id)
            db.session.commit()
            work = dict(db.session.execute(
                select(CalibrationParticipant.grader_id, CalibrationParticipant.assignment_id)
                .where(CalibrationParticipant.session_id == session.id)).tuples().all())
        for grader, form in ((self.expert, gh.full_marks(self.card)), (self.newcomer, newcomer_form)):
            client = self.login(grader)
            assert client.get(f"/grading/assignments/{work[grader.id]}").status_code == 200
            assert client.post(f"/grading/assignments/{work[grader.id]}", data=form).status_code == 302
        # The admin's session page is one of the places that closes a finished session.
        assert self.login(self.admin).get(f"/t/{self.tenant.slug}/calibration/{session.id}").status_code == 200
        with tenant_scope(self.tenant.id):
            db.session.expire_all()
            assert db.session.get(CalibrationSession, session.id).status == "closed"
        return session.id


def test_a_new_certification_waits_and_the_grader_gets_no_work(build, login):
    world = World(build, login)
    world.certify()
    assert world.certification().pending and world.certification().activated_at is None
    world.open_sample()

    client = login(world.newcomer)
    queue = client.get("/grading/queue").get_data(as_text=True)
    assert 'id="pending-certifications"' in queue and "no tenant yet" in queue  # listed as pending, not certified
    assert "<strong>0</strong> open" in queue  # the tenant's pool is not theirs
    assert client.post("/grading/next").headers["Location"].endswith("/grading/queue")

    assert world.newcomer.id not in grader_capacities(world.tenant.id)  # the distribution passes them over
    with tenant_scope(world.tenant.id):
        handout = pool.hand_out(world.tenant.id, periods.week_of(clock.now(), world.tenant.timezone), clock.now())
        db.session.commit()
        held = db.session.scalars(select(Assignment.grader_id).where(Assignment.grader_id.is_not(None))).all()
    assert handout.given == 1 and set(held) == {world.expert.id}


def test_a_vendor_admin_cannot_assign_work_to_a_pending_grader(build, login):
    world = World(build, login)
    world.certify()
    sample = world.open_sample()
    response = login(world.admin).post(f"/t/{world.tenant.slug}/assignments/{sample}/assign",
                                       data={"grader": world.newcomer.id, "reason": "Try them"})
    assert response.status_code == 422
    with tenant_scope(world.tenant.id):
        db.session.expire_all()
        assert db.session.get(Assignment, sample).grader_id is None


def test_calibration_with_enough_alignment_activates_the_certification(build, login):
    world = World(build, login)
    world.certify()
    world.calibrate(gh.full_marks(world.card))
    assert world.certification().pending  # one session is fewer than the tenant's minimum
    world.calibrate(gh.full_marks(world.card))
    certification = world.certification()
    assert certification.working and certification.activated_at is not None
    with tenant_scope(world.tenant.id):
        (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certification.activated"))
    assert event.subject_id == world.newcomer.id
    assert event.after == {"status": "active", "alignment": "100%", "sessions": 2, "required": "80%"}
    world.open_sample()
    assert login(world.newcomer).post("/grading/next").headers["Location"].startswith("/grading/assignments/")


def test_too_little_alignment_keeps_it_pending_with_its_progress_shown(build, login):
    world = World(build, login)
    world.certify()
    world.calibrate(gh.strict(world.card))
    world.calibrate(gh.strict(world.card))
    assert world.certification().pending  # 50% in both sessions: the whole interval lies below 80%
    html = login(world.admin).get("/admin/graders/reliability").get_data(as_text=True)
    start = html.index('id="pending-certifications"')
    pending = html[start:html.index("</section>", start)]
    assert "Nina New" in pending and "50%" in pending and "(2 calls)" in pending and "80%" in pending

    # A mark the interval reaches lets the next check through: opening the page is one.
    with tenant_scope(world.tenant.id):
        tenant = db.session.get(Tenant, world.tenant.id)
        tenant.settings = {**tenant.settings, "certification_alignment": 0.5}
        db.session.commit()
    html = login(world.admin).get("/admin/graders/reliability").get_data(as_text=True)
    assert 'id="activated"' in html and "Nina New" in html
    assert world.certification().working


def test_the_expert_cannot_be_a_pending_grader(build, login):
    world = World(build, login)
    world.certify()
    with tenant_scope(world.tenant.id), pytest.raises(service.CalibrationError, match="not a pending one"):
        service.create_session(world.tenant, world.call(), [world.expert.id, world.newcomer.id],
                               clock.now() + timedelta(days=2), world.admin, expert_id=world.newcomer.id)


def test_without_the_gate_a_certification_works_at_once(build, login):
    world = World(build, login, gate=False)
    world.certify()
    assert world.certification().working
    world.open_sample()
    assert login(world.newcomer).post("/grading/next").headers["Location"].startswith("/grading/assignments/")


def test_turning_the_gate_off_releases_pending_certifications(build, login):
    world = World(build, login)
    world.certify()
    client = login(world.admin)
    response = client.post(f"/admin/tenants/{world.tenant.id}/edit",
                           data={"name": world.tenant.name, "timezone": "UTC", "active": "y"})
    assert response.status_code == 302
    client.get("/admin/graders/reliability")
    assert world.certification().working


def test_the_tenant_form_saves_the_reliability_settings_and_refuses_bad_ones(build, login):
    world = World(build, login, gate=False)
    client = login(world.admin)
    url = f"/admin/tenants/{world.tenant.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'name="double_grade_share"' in form and 'value="3' in form
    data = {"name": "Gated", "timezone": "UTC", "active": "y", "double_grade_share": "5",
            "reliability_min_agreement": "75", "reliability_max_leniency": "4.5", "reliability_min_pairs": "8",
            "certification_gate": "y", "certification_alignment": "90"}
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    tenant = db.session.get(Tenant, world.tenant.id)
    assert [tenant.setting(k) for k in ("double_grade_share", "reliability_min_agreement", "reliability_max_leniency",
                                        "reliability_min_pairs", "certification_gate", "certification_alignment")] \
        == [0.05, 0.75, 4.5, 8, True, 0.9]
    refused = client.post(url, data={**data, "name": "Changed", "double_grade_share": "150",
                                     "reliability_min_pairs": "0"})
    assert refused.status_code == 422
    assert "between 0 and 100" in refused.get_data(as_text=True)
    assert "between 1 and 1000" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Tenant, world.tenant.id).name == "Gated"  # nothing half-saved
