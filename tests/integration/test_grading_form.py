"""The grading form: what the grader sees, the live score, drafts, submitting, and what is stored."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.integration import grading_helpers as gh
from tests.integration.assignment_helpers import assignment as fresh_assignment
from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.grading.models import AssignmentEvent, EvaluationCriterion
from vendor_qa.scorecards import versions
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

HX = {"HX-Request": "true"}
TRANSCRIPT = ("Agent: Hello, Anna here.\nCustomer: Call me on +47 912 34 567 or mail ola.nordmann@example.no.\n"
              "Customer: My card is 4111 1111 1111 1111.")


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def world(build):
    tenant = build.tenant(slug="acme", name="Acme", timezone="Europe/Oslo")
    agent = build.agent(tenant, display_name="Alice Berg", code="AG-ALICE")
    call = build.call(agent, external_id="X-1", channel="phone", topic="billing", duration_seconds=754,
                      customer_rating=1, started_at=datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc),
                      recording_url="https://recordings.example/X-1.mp3", transcript=TRANSCRIPT)
    grader = build.grader(tenant)
    card = gh.scorecard(tenant)
    assignment_id = gh.held_assignment(tenant, call, grader, card)
    return dict(tenant=tenant, agent=agent, call=call, grader=grader, card=card, id=assignment_id)


@pytest.fixture
def grader(world, login):
    """The holder, logged in, having started the work (a GET of the form only displays it)."""
    client = login(world["grader"])
    assert client.post(url(world, "/start")).status_code == 302
    return client


def url(world, suffix: str = "") -> str:
    return f"/grading/assignments/{world['id']}{suffix}"


def stored_criteria(evaluation_id: int) -> list[EvaluationCriterion]:
    with all_tenants("test inspection"):
        return list(db.session.scalars(select(EvaluationCriterion)
                                       .where(EvaluationCriterion.evaluation_id == evaluation_id)
                                       .order_by(EvaluationCriterion.id)))


# ---- what the grader sees ----------------------------------------------------------------------

def test_the_form_shows_the_call_as_a_grader_may_see_it(world, grader):
    page = text(grader.get(url(world)))
    assert "phone" in page and "billing" in page and "12:34" in page
    assert "2026-11-20 09:30" in page  # 08:30 UTC in Oslo
    assert f'<audio id="gr-audio" controls preload="none" src="{url(world, "/recording")}"' in page
    assert "recordings.example" not in page  # streamed through the application (test_recordings.py)
    assert "[phone]" in page and "[email]" in page and "[card]" in page
    assert "912 34 567" not in page and "ola.nordmann" not in page and "4111" not in page
    assert "AG-ALICE" in page and "Alice Berg" not in page
    assert "Customer rating" not in page and "1 / 5" not in page


def test_names_and_rating_show_where_the_tenant_allows_them(world, grader):
    tenant = world["tenant"]
    tenant.settings = {"allow_agent_names": True, "show_customer_rating": True}
    db.session.commit()
    page = text(grader.get(url(world)))
    assert "Alice Berg" in page
    assert "Customer rating" in page and "1 / 5" in page


def test_each_criterion_has_its_guidance_answers_and_comment(world, grader):
    page = text(grader.get(url(world)))
    card = world["card"]
    for guidance in ("Says hello and their name", "No greeting at all", "Asks but never uses it", "Never asks"):
        assert guidance in page

    def values(start):
        return re.findall(rf'name="a-{card.key(start)}" value="([^"]+)"', page)

    assert values("Greets") == ["yes", "no"]  # best first, as in the scorecard preview the client approved
    assert values("Asks") == ["full", "partial", "none", "na"]
    assert values("Solves") == ["yes", "no"]
    assert values("Explains") == ["4", "3", "2", "1", "0"]
    for key in card.keys.values():
        assert f'name="c-{key}"' in page
    assert 'name="feedback_good"' in page and 'name="feedback_improve"' in page


def test_the_form_scores_live_and_saves_itself(world, grader):
    page = text(grader.get(url(world)))
    assert f'hx-post="{url(world, "/preview")}" hx-trigger="change" hx-target="#score-panel"' in page
    assert f'hx-post="{url(world, "/draft")}" hx-trigger="change delay:300ms, every 30s"' in page


def test_starting_is_a_post_and_the_clock_starts_once(world, login):
    client = login(world["grader"])
    page = text(client.get(url(world)))  # a link preview, a prefetch, a look: nothing changes
    assert "Start grading" in page and 'name="a-' not in page
    assignment = fresh_assignment(world["id"])
    assert assignment.status == "assigned" and assignment.opened_at is None and assignment.evaluation is None

    before = clock.now()
    assert client.post(url(world, "/start")).headers["Location"].endswith(url(world))
    assignment = fresh_assignment(world["id"])
    assert assignment.status == "in_progress"
    assert assignment.opened_at >= before - timedelta(seconds=1)
    assert assignment.evaluation.status == "draft"
    first = assignment.opened_at
    client.post(url(world, "/start"))
    client.get(url(world))
    assert fresh_assignment(world["id"]).opened_at == first  # the clock starts once


# ---- who may open it -----------------------------------------------------------------------------

def test_only_the_holder_reaches_the_form(world, build, login, client):
    other = build.grader(world["tenant"])
    login(other)
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world, "/draft"), data={}).status_code == 404
    assert client.post(url(world), data={}).status_code == 404
    assert client.post(url(world, "/preview"), data={}, headers=HX).status_code == 404


def test_a_holder_no_longer_certified_gets_404(world, grader):
    world["grader"].certifications[0].active = False
    db.session.commit()
    assert grader.get(url(world)).status_code == 404


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_other_roles_are_refused(world, build, login, client, role):
    user = build.admin() if role == "admin" else build.manager(world["tenant"])
    login(user)
    assert client.get(url(world)).status_code == 403


def test_a_reassigned_draft_is_not_shown_to_the_new_grader(world, build, grader, login, client):
    card = world["card"]
    grader.get(url(world))
    grader.post(url(world, "/draft"), data={**card.answers(), **card.comment("Greets", "Secret note")}, headers=HX)
    newcomer = build.grader(world["tenant"])
    with tenant_scope(world["tenant"].id):
        row = fresh_assignment(world["id"])
        row.grader_id = newcomer.id
        db.session.commit()
    assert client.get(url(world)).status_code == 404  # the first grader's is gone
    login(newcomer)
    page = text(client.get(url(world)))
    assert "Secret note" not in page and " checked" not in page


# ---- the live score --------------------------------------------------------------------------------

def test_the_preview_gives_total_sections_and_band(world, grader):
    card = world["card"]
    response = grader.post(url(world, "/preview"), data=card.answers(name="partial", steps="2"), headers=HX)
    assert response.status_code == 200
    body = text(response)
    # (5 + 5 + 20 + 2.5) of 40 points = 81.25, shown half-up as 81.3
    assert "<strong>81.3</strong>" in body and "good" in body and "#2e7d32" in body
    assert 'data-section="Opening"' in body and "<strong>66.7</strong>" in body  # 10 of 15
    assert 'data-section="Resolution"' in body and "<strong>90.0</strong>" in body  # 22.5 of 25
    assert "pass" in body


def test_the_preview_shows_an_auto_fail(world, grader):
    body = text(grader.post(url(world, "/preview"), data=world["card"].answers(solves="no"), headers=HX))
    assert "<strong>0.0</strong>" in body and "Auto-fail" in body and "fail" in body


def test_the_preview_changes_nothing(world, grader):
    grader.get(url(world))
    grader.post(url(world, "/preview"), data=world["card"].answers(), headers=HX)
    assert fresh_assignment(world["id"]).evaluation.answers == {}


# ---- drafts ------------------------------------------------------------------------------------------

def test_a_draft_keeps_answers_comments_and_feedback(world, grader):
    card = world["card"]
    grader.get(url(world))
    data = {**card.answers(greet="no", steps=None), **card.comment("Greets", "Forgot to say hello"),
            "feedback_good": "Calm voice"}
    response = grader.post(url(world, "/draft"), data=data, headers=HX)
    assert response.status_code == 200
    assert re.search(r"Draft saved \d\d:\d\d", text(response))
    draft = fresh_assignment(world["id"]).evaluation
    assert draft.status == "draft"
    assert draft.answers == {card.key("Greets"): "no", card.key("Asks"): "full", card.key("Solves"): "yes"}
    assert draft.comments == {card.key("Greets"): "Forgot to say hello"}
    page = text(grader.get(url(world)))
    assert f'name="a-{card.key("Greets")}" value="no" checked' in page
    assert "Forgot to say hello" in page and "Calm voice" in page


def test_a_draft_with_an_answer_not_allowed_is_refused_whole(world, grader):
    card = world["card"]
    grader.get(url(world))
    response = grader.post(url(world, "/draft"), data={**card.answers(greet="maybe"), "feedback_good": "x"},
                           headers=HX)
    assert response.status_code == 422
    assert "Draft not saved" in text(response)
    assert fresh_assignment(world["id"]).evaluation.feedback_good == ""


def test_a_draft_without_javascript_redirects_back_to_the_form(world, grader):
    response = grader.post(url(world, "/draft"), data=world["card"].answers())
    assert response.status_code == 302 and response.headers["Location"].endswith(url(world))


# ---- submitting ------------------------------------------------------------------------------------

def assert_not_submitted(world):
    assignment = fresh_assignment(world["id"])
    assert assignment.status in ("assigned", "in_progress")
    assert assignment.evaluation is None or assignment.evaluation.status == "draft"
    if assignment.evaluation:
        assert stored_criteria(assignment.evaluation.id) == []


def test_unanswered_criteria_are_shown_in_place(world, grader):
    card = world["card"]
    data = {**card.answers(greet=None), "feedback_good": "a", "feedback_improve": "b"}
    response = grader.post(url(world), data=data)
    assert response.status_code == 422
    page = text(response)
    assert page.count("Answer this criterion.") == 1
    block = page[page.index(f'id="criterion-{card.key("Greets")}"'):page.index(f'id="criterion-{card.key("Asks")}"')]
    assert "Answer this criterion." in block
    assert_not_submitted(world)


def test_a_comment_is_required_where_points_are_lost(world, grader):
    card = world["card"]
    data = {**card.answers(name="partial", steps="3"), **card.comment("Explains", "Skipped the SMS"),
            "feedback_good": "a", "feedback_improve": "b"}
    response = grader.post(url(world), data=data)
    assert response.status_code == 422
    page = text(response)
    assert page.count("Say why points were lost.") == 1
    block = page[page.index(f'id="criterion-{card.key("Asks")}"'):page.index(f'id="criterion-{card.key("Solves")}"')]
    assert "Say why points were lost." in block
    assert "Skipped the SMS" in page  # what was typed stays in the form
    assert_not_submitted(world)


def test_feedback_is_required(world, grader):
    response = grader.post(url(world), data=world["card"].answers())
    assert response.status_code == 422
    page = text(response)
    assert "Say what went well on this call." in page and "Say what the agent should improve." in page
    assert_not_submitted(world)


def test_a_failed_submission_keeps_the_draft(world, grader):
    card = world["card"]
    grader.post(url(world), data={**card.answers(), "feedback_good": "Kind"})
    draft = fresh_assignment(world["id"]).evaluation
    assert draft.status == "draft" and draft.feedback_good == "Kind"


def test_an_all_na_evaluation_cannot_be_submitted(build, login):
    tenant = build.tenant()
    grader = build.grader(tenant)
    call = build.call(build.agent(tenant))
    with tenant_scope(tenant.id):
        version = versions.create_scorecard(tenant.id, "Optional things", ["phone"])
        section = versions.add_section(version, "Extras")
        keys = [versions.add_criterion(section, {"text": f"Extra {n}", "kind": "binary", "weight": Decimal(1),
                                                 "allow_na": True}).key for n in (1, 2)]
        versions.publish(version, None)
        db.session.commit()
        card = gh.Card(version.id, {}, {})
    assignment_id = gh.held_assignment(tenant, call, grader, card)
    client = login(grader)
    data = {**{f"a-{k}": "na" for k in keys}, "feedback_good": "a", "feedback_improve": "b"}
    response = client.post(f"/grading/assignments/{assignment_id}", data=data)
    assert response.status_code == 422
    assert "Every criterion is marked N/A" in text(response)
    assert fresh_assignment(assignment_id).status == "assigned"


def test_submitting_stores_the_evaluation(world, grader):
    card = world["card"]
    grader.get(url(world))
    data = {**card.answers(name="partial", steps="2"), **card.comment("Asks", "Never used the name"),
            **card.comment("Explains", "Vague about the refund"),
            "feedback_good": "Solved it fast.", "feedback_improve": "Use the customer's name."}
    response = grader.post(url(world), data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/grading/queue")
    assert "Evaluation of call X-1 submitted." in text(grader.get("/grading/queue"))

    assignment = fresh_assignment(world["id"])
    evaluation = assignment.evaluation
    assert assignment.status == "submitted" and assignment.submitted_at is not None
    assert evaluation.status == "submitted"
    assert evaluation.total == Decimal("81.2500")
    assert (evaluation.band, evaluation.passed, evaluation.auto_failed) == ("good", True, False)
    assert evaluation.section_scores == {str(card.sections["Opening"]): "66.6666",
                                         str(card.sections["Resolution"]): "90.0000"}
    assert evaluation.scorecard_version_id == card.version_id
    assert evaluation.grader_id == world["grader"].id and evaluation.agent_id == world["agent"].id
    assert evaluation.feedback_improve == "Use the customer's name."
    assert evaluation.grading_seconds is not None and evaluation.grading_seconds >= 0
    rows = {r.criterion_key: r for r in stored_criteria(evaluation.id)}
    assert len(rows) == 4
    asks = rows[card.key("Asks")]
    assert (asks.answer, asks.earned, asks.possible, asks.comment) == ("partial", Decimal(5), Decimal(10),
                                                                        "Never used the name")
    steps = rows[card.key("Explains")]
    assert (steps.answer, steps.earned, steps.possible) == ("2", Decimal("2.5"), Decimal(5))
    with all_tenants("test inspection"):
        actions = list(db.session.scalars(select(AssignmentEvent.action)
                                          .where(AssignmentEvent.assignment_id == world["id"])))
    assert actions[-1] == "submitted"


def test_grading_time_runs_from_opening_to_submitting(world, build):
    call = build.call(world["agent"])
    evaluation_id = gh.submitted_evaluation(world["tenant"], call, world["grader"], world["card"],
                                            opened_minutes_ago=7)
    assert gh.evaluation(evaluation_id).grading_seconds == 7 * 60


def test_an_auto_failed_evaluation_scores_zero(world, grader):
    card = world["card"]
    data = {**card.answers(solves="no"), **card.comment("Solves", "Sent the customer away"),
            "feedback_good": "Polite.", "feedback_improve": "Solve the problem."}
    assert grader.post(url(world), data=data).status_code == 302
    evaluation = fresh_assignment(world["id"]).evaluation
    assert (evaluation.total, evaluation.auto_failed, evaluation.passed, evaluation.band) == (
        Decimal("0.0000"), True, False, "re-certify")
    missed = [r for r in stored_criteria(evaluation.id) if r.missed_critical]
    assert [r.criterion_key for r in missed] == [card.key("Solves")]


def test_na_leaves_a_criterion_out(world, grader):
    card = world["card"]
    data = {**card.answers(name="na"), "feedback_good": "a", "feedback_improve": "b"}
    assert grader.post(url(world), data=data).status_code == 302
    evaluation = fresh_assignment(world["id"]).evaluation
    assert evaluation.total == Decimal("100.0000")
    asks = next(r for r in stored_criteria(evaluation.id) if r.criterion_key == card.key("Asks"))
    assert (asks.applicable, asks.possible) == (False, Decimal(0))


# ---- a submitted evaluation is final --------------------------------------------------------------

def test_a_submitted_evaluation_cannot_be_changed(world, grader):
    card = world["card"]
    grader.post(url(world), data=gh.full_marks(card))
    for path, headers in ((url(world), {}), (url(world, "/draft"), HX), (url(world, "/draft"), {}),
                          (url(world, "/preview"), HX)):
        response = grader.post(path, data={**card.answers(greet="no"), "feedback_good": "changed"},
                               headers=headers)
        assert response.status_code == 409, path
        assert "can no longer be changed" in text(response)
    evaluation = fresh_assignment(world["id"]).evaluation
    assert evaluation.feedback_good == "Warm greeting and a clear fix." and evaluation.total == Decimal(100)
    with all_tenants("test inspection"):
        assert db.session.scalar(select(func.count()).select_from(EvaluationCriterion)) == 4


def test_the_holder_reads_a_submitted_evaluation(world, grader):
    grader.post(url(world), data=gh.full_marks(world["card"]))
    page = text(grader.get(url(world)))
    assert "Evaluation of call X-1" in page and "<strong>100.0</strong>" in page
    assert gh.pseudonym(world["tenant"], world["grader"]) in page  # as this tenant's client sees them
    assert 'name="feedback_good"' not in page


def test_a_cancelled_assignment_cannot_be_graded(world, grader):
    with tenant_scope(world["tenant"].id):
        fresh_assignment(world["id"]).status = "cancelled"
        db.session.commit()
    response = grader.post(url(world, "/draft"), data=world["card"].answers(), headers=HX)
    assert response.status_code == 409
    assert "cancelled" in text(response)


# ---- the grader's own page ---------------------------------------------------------------------------

WEDNESDAY_MORNING = datetime(2026, 11, 25, 10, 30, tzinfo=timezone.utc)  # within the login's idle time


def test_my_work_counts_today_this_week_and_grading_time(world, build, grader, time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)
    tenant, card, me = world["tenant"], world["card"], world["grader"]
    for when, minutes in ((datetime(2026, 11, 25, 9, 0), 4), (datetime(2026, 11, 23, 10, 0), 6),
                          (datetime(2026, 11, 22, 23, 0), 30)):
        gh.submitted_evaluation(tenant, build.call(world["agent"]), me, card, opened_minutes_ago=minutes,
                                submitted_at=when.replace(tzinfo=timezone.utc))
    gh.submitted_evaluation(tenant, build.call(world["agent"]), build.grader(tenant), card,
                            submitted_at=datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc))  # someone else's
    page = text(grader.get("/grading/me"))
    assert re.search(r'id="done-today">1<', page) and re.search(r'id="done-week">2<', page)
    assert re.search(r'id="average-time">5:00<', page)
    assert "UTC days" in page


def test_my_work_shows_what_is_due_soon_and_overdue(world, build, grader, time_machine):
    time_machine.move_to(WEDNESDAY_MORNING, tick=False)
    tenant, card, me = world["tenant"], world["card"], world["grader"]
    soon = gh.held_assignment(tenant, build.call(world["agent"], external_id="X-soon"), me, card,
                              due_at=WEDNESDAY_MORNING + timedelta(hours=8))
    late = gh.held_assignment(tenant, build.call(world["agent"], external_id="X-late"), me, card,
                              due_at=WEDNESDAY_MORNING - timedelta(hours=2))
    gh.held_assignment(tenant, build.call(world["agent"], external_id="X-later"), me, card,
                       due_at=WEDNESDAY_MORNING + timedelta(days=3))
    page = text(grader.get("/grading/me"))
    assert re.search(r'id="due-soon">1<', page)
    assert re.search(r'id="overdue">1<', page)
    assert page.index("X-late") < page.index("X-soon")  # most urgent first
    assert f'href="/grading/assignments/{soon}"' in page and f'href="/grading/assignments/{late}"' in page
    assert "X-later" not in page


def test_my_recent_evaluations_link_to_what_i_submitted(world, build, grader):
    evaluation_id = gh.submitted_evaluation(world["tenant"], build.call(world["agent"], external_id="X-done"),
                                            world["grader"], world["card"])
    page = text(grader.get("/grading/me"))
    assignment_id = gh.evaluation(evaluation_id).assignment_id
    assert "X-done" in page and f'href="/grading/assignments/{assignment_id}"' in page
    assert "<strong>100.0</strong>" in page
    assert 'href="/grading/me"' in page  # the nav's "My work"


def test_my_recent_evaluations_are_paginated(world, build, grader):
    for _ in range(26):
        gh.submitted_evaluation(world["tenant"], build.call(world["agent"]), world["grader"], world["card"])
    assert "Page 1 of 2" in text(grader.get("/grading/me"))
    assert "Page 2 of 2" in text(grader.get("/grading/me?page=2"))


def test_two_submissions_at_once_store_one_evaluation(app, world):
    """Two tabs (or a double click) submitting together: one wins, the other is told it is final."""
    import threading

    from vendor_qa.grading import evaluations
    from vendor_qa.grading.models import Assignment
    from vendor_qa.tenants.models import Tenant

    tenant_id, assignment_id, form = world["tenant"].id, world["id"], gh.full_marks(world["card"])
    barrier, outcomes = threading.Barrier(2), []

    def submit():
        with app.app_context(), tenant_scope(tenant_id):
            assignment = db.session.get(Assignment, assignment_id)
            tenant = db.session.get(Tenant, tenant_id)
            evaluations.ensure_editable(assignment)
            barrier.wait()
            try:
                outcomes.append(evaluations.submit(assignment, form, tenant).ok)
            except evaluations.EvaluationLocked:
                outcomes.append("locked")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes, key=str) == [True, "locked"]
    with all_tenants("test inspection"):
        assert db.session.scalar(select(func.count()).select_from(EvaluationCriterion)) == 4
