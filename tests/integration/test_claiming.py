"""The grader's side: the queue, "Get next" (an atomic claim), release; claiming under concurrency."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.integration.assignment_helpers import assignment as fresh, open_pool, published_scorecard
from vendor_qa import clock
from vendor_qa.auth.models import GraderCertification, User
from vendor_qa.extensions import db
from vendor_qa.grading import assignments
from vendor_qa.grading.models import Assignment, AssignmentEvent
from vendor_qa.tenants.scoping import all_tenants, tenant_scope


def _give(assignment_id: int, grader, priority: int | None = None, due_at: datetime | None = None) -> None:
    """Put an assignment in a grader's queue directly (the admin path is tested elsewhere)."""
    with all_tenants("test set-up"):
        a = db.session.get(Assignment, assignment_id)
        a.status, a.grader_id, a.assigned_at = "assigned", grader.id, clock.now()
        a.priority = a.priority if priority is None else priority
        a.due_at = due_at or a.due_at
        db.session.commit()


def _finish(assignment_id: int) -> None:
    with all_tenants("test set-up"):
        db.session.get(Assignment, assignment_id).status = "submitted"
        db.session.commit()


@pytest.fixture
def two_tenants(build):
    acme, globex = build.tenant(name="Acme"), build.tenant(name="Globex")
    return acme, globex, published_scorecard(acme), published_scorecard(globex)


# ---- the queue -----------------------------------------------------------------------------

def test_the_queue_lists_my_work_most_urgent_first_across_my_tenants(build, login, client, two_tenants):
    acme, globex, acme_v, globex_v = two_tenants
    grader = build.grader(acme, globex)
    now = clock.now()
    [late] = open_pool(build, acme, 1, acme_v)
    [soon] = open_pool(build, globex, 1, globex_v)
    [urgent] = open_pool(build, acme, 1, acme_v)
    _give(late, grader, priority=10, due_at=now + timedelta(hours=30, minutes=30))
    _give(soon, grader, priority=10, due_at=now + timedelta(hours=3, minutes=30))
    _give(urgent, grader, priority=100, due_at=now - timedelta(hours=2, minutes=5))
    login(grader)
    html = client.get("/grading/queue").get_data(as_text=True)
    links = [f"/grading/assignments/{i}/start\"" for i in (urgent, soon, late)]
    assert all(link in html for link in links)
    assert [html.index(link) for link in links] == sorted(html.index(link) for link in links)
    assert "overdue 2 h" in html and 'class="overdue"' in html
    assert "due in 3 h" in html and "due in 30 h" in html
    assert "Acme" in html and "Globex" in html


def test_the_queue_shows_agent_codes_unless_the_tenant_allows_names(build, login, client):
    for allow in (False, True):
        tenant = build.tenant(settings={"allow_agent_names": allow})
        grader = build.grader(tenant)
        [held] = open_pool(build, tenant, 1)
        _give(held, grader)
        with tenant_scope(tenant.id):
            agent = db.session.get(Assignment, held).call.agent
        login(grader)
        html = client.get("/grading/queue").get_data(as_text=True)
        assert (agent.display_name in html) is allow
        assert (agent.code in html) is not allow


def test_a_grader_never_sees_other_graders_work_nor_uncertified_tenants(build, login, client, two_tenants):
    acme, globex, acme_v, globex_v = two_tenants
    me, colleague = build.grader(acme, globex), build.grader(acme)
    [theirs] = open_pool(build, acme, 1, acme_v)
    [lapsed] = open_pool(build, globex, 1, globex_v)
    [mine] = open_pool(build, acme, 1, acme_v)
    _give(theirs, colleague)
    _give(lapsed, me)
    _give(mine, me)
    db.session.execute(select(GraderCertification).where(GraderCertification.grader_id == me.id,
                                                         GraderCertification.tenant_id == globex.id)
                       ).scalar_one().active = False
    db.session.commit()
    login(me)
    html = client.get("/grading/queue").get_data(as_text=True)
    assert f"/grading/assignments/{mine}/start\"" in html
    assert f"/grading/assignments/{theirs}/start\"" not in html
    assert f"/grading/assignments/{lapsed}/start\"" not in html


