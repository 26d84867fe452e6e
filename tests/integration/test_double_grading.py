"""Blind double grades: which sampled calls get one, who gets it (never the first grader, by any
route), how silent it is, the blind rule through every grader route, and that it counts for no
agent, report, API payload or SLA figure."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.integration import grading_helpers as gh
from vendor_qa import clock
from vendor_qa.calibration import reliability, service
from vendor_qa.calibration.models import CalibrationParticipant
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import Assignment, AssignmentEvent, Evaluation
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.sla.models import GraderCapacity
from vendor_qa.tenants.scoping import all_tenants, tenant_scope


class World:
    def __init__(self, build, share: float = 1.0, graders: int = 2):
        self.build = build
        self.tenant = build.tenant(settings={"double_grade_share": share})
        self.card = gh.scorecard(self.tenant)
        self.agent = build.agent(self.tenant)
        self.admin = build.admin()
        self.manager = build.manager(self.tenant)
        self.graders = [build.user("grader", certify=[self.tenant], name=f"Grader {'ABCDE'[i]}")
                        for i in range(graders)]

    def call(self):
        return self.build.call(self.agent, started_at=clock.now() - timedelta(hours=2))

    def sample(self, grader, call=None, form=None) -> int:
        """A sample of a (new) call submitted by `grader` through the form's code; the evaluation id."""
        return gh.submitted_evaluation(self.tenant, call or self.call(), grader, self.card, form=form)

    def doubles(self) -> list[Assignment]:
        with tenant_scope(self.tenant.id):
            db.session.expire_all()
            return list(db.session.scalars(select(Assignment).where(Assignment.reason == "double")
                                           .order_by(Assignment.id)))

    def evaluation(self, evaluation_id: int) -> Evaluation:
        return gh.evaluation(evaluation_id)

    def capacity(self, grader, daily: int) -> None:
        db.session.add(GraderCapacity(grader_id=grader.id, daily_capacity=daily))
        db.session.commit()




# ---- which calls, and who ------------------------------------------------------------------------

def test_a_chosen_sample_goes_at_once_to_the_least_loaded_other_grader(build):
    world = World(build, graders=3)
    first, busy, free = world.graders
    gh.held_assignment(world.tenant, world.call(), busy, world.card)  # busy has open work, free has none
    call = world.call()
    evaluation = world.evaluation(world.sample(first, call))
    (double,) = world.doubles()
    assert (double.call_id, double.grader_id, double.status) == (call.id, free.id, "assigned")
    assert double.scorecard_version_id == evaluation.scorecard_version_id and double.priority == 10
    # Due after the SLA policy's sample turnaround (72 hours by default), counted from the submission.
    assert abs(double.due_at - (evaluation.submitted_at + timedelta(hours=72))) < timedelta(minutes=1)
    with tenant_scope(world.tenant.id):
        events = db.session.execute(
            select(AssignmentEvent.action, AssignmentEvent.actor_id, AssignmentEvent.to_grader_id)
            .where(AssignmentEvent.assignment_id == double.id).order_by(AssignmentEvent.id)).all()
    assert [tuple(e) for e in events] == [("created", None, None), ("assigned", None, free.id)]


def test_the_share_is_decided_by_the_call_so_it_is_stable_and_added_once(build):
    world = World(build, share=0.5)
    first = world.graders[0]
    calls = [world.call() for _ in range(16)]
    evaluation_ids = [world.sample(first, call) for call in calls]
    expected = {c.id for c in calls if reliability.chosen_for_double(c.sample_key, 0.5)}
    assert 0 < len(expected) < len(calls)  # the example shows both outcomes
    assert {d.call_id for d in world.doubles()} == expected
    # The signal comes again after a dispute's correction: nothing is added twice.
    with tenant_scope(world.tenant.id):
        for evaluation_id in evaluation_ids:
            evaluation_scored.send(db.session.get(Evaluation, evaluation_id))
        db.session.commit()
    assert {d.call_id for d in world.doubles()} == expected and len(world.doubles()) == len(expected)


