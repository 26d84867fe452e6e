"""A grader's flow: "Get next" (own work first), starting is a POST, "Submit and next", the time each
evaluation takes (minus time away) and its medians, one time zone per time, closed-week leftovers."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.integration import grading_helpers as gh
from tests.integration.assignment_helpers import assignment as fresh
from tests.integration.assignment_helpers import open_pool
from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.grading.timing import GradingClock
from vendor_qa.tenants.scoping import all_tenants

CLOSED_WEEK_CALL = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)  # 2026-W46: its SLA week has ended


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def desk(build):
    tenant = build.tenant(slug="acme", name="Acme", timezone="Europe/Oslo")
    agent = build.agent(tenant)
    return SimpleNamespace(tenant=tenant, agent=agent, grader=build.grader(tenant), card=gh.scorecard(tenant),
                           build=build)


def held(desk, external_id: str, due_in: timedelta, priority: int = 10, started_at: datetime | None = None,
         grader=None) -> int:
    call = desk.build.call(desk.agent, external_id=external_id,
                           **({"started_at": started_at} if started_at else {}))
    assignment_id = gh.held_assignment(desk.tenant, call, grader or desk.grader, desk.card,
                                       due_at=clock.now() + due_in)
    with all_tenants("test set-up"):
        db.session.get(Assignment, assignment_id).priority = priority
        db.session.commit()
    return assignment_id


def opened(response) -> int:
    """The assignment whose form a redirect leads to."""
    match = re.search(r"/grading/assignments/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def finish(assignment_id: int) -> None:
    with all_tenants("test set-up"):
        db.session.get(Assignment, assignment_id).status = "submitted"
        db.session.commit()


# ---- Get next ----------------------------------------------------------------------------------

def test_get_next_serves_my_own_most_urgent_work_before_the_pool(desk, login):
    held(desk, "MINE-SOON", timedelta(hours=3))
    urgent = held(desk, "MINE-URGENT", timedelta(hours=40), priority=100)
    held(desk, "MINE-LATER", timedelta(hours=30))
    [pooled] = open_pool(desk.build, desk.tenant, 1, desk.card.version_id, priority=500)
    client = login(desk.grader)

    first = client.post("/grading/next")
    assert opened(first) == urgent  # priority first, then due; my own before the pool
    assert fresh(urgent).status == "in_progress" and fresh(pooled).status == "open"
    assert opened(client.post("/grading/next")) == urgent  # still mine, still first: never "nothing to do"


def test_get_next_then_takes_from_the_pool_and_last_my_closed_week_leftovers(desk, login):
    leftover = held(desk, "OLD", -timedelta(days=17), started_at=CLOSED_WEEK_CALL)
    [pooled] = open_pool(desk.build, desk.tenant, 1, desk.card.version_id)
    client = login(desk.grader)

    assert opened(client.post("/grading/next")) == pooled  # it still counts towards this week's quota
    finish(pooled)
    assert opened(client.post("/grading/next")) == leftover
    finish(leftover)
    done = client.post("/grading/next")
    assert done.headers["Location"].endswith("/grading/queue")
    assert "Nothing left to grade" in text(client.get("/grading/queue"))


def test_get_next_starts_the_work_it_opens(desk, login):
    assignment_id = held(desk, "X-1", timedelta(hours=5))
    client = login(desk.grader)
    client.post("/grading/next")
    assignment = fresh(assignment_id)
    assert assignment.status == "in_progress" and assignment.evaluation.status == "draft"
    with all_tenants("test inspection"):
        started = db.session.scalar(select(GradingClock.started_at).where(GradingClock.assignment_id == assignment_id))
    assert clock.now() - timedelta(seconds=5) <= started <= clock.now()
    page = text(client.get(f"/grading/assignments/{assignment_id}"))
    assert 'id="grading-form"' in page and "js/grading_timer.js" in page


def test_the_queue_grade_button_starts_the_work_by_post(desk, login):
    assignment_id = held(desk, "X-1", timedelta(hours=5))
    client = login(desk.grader)
    queue = text(client.get("/grading/queue"))
    assert f'action="/grading/assignments/{assignment_id}/start"' in queue
    assert fresh(assignment_id).status == "assigned"
    response = client.post(f"/grading/assignments/{assignment_id}/start")
    assert response.headers["Location"].endswith(f"/grading/assignments/{assignment_id}")
    assert fresh(assignment_id).status == "in_progress"


def test_nobody_else_starts_my_work(desk, login):
    assignment_id = held(desk, "X-1", timedelta(hours=5))
    login(desk.build.grader(desk.tenant))
    assert login(desk.build.grader(desk.tenant)).post(f"/grading/assignments/{assignment_id}/start").status_code == 404
    assert fresh(assignment_id).status == "assigned"


# ---- Submit and next ----------------------------------------------------------------------------

def test_submit_and_next_opens_the_next_work_and_ends_on_the_queue(desk, login):
    first = held(desk, "FIRST", timedelta(hours=2))
    second = held(desk, "SECOND", timedelta(hours=4))
    client = login(desk.grader)
    assert opened(client.post("/grading/next")) == first

    after_first = client.post(f"/grading/assignments/{first}", data={**gh.full_marks(desk.card), "then": "next"})
    assert opened(after_first) == second
    assert fresh(first).status == "submitted" and fresh(second).status == "in_progress"
    assert "Evaluation of call FIRST submitted." in text(client.get(after_first.headers["Location"]))

    last = client.post(f"/grading/assignments/{second}", data={**gh.full_marks(desk.card), "then": "next"})
    assert last.headers["Location"].endswith("/grading/queue")
    queue = text(client.get("/grading/queue"))
    assert "Evaluation of call SECOND submitted." in queue and "Nothing left to grade" in queue


def test_an_incomplete_submit_and_next_stays_on_the_form(desk, login):
    first = held(desk, "FIRST", timedelta(hours=2))
    held(desk, "SECOND", timedelta(hours=4))
    client = login(desk.grader)
    client.post("/grading/next")
    response = client.post(f"/grading/assignments/{first}", data={"then": "next"})
    assert response.status_code == 422 and "Answer this criterion." in text(response)
    assert fresh(first).status == "in_progress"


# ---- time per evaluation ------------------------------------------------------------------------

def started_on_a_stopped_clock(desk, login, time_machine):
    """The grader starts an assignment with the clock stopped, so each test says when time passes."""
    assignment_id = held(desk, "X-1", timedelta(hours=5))
    start = clock.now()
    time_machine.move_to(start, tick=False)
    client = login(desk.grader)
    client.post(f"/grading/assignments/{assignment_id}/start")
    return client, assignment_id, start


def test_grading_time_leaves_out_the_time_away(desk, login, time_machine):
    client, assignment_id, start = started_on_a_stopped_clock(desk, login, time_machine)
    signal = f"/grading/assignments/{assignment_id}/clock"

    def at(seconds: int, event: str = "active") -> None:
        time_machine.move_to(start + timedelta(seconds=seconds), tick=False)
        assert client.post(signal, data={"event": event}).status_code == 204

    for beat in range(30, 121, 30):  # two minutes of work
        at(beat)
    at(125, "away")  # the tab is hidden: lunch
    for beat in range(42 * 60, 45 * 60 + 1, 30):  # back 40 minutes later, three more minutes
        at(beat)
    client.post(f"/grading/assignments/{assignment_id}", data=gh.full_marks(desk.card))
    assert fresh(assignment_id).evaluation.grading_seconds == 2 * 60 + 5 + 3 * 60


def test_without_javascript_the_time_runs_from_start_to_submit(desk, login, time_machine):
    client, assignment_id, start = started_on_a_stopped_clock(desk, login, time_machine)
    time_machine.move_to(start + timedelta(minutes=7), tick=False)
    client.post(f"/grading/assignments/{assignment_id}", data=gh.full_marks(desk.card))
    assert fresh(assignment_id).evaluation.grading_seconds == 7 * 60


def test_the_clock_takes_known_reports_on_started_work_only(desk, login):
    assignment_id = held(desk, "X-1", timedelta(hours=5))
    client = login(desk.grader)
    signal = f"/grading/assignments/{assignment_id}/clock"
    assert client.post(signal, data={"event": "active"}).status_code == 409  # not started
    client.post(f"/grading/assignments/{assignment_id}/start")
    assert client.post(signal, data={"event": "sleeping"}).status_code == 400
    assert client.post(signal, data={"event": "away"}).status_code == 204


def test_my_work_shows_my_median_per_scorecard_and_times_in_the_clients_zone(desk, login):
    for minutes in (4, 6, 9):
        gh.submitted_evaluation(desk.tenant, desk.build.call(desk.agent), desk.grader, desk.card,
                                opened_minutes_ago=minutes)
    due = held(desk, "X-DUE", timedelta(hours=14))  # 2026-11-26 00:00 UTC = 01:00 in Oslo
    page = text(login(desk.grader).get("/grading/me"))
    pace = re.search(r'<table id="my-paces">.*?</table>', page, re.DOTALL).group(0)
    assert "Inbound calls" in pace and "6:00" in pace and ">3<" in pace
    assert "2026-11-26 01:00 CET" in page and "2026-11-26 00:00" not in page
    queue = text(login(desk.grader).get("/grading/queue"))
    assert "2026-11-26 01:00 CET" in queue and f"/grading/assignments/{due}/start" in queue


def test_the_vendor_admin_sees_the_median_per_grader_and_scorecard(desk, login, build):
    other = build.grader(desk.tenant)
    for grader, minutes in ((desk.grader, 4), (desk.grader, 8), (other, 12)):
        gh.submitted_evaluation(desk.tenant, desk.build.call(desk.agent), grader, desk.card,
                                opened_minutes_ago=minutes)
    page = text(login(build.admin()).get("/t/acme/assignments/"))
    table = re.search(r'<table id="grading-time">.*?</table>', page, re.DOTALL).group(0)
    mine = re.search(rf"<tr><td>{re.escape(desk.grader.name)} .*?</tr>", table, re.DOTALL).group(0)
    theirs = re.search(rf"<tr><td>{re.escape(other.name)} .*?</tr>", table, re.DOTALL).group(0)
    assert "6:00" in mine and ">2<" in mine and "Inbound calls" in mine
    assert "12:00" in theirs and ">1<" in theirs


def test_capacity_uses_the_measured_median_once_there_are_enough(desk, login, build):
    measured, new = desk.grader, build.grader(desk.tenant)
    for _ in range(10):
        gh.submitted_evaluation(desk.tenant, desk.build.call(desk.agent), measured, desk.card, opened_minutes_ago=6)
    for _ in range(3):
        gh.submitted_evaluation(desk.tenant, desk.build.call(desk.agent), new, desk.card, opened_minutes_ago=6)
    page = text(login(build.admin()).get("/admin/sla/capacity"))
    row = re.search(rf'<tr id="pace-{measured.id}">.*?</tr>', page, re.DOTALL).group(0)
    assert "6.0" in row and "measured" in row and ">10<" in row and ">80<" in row  # 480 minutes / 6
    guessed = re.search(rf'<tr id="pace-{new.id}">.*?</tr>', page, re.DOTALL).group(0)
    assert "8.0" in guessed and "guess" in guessed and ">3<" in guessed and ">60<" in guessed


# ---- the queue's closed weeks -----------------------------------------------------------------

def test_the_queue_shows_closed_week_leftovers_apart_with_what_to_do(desk, login):
    current = held(desk, "NOW", timedelta(hours=3))
    leftover = held(desk, "OLD", -timedelta(days=17), started_at=CLOSED_WEEK_CALL)
    page = text(login(desk.grader).get("/grading/queue"))
    heading = page.index("From closed weeks (1)")
    assert page.index(f"/grading/assignments/{current}/start") < heading < page.index(
        f"/grading/assignments/{leftover}/start")
    assert "overdue 17 d" not in page and "week 2026-W46 closed" in page
    said = " ".join(page.split())
    assert "no longer counts towards that week's quota" in said and "release them with a reason" in said
    fragment = text(login(desk.grader).get("/grading/queue", headers={"HX-Request": "true"}))
    assert f"/grading/assignments/{current}/start" in fragment and "OLD" not in fragment