def test_the_queue_pages_and_its_list_polls_itself(build, login, client):
    tenant = build.tenant()
    grader = build.grader(tenant)
    ids = open_pool(build, tenant, 32)
    for i in ids[:27]:
        _give(i, grader)
    login(grader)
    first = client.get("/grading/queue").get_data(as_text=True)
    assert "Page 1 of 2" in first and "27 in all" in first
    assert "<strong>5</strong> open in your tenants' pool" in first
    fragment = client.get("/grading/queue?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment
    assert 'hx-trigger="every 20s"' in fragment and "page=2" in fragment


def test_an_empty_queue_says_what_to_do(build, login, client):
    login(build.grader(build.tenant()))
    html = client.get("/grading/queue").get_data(as_text=True)
    assert "No assignments in your queue" in html and "<strong>0</strong> open" in html


# ---- get next ------------------------------------------------------------------------------

def test_get_next_takes_the_most_urgent_open_work_of_my_tenants(build, login, client, two_tenants):
    acme, globex, acme_v, globex_v = two_tenants
    elsewhere = build.tenant()
    grader = build.grader(acme, globex)
    now = clock.now()
    [uncertified] = open_pool(build, elsewhere, 1, priority=500)
    [taken] = open_pool(build, acme, 1, acme_v, priority=400)
    _give(taken, build.grader(acme))
    later = open_pool(build, acme, 2, acme_v, priority=100, due=now + timedelta(hours=9))
    [earliest] = open_pool(build, globex, 1, globex_v, priority=100, due=now + timedelta(hours=8))
    low = open_pool(build, globex, 1, globex_v, priority=10, due=now - timedelta(days=1))
    login(grader)
    claimed = []
    for _ in range(4):
        response = client.post("/grading/next")
        assert response.status_code == 302
        claimed.append(int(response.headers["Location"].rstrip("/").split("/")[-1]))
        _finish(claimed[-1])  # graded: else "Get next" serves it again, as the grader's own work
    # priority first, then the earliest due, then the oldest
    assert claimed == [earliest, *later, *low]
    assert fresh(uncertified).status == "open" and fresh(taken).grader_id != grader.id
    with all_tenants("test inspection"):
        events = db.session.execute(select(AssignmentEvent.assignment_id, AssignmentEvent.action,
                                           AssignmentEvent.to_grader_id)
                                    .where(AssignmentEvent.action == "claimed")).all()
    assert sorted(events) == sorted((i, "claimed", grader.id) for i in claimed)
    empty = client.post("/grading/next")
    assert empty.headers["Location"].endswith("/grading/queue")
    assert "Nothing left to grade" in client.get("/grading/queue").get_data(as_text=True)


def test_a_grader_without_certification_gets_nothing(build, login, client):
    open_pool(build, build.tenant(), 3)
    login(build.grader())
    assert client.post("/grading/next").headers["Location"].endswith("/grading/queue")


# ---- release -------------------------------------------------------------------------------

def test_the_holder_releases_with_a_reason_and_the_work_goes_back_to_the_pool(build, login, client):
    tenant = build.tenant()
    grader = build.grader(tenant)
    open_pool(build, tenant, 1)
    login(grader)
    claimed = int(client.post("/grading/next").headers["Location"].split("/")[-1])
    url = f"/grading/assignments/{claimed}/release"
    assert client.get(url).status_code == 200
    missing = client.post(url, data={"reason": " "})
    assert missing.status_code == 422 and "Give a reason" in missing.get_data(as_text=True)
    assert fresh(claimed).status == "in_progress"  # "Get next" started it
    assert client.post(url, data={"reason": "Recording is silent"}).status_code == 302
    released = fresh(claimed)
    assert (released.status, released.grader_id, released.assigned_at) == ("open", None, None)
    with tenant_scope(tenant.id):
        last = db.session.scalars(select(AssignmentEvent).order_by(AssignmentEvent.id.desc())).first()
    assert (last.action, last.from_grader_id, last.reason) == ("released", grader.id, "Recording is silent")
    assert client.post(url, data={"reason": "again"}).status_code == 404  # no longer mine


def test_only_the_holder_can_release(build, login, client):
    tenant = build.tenant()
    holder, other = build.grader(tenant), build.grader(tenant)
    [held] = open_pool(build, tenant, 1)
    _give(held, holder)
    login(other)
    assert client.post(f"/grading/assignments/{held}/release", data={"reason": "mine now"}).status_code == 404
    assert fresh(held).grader_id == holder.id
    with pytest.raises(assignments.AssignmentError):
        with tenant_scope(tenant.id):
            assignments.release(db.session.get(Assignment, held), other, "mine now")


# ---- concurrency ---------------------------------------------------------------------------

def _claim_concurrently(app, grader_ids: list[int]) -> tuple[Counter, list[BaseException]]:
    """Each grader in a thread of its own (own app context, own session) claims until the pool is empty."""
    claimed_ids: list[int] = []  # list.append is atomic across threads
    errors: list[BaseException] = []
    start = threading.Barrier(len(grader_ids))

    def work(grader_id: int) -> None:
        try:
            with app.app_context():
                grader = db.session.get(User, grader_id)
                grader.certified_tenant_ids  # load before the race
                db.session.commit()
                start.wait()
                while (claimed := assignments.claim_next(grader)) is not None:
                    db.session.commit()
                    claimed_ids.append(claimed.id)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(g,)) for g in grader_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(claimed_ids), errors


def _assert_each_claimed_once(pool: list[int], claims: Counter, errors: list) -> None:
    assert errors == []
    assert sorted(claims) == pool and set(claims.values()) == {1}
    with all_tenants("test inspection"):
        db.session.expire_all()
        statuses = Counter(db.session.scalars(select(Assignment.status).where(Assignment.id.in_(pool))))
        events = db.session.execute(
            select(AssignmentEvent.assignment_id, func.count()).where(AssignmentEvent.action == "claimed")
            .group_by(AssignmentEvent.assignment_id)).all()
    assert statuses == {"assigned": len(pool)}
    assert sorted(events) == [(i, 1) for i in pool]


def _claimers() -> int:
    with all_tenants("test inspection"):
        return db.session.scalar(select(func.count(func.distinct(AssignmentEvent.to_grader_id))))


def _pool_and_graders(build, size: int, graders: int) -> tuple[list[int], list[int]]:
    tenant = build.tenant()
    pool = open_pool(build, tenant, size)
    return pool, [build.grader(tenant).id for _ in range(graders)]


def test_concurrent_claims_take_each_assignment_once(app, build):
    # Each database has its own claim path (claiming.py: SKIP LOCKED on PostgreSQL, one UPDATE
    # ... RETURNING on SQLite); CI runs the suite on both, so each path is raced in its pass.
    size, graders = (200, 24) if db.engine.dialect.name == "postgresql" else (50, 8)
    pool, graders = _pool_and_graders(build, size, graders)
    claims, errors = _claim_concurrently(app, graders)
    _assert_each_claimed_once(pool, claims, errors)
    assert _claimers() > 1  # the graders really raced