def test_only_samples_are_double_graded(build):
    world = World(build)
    first = world.graders[0]
    for reason in ("low_rating", "manual"):
        assignment_id = gh.held_assignment(world.tenant, world.call(), first, world.card, reason=reason)
        with tenant_scope(world.tenant.id):
            assignment = db.session.get(Assignment, assignment_id)
            evaluations.open_form(assignment)
            assert evaluations.submit(assignment, gh.full_marks(world.card), world.tenant).ok
    assert world.doubles() == []


def test_no_double_grade_without_a_second_certified_grader(build):
    world = World(build, graders=1)
    world.sample(world.graders[0])
    assert world.doubles() == []


def test_the_default_share_is_three_percent(build):
    world = World(build)
    assert world.tenant.setting("double_grade_share") == 1.0
    assert build.tenant().setting("double_grade_share") == 0.03


# ---- never the first grader, by any route --------------------------------------------------------

def test_a_double_waiting_in_the_pool_is_never_claimed_by_the_first_grader(build, login):
    world = World(build)
    first, second = world.graders
    world.capacity(second, 0)  # nobody has room: the double waits in the pool
    world.sample(first)
    (double,) = world.doubles()
    assert (double.status, double.grader_id) == ("open", None)

    response = login(first).post("/grading/next")
    assert response.headers["Location"].endswith("/grading/queue")  # nothing for the first grader
    assert world.doubles()[0].status == "open"
    # Nor does the queue count it as open for them: that would hint at the double.
    assert "<strong>0</strong> open in your tenants' pool" in login(first).get("/grading/queue").get_data(as_text=True)
    assert "<strong>1</strong> open" in login(second).get("/grading/queue").get_data(as_text=True)

    response = login(second).post("/grading/next")
    assert response.headers["Location"].endswith(f"/grading/assignments/{double.id}")
    # Given back, it is still not the first grader's to take.
    login(second).post(f"/grading/assignments/{double.id}/release", data={"reason": "No audio"})
    assert login(first).post("/grading/next").headers["Location"].endswith("/grading/queue")
    assert world.doubles()[0].grader_id is None


def test_the_first_grader_still_claims_other_work_of_the_pool(build, login):
    world = World(build)
    first, second = world.graders
    world.capacity(second, 0)
    world.sample(first)
    other = gh.held_assignment(world.tenant, world.call(), first, world.card, status="open")
    with tenant_scope(world.tenant.id):
        db.session.get(Assignment, other).grader_id = None
        db.session.commit()
    assert login(first).post("/grading/next").headers["Location"].endswith(f"/grading/assignments/{other}")


def test_a_vendor_admin_cannot_give_a_double_to_the_grader_of_its_sample(build, login):
    world = World(build, graders=3)
    first, second, third = world.graders
    world.capacity(second, 0)
    world.capacity(third, 0)
    world.sample(first)
    (double,) = world.doubles()
    client = login(world.admin)
    url = f"/t/{world.tenant.slug}/assignments/{double.id}/assign"
    refused = client.post(url, data={"grader": first.id, "reason": "Knows the client"})
    assert refused.status_code == 422
    assert "graded the call already" in refused.get_data(as_text=True)
    assert world.doubles()[0].grader_id is None
    assert client.post(url, data={"grader": third.id, "reason": "Has time today"}).status_code == 302
    # Nor move it there later.
    refused = client.post(url, data={"grader": first.id, "reason": "Swap"})
    assert refused.status_code == 422 and world.doubles()[0].grader_id == third.id


# ---- silent and blind ----------------------------------------------------------------------------

def test_the_second_grader_sees_an_ordinary_sample(build, login):
    world = World(build)
    first, second = world.graders
    world.sample(first)
    (double,) = world.doubles()
    client = login(second)
    queue = client.get("/grading/queue").get_data(as_text=True)
    assert f"/grading/assignments/{double.id}" in queue
    assert "sample" in queue and "double" not in queue.lower()
    form = client.get(f"/grading/assignments/{double.id}").get_data(as_text=True)
    assert "double" not in form.lower() and "Polite" not in form
    gh.grade(login, second, double.id, gh.strict(world.card))
    mine = login(second).get("/grading/me").get_data(as_text=True)
    assert "double" not in mine.lower()


