"""The vendor admin's grader reliability pages: figures from double grades and calibration sessions,
drifting graders flagged first, the tenant filter, pagination, and one grader's trend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration import grading_helpers as gh
from vendor_qa import clock
from vendor_qa.calibration import reliability_data, service
from vendor_qa.calibration.models import CalibrationParticipant, CalibrationSession
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import Assignment
from vendor_qa.sla.models import GraderCapacity
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

PAGE = "/admin/graders/reliability"



def submit(tenant, assignment_id: int, form: dict[str, str]) -> None:
    with tenant_scope(tenant.id):
        assignment = db.session.get(Assignment, assignment_id)
        evaluations.open_form(assignment)
        assert evaluations.submit(assignment, form, tenant).ok


class World:
    def __init__(self, build, **settings):
        self.build = build
        self.tenant = build.tenant(name="Nordlys", settings={"double_grade_share": 1.0, "reliability_min_pairs": 1,
                                                             **settings})
        self.card = gh.scorecard(self.tenant)
        self.agent = build.agent(self.tenant)
        self.admin = build.admin()
        self.ann = build.user("grader", certify=[self.tenant], name="Ann Lenient")
        self.bob = build.user("grader", certify=[self.tenant], name="Bob Strict")

    def call(self):
        return self.build.call(self.agent, started_at=clock.now() - timedelta(hours=2))

    def double_grade(self, first, first_form, second_form) -> None:
        """`first` submits a sample; the grader it goes to submits its double grade."""
        call = self.call()
        gh.submitted_evaluation(self.tenant, call, first, self.card, form=first_form)
        with tenant_scope(self.tenant.id):
            double = db.session.scalar(select(Assignment).where(Assignment.call_id == call.id,
                                                                Assignment.reason == "double"))
        submit(self.tenant, double.id, second_form)

    def calibration(self, expert, graders_forms: dict) -> None:
        """A session with `expert` among the graders, each submitting its form, then closed."""
        with tenant_scope(self.tenant.id):
            session = service.create_session(self.tenant, self.call(), [g.id for g in graders_forms],
                                             clock.now() + timedelta(days=2), self.admin, expert_id=expert.id)
            db.session.commit()
            work = dict(db.session.execute(
                select(CalibrationParticipant.grader_id, CalibrationParticipant.assignment_id)
                .where(CalibrationParticipant.session_id == session.id)).tuples().all())
        for grader, form in graders_forms.items():
            submit(self.tenant, work[grader.id], form)
        with tenant_scope(self.tenant.id):
            db.session.expire_all()
            assert service.close_if_due(db.session.get(CalibrationSession, session.id))


def _row(html: str, name: str) -> str:
    """The table row of a grader, as text."""
    start = html.index(name, html.index('id="reliability-table"'))
    return html[html.rindex("<tr", 0, start):html.index("</tr>", start)]


def test_double_grades_give_both_graders_their_figures_and_intervals(build, login):
    world = World(build)
    world.double_grade(world.ann, gh.full_marks(world.card), gh.strict(world.card))
    html = login(world.admin).get(PAGE).get_data(as_text=True)
    ann, bob = _row(html, "Ann Lenient"), _row(html, "Bob Strict")
    # Two of four criteria alike: 50% each; Ann 100 against Bob's 81.25.
    assert world.ann.pseudonym in ann and "Nordlys" in ann
    assert "50%" in ann and "+18.8" in ann and "(1 call)" in ann
    assert "50%" in bob and "-18.8" in bob
    # One call has no interval: it cannot show anyone beyond the bound, so nobody is flagged.
    assert "drifting" not in ann and "drifting" not in bob and "No grader drifting" in html

    world.double_grade(world.ann, gh.full_marks(world.card), gh.strict(world.card))
    html = login(world.admin).get(PAGE).get_data(as_text=True)
    ann, bob = _row(html, "Ann Lenient"), _row(html, "Bob Strict")
    # The same gap twice: the whole interval lies below the mark and past the bound.
    assert "(2 calls)" in ann and "95%: 50–50%" in ann
    assert "drifting" in ann and "agreement with peers 50% (95% interval 50–50%) below 80%" in ann
    assert "18.8 points more lenient than peers (95% interval +18.8 to +18.8; bound 5.0)" in ann
    assert "18.8 points stricter than peers" in bob


def test_agreement_per_criterion_across_the_tenants_calls(build, login):
    world = World(build)
    for _ in range(3):
        world.double_grade(world.ann, gh.full_marks(world.card), gh.strict(world.card))
    world.double_grade(world.ann, gh.full_marks(world.card), gh.full_marks(world.card))
    html = login(world.admin).get(f"{PAGE}?tenant={world.tenant.slug}").get_data(as_text=True)
    start = html.index('id="criterion-agreement"')
    section = html[start:html.index("</section>", start)]
    assert section.count("<tr data-criterion=") == 4  # every criterion, each at its own level
    assert "(nominal)" in section and "(ordinal)" in section and "(indicative)" in section  # four calls
    assert 'id="criterion-agreement"' not in login(world.admin).get(PAGE).get_data(as_text=True)  # per tenant


def test_graders_who_agree_are_not_flagged_and_the_flagged_come_first(build, login):
    world = World(build)
    carl = build.user("grader", certify=[world.tenant], name="Carl Calm")  # no data: "—"
    for _ in range(2):
        world.double_grade(world.ann, gh.full_marks(world.card), gh.full_marks(world.card))
    html = login(world.admin).get(PAGE).get_data(as_text=True)
    assert "No grader drifting" in html
    assert "100%" in _row(html, "Ann Lenient") and "0.0" in _row(html, "Ann Lenient")
    assert "drifting" not in _row(html, "Carl Calm")

    # Carl and Bob now disagree on three calls (Ann has no room for the double grades). Carl, with
    # only those, is flagged and listed before Ann; Bob's two calls in agreement with Ann keep his
    # intervals reaching the bounds (50-100% agreement by call): not shown to drift.
    db.session.add(GraderCapacity(grader_id=world.ann.id, daily_capacity=0))
    db.session.commit()
    for _ in range(3):
        world.double_grade(carl, gh.full_marks(world.card), gh.strict(world.card))
    html = login(world.admin).get(PAGE).get_data(as_text=True)
    table = html[html.index('id="reliability-table"'):]
    assert table.index("Ann Lenient") > table.index("Carl Calm")
    assert "drifting" in _row(html, "Carl Calm") and "drifting" not in _row(html, "Bob Strict")
    assert "1 drifting" in html


def test_alignment_with_the_expert_of_a_closed_session(build, login):
    world = World(build)
    expert = build.user("grader", certify=[world.tenant], name="Eve Expert")
    for _ in range(2):
        world.calibration(expert, {expert: gh.full_marks(world.card), world.ann: gh.full_marks(world.card),
                                   world.bob: gh.strict(world.card)})
    with all_tenants("test"):
        rows = {r.grader.name: r for r in reliability_data.grader_rows(clock.now().date())}
    assert rows["Ann Lenient"].figures.alignment.value == 1
    assert rows["Bob Strict"].figures.alignment.value == pytest.approx(0.5)
    assert rows["Eve Expert"].figures.alignment.calls == 0  # the expert is not measured against themself
    # Ann: 4 alike with Eve, 2 with Bob, of 8 compared.
    assert rows["Ann Lenient"].figures.agreement.value == pytest.approx(6 / 8)
    html = login(world.admin).get(PAGE).get_data(as_text=True)
    assert "alignment with experts 50% (95% interval 50–50%) below 80%" in _row(html, "Bob Strict")


def test_the_tenant_filter_and_pagination(build, login, app):
    world = World(build)
    other = build.tenant(name="Sorbet", slug="sorbet")
    build.user("grader", certify=[other], name="Dora Elsewhere")
    for _ in range(2):  # two calls: enough for an interval
        world.double_grade(world.ann, gh.full_marks(world.card), gh.strict(world.card))
    client = login(world.admin)
    html = client.get(f"{PAGE}?tenant=sorbet").get_data(as_text=True)
    assert "Dora Elsewhere" in html and "Ann Lenient" not in html
    assert client.get(f"{PAGE}?tenant=no-such-tenant").status_code == 404

    app.config["PAGE_SIZE"] = 1
    try:
        first = client.get(PAGE).get_data(as_text=True)
        last = client.get(f"{PAGE}?page=3").get_data(as_text=True)
    finally:
        app.config["PAGE_SIZE"] = 50
    assert "Page 1 of 3" in first and "drifting" in _row(first, "Ann Lenient")
    assert "Dora Elsewhere" in last  # the unflagged row comes last
    assert "page=2" in first and "Page 3 of 3" in last


def test_one_graders_trend_month_by_month(build, login):
    world = World(build)
    world.double_grade(world.ann, gh.full_marks(world.card), gh.strict(world.card))
    html = login(world.admin).get(f"/admin/graders/{world.ann.id}/reliability").get_data(as_text=True)
    month = clock.now().strftime("%Y-%m")
    assert "Ann Lenient" in html and world.ann.pseudonym in html
    assert f"<td>{month}</td>" in html and html.count("<tr><td>") == 6  # six months, this one last
    assert "<svg" in html and "Agreement with peers" in html
    assert login(world.admin).get(f"/admin/graders/{world.admin.id}/reliability").status_code == 404


def test_graders_and_client_managers_are_refused(build, login):
    world = World(build)
    for user in (world.ann, build.manager(world.tenant)):
        client = login(user)
        assert client.get(PAGE).status_code == 403
        assert client.get(f"/admin/graders/{world.ann.id}/reliability").status_code == 403