def _grader_routes(assignment_id: int) -> list[tuple[str, str, dict]]:
    form = f"/grading/assignments/{assignment_id}"
    return [("GET", form, {}), ("POST", form, {"feedback_good": "Copied"}), ("POST", f"{form}/draft", {}),
            ("POST", f"{form}/preview", {}), ("GET", f"{form}/release", {}),
            ("POST", f"{form}/release", {"reason": "Let me see it"})]


def _cannot_see(client, assignment_id: int) -> None:
    for method, path, data in _grader_routes(assignment_id):
        assert client.open(path, method=method, data=data).status_code == 404, (method, path)
    for page in ("/grading/queue", "/grading/me"):
        html = client.get(page).get_data(as_text=True)
        assert f"/grading/assignments/{assignment_id}\"" not in html, page


def test_neither_grader_reaches_the_others_answers_by_any_route(build, login):
    world = World(build)
    first, second = world.graders
    sample_evaluation = world.sample(first)
    sample_id = world.evaluation(sample_evaluation).assignment_id
    (double,) = world.doubles()
    _cannot_see(login(second), sample_id)  # before submitting
    _cannot_see(login(first), double.id)
    gh.grade(login, second, double.id, gh.strict(world.card))
    _cannot_see(login(second), sample_id)  # and after
    _cannot_see(login(first), double.id)
    # The client's evaluation pages are not theirs either.
    for grader in (first, second):
        client = login(grader)
        assert client.get(f"/t/{world.tenant.slug}/evaluations/").status_code == 403
        assert client.get(f"/t/{world.tenant.slug}/evaluations/{sample_evaluation}").status_code == 403
    # Nothing of the double reached the sample.
    assert world.evaluation(sample_evaluation).answers[world.card.key("Asks")] == "full"


def test_calibration_participants_are_blind_to_each_other_too(build, login):
    world = World(build, graders=3)
    first, second, _ = world.graders
    with tenant_scope(world.tenant.id):
        session = service.create_session(world.tenant, world.call(), [first.id, second.id],
                                         clock.now() + timedelta(days=2), world.admin)
        db.session.commit()
        work = dict(db.session.execute(select(CalibrationParticipant.grader_id, CalibrationParticipant.assignment_id)
                                       .where(CalibrationParticipant.session_id == session.id)).tuples().all())
    gh.grade(login, first, work[first.id], gh.full_marks(world.card))
    _cannot_see(login(second), work[first.id])
    gh.grade(login, second, work[second.id], gh.strict(world.card))
    _cannot_see(login(first), work[second.id])
    _cannot_see(login(second), work[first.id])


# ---- counted nowhere -----------------------------------------------------------------------------



def test_double_grades_count_for_no_agent_report_api_or_sla(build, login, client):
    world = World(build)
    first, second = world.graders
    sample_evaluation = world.sample(first)
    (double,) = world.doubles()
    before = gh.client_figures(world.tenant, world.agent.id)
    gh.grade(login, second, double.id, gh.strict(world.card))
    with all_tenants("test inspection"):
        double_evaluation = db.session.scalar(select(Evaluation.id).where(Evaluation.assignment_id == double.id))
    assert double_evaluation is not None
    assert gh.client_figures(world.tenant, world.agent.id) == before
    assert before[0].evaluations == 1 and before[2] == 1 and before[3] == [(1, 1, 0)]

    manager = login(world.manager)
    listing = manager.get(f"/t/{world.tenant.slug}/evaluations/").get_data(as_text=True)
    assert f"/evaluations/{sample_evaluation}" in listing and f"/evaluations/{double_evaluation}\"" not in listing
    assert manager.get(f"/t/{world.tenant.slug}/evaluations/{double_evaluation}").status_code == 404
    agent_page = manager.get(f"/t/{world.tenant.slug}/agents/{world.agent.id}").get_data(as_text=True)
    assert f"/evaluations/{double_evaluation}\"" not in agent_page

    token = build.token(world.tenant)
    payload = client.get("/api/v1/evaluations", headers={"Authorization": f"Bearer {token}"}).json
    assert [e["id"] for e in payload["evaluations"]] == [sample_evaluation]


def test_a_share_of_zero_turns_double_grading_off(build):
    world = World(build, share=0.0)
    for _ in range(5):
        world.sample(world.graders[0])
    assert world.doubles() == []
