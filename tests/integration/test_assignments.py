"""Assignments: creating, assigning, reassigning, cancelling, each with its kept reason; the admin pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from tests.integration.assignment_helpers import assignment as fresh, published_scorecard
from vendor_qa import clock, periods
from vendor_qa.auth.models import GraderCertification
from vendor_qa.extensions import db
from vendor_qa.grading import assignments
from vendor_qa.grading.models import Assignment, AssignmentEvent
from vendor_qa.tenants.scoping import tenant_scope


@pytest.fixture
def world(build):
    tenant = build.tenant(timezone="Europe/Oslo")
    version_id = published_scorecard(tenant)
    agent = build.agent(tenant)
    return dict(tenant=tenant, version_id=version_id, agent=agent, call=build.call(agent),
                admin=build.admin(), grader=build.grader(tenant), build=build)


def _events(assignment_id: int) -> list[tuple]:
    from vendor_qa.tenants.scoping import all_tenants

    with all_tenants("test inspection"):
        rows = db.session.execute(
            select(AssignmentEvent.action, AssignmentEvent.actor_id, AssignmentEvent.from_grader_id,
                   AssignmentEvent.to_grader_id, AssignmentEvent.reason)
            .where(AssignmentEvent.assignment_id == assignment_id).order_by(AssignmentEvent.id))
        return [tuple(r) for r in rows]


def _create(world, reason="manual", note="Client asked", **kwargs) -> Assignment:
    with tenant_scope(world["tenant"].id):
        created = assignments.create_assignment(world["call"], reason, actor=world["admin"], note=note, **kwargs)
        db.session.commit()
        return created


# ---- the service ---------------------------------------------------------------------------

def test_a_manual_assignment_is_open_on_the_current_scorecard_and_keeps_its_note(world):
    before = clock.now()
    created = _create(world)
    assert created.status == "open" and created.grader_id is None
    assert created.scorecard_version_id == world["version_id"]
    assert created.priority == 50
    assert before + timedelta(hours=72) <= created.due_at <= clock.now() + timedelta(hours=72)
    assert _events(created.id) == [("created", world["admin"].id, None, None, "Client asked")]


def test_defaults_differ_by_reason(world):
    with tenant_scope(world["tenant"].id):
        low = assignments.create_assignment(world["call"], "low_rating")
        sample = assignments.create_assignment(world["call"], "sample")
    assert (low.priority, sample.priority) == (100, 10)
    assert _events(low.id) == [("created", None, None, None, None)]  # the system made it


@pytest.mark.parametrize("zone, week", [("Europe/Oslo", "2026-W48"), ("UTC", "2026-W47")])
def test_the_week_is_the_iso_week_of_the_call_in_the_tenants_zone(build, zone, week):
    tenant = build.tenant(timezone=zone)
    published_scorecard(tenant)
    # Sunday 23:30 UTC is already Monday 00:30 in Oslo: the next ISO week.
    call = build.call(build.agent(tenant), started_at=datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc))
    with tenant_scope(tenant.id):
        assert assignments.create_assignment(call, "sample").week == week


def test_the_week_label_uses_the_iso_year():
    from zoneinfo import ZoneInfo

    assert periods.week_of(datetime(2027, 1, 3, 23, 30, tzinfo=timezone.utc), ZoneInfo("UTC")) == "2026-W53"
    assert periods.week_of(datetime(2027, 1, 3, 23, 30, tzinfo=timezone.utc),
                                ZoneInfo("Europe/Oslo")) == "2027-W01"


def test_a_call_is_assigned_once_per_reason_and_week(world):
    _create(world)
    with tenant_scope(world["tenant"].id):
        with pytest.raises(assignments.DuplicateAssignment, match="already has a manual assignment"):
            assignments.create_assignment(world["call"], "manual", note="again")
        assignments.create_assignment(world["call"], "sample")  # another reason is fine
        assignments.create_assignment(world["call"], "calibration")
        assignments.create_assignment(world["call"], "calibration")  # calibration: many graders, one call
        db.session.commit()


def test_the_unique_index_backs_the_rule_up(world):
    first = _create(world)
    row = dict(tenant_id=first.tenant_id, call_id=first.call_id, scorecard_version_id=first.scorecard_version_id,
               reason="manual", priority=1, week=first.week, due_at=first.due_at, status="open")
    with db.engine.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(insert(Assignment.__table__), [row])
        conn.rollback()
        conn.execute(insert(Assignment.__table__), [dict(row, week="2026-W01")])  # another week is fine
        conn.commit()


def test_no_published_scorecard_for_the_channel_is_a_clear_error(world):
    chat = world["build"].call(world["agent"], channel="chat")
    with tenant_scope(world["tenant"].id):
        with pytest.raises(assignments.AssignmentError, match="Publish a scorecard for chat first"):
            assignments.create_assignment(chat, "manual", note="x")


def test_manual_work_needs_a_note(world):
    with tenant_scope(world["tenant"].id):
        with pytest.raises(assignments.AssignmentError, match="Give a reason"):
            assignments.create_assignment(world["call"], "manual", note="  ")


def test_assign_reassign_and_cancel_keep_who_and_why(world):
    other = world["build"].grader(world["tenant"])
    created = _create(world)
    admin, grader = world["admin"], world["grader"]
    with tenant_scope(world["tenant"].id):
        a = db.session.get(Assignment, created.id)
        assignments.assign(a, grader, admin, "Speaks Norwegian")
        assert (a.status, a.grader_id) == ("assigned", grader.id) and a.assigned_at is not None
        assignments.reassign(a, other, admin, "On leave")
        assignments.cancel(a, admin, "Call was a test call")
        db.session.commit()
    assert fresh(created.id).status == "cancelled"
    assert _events(created.id)[1:] == [
        ("assigned", admin.id, None, grader.id, "Speaks Norwegian"),
        ("reassigned", admin.id, grader.id, other.id, "On leave"),
        ("cancelled", admin.id, other.id, None, "Call was a test call"),
    ]


def test_only_active_graders_certified_for_the_tenant_get_work(world):
    build = world["build"]
    stranger = build.grader(build.tenant())
    lapsed = build.grader(world["tenant"])
    with tenant_scope(world["tenant"].id):
        db.session.execute(select(GraderCertification).where(GraderCertification.grader_id == lapsed.id)
                           ).scalar_one().active = False
        a = db.session.get(Assignment, _create(world).id)
        for grader in (stranger, lapsed, world["admin"]):
            with pytest.raises(assignments.AssignmentError, match="certified for this tenant"):
                assignments.assign(a, grader, world["admin"], "try")
        assert a.status == "open"


@pytest.mark.parametrize("status", ["submitted", "cancelled", "expired"])
def test_finished_assignments_cannot_be_changed(world, status):
    created = _create(world)
    with tenant_scope(world["tenant"].id):
        a = db.session.get(Assignment, created.id)
        a.status = status
        db.session.commit()
        for action in (lambda: assignments.assign(a, world["grader"], world["admin"], "r"),
                       lambda: assignments.cancel(a, world["admin"], "r")):
            with pytest.raises(assignments.AssignmentError, match=f"is {status}; it can no longer be changed"):
                action()


def test_cancel_and_reassign_need_a_reason(world):
    with tenant_scope(world["tenant"].id):
        a = db.session.get(Assignment, _create(world).id)
        with pytest.raises(assignments.AssignmentError, match="Give a reason for cancelling"):
            assignments.cancel(a, world["admin"], "")
        assert a.status == "open"


# ---- the admin pages -----------------------------------------------------------------------

def _url(world, path=""):
    return f"/t/{world['tenant'].slug}/assignments{path}"


def test_admin_creates_a_manual_assignment_from_a_calls_page(world, login, client):
    login(world["admin"])
    page = client.get(_url(world, f"/new?call={world['call'].id}"))
    assert f'value="{world["call"].external_id}"' in page.get_data(as_text=True)
    response = client.post(_url(world, "/new"), data={
        "call": world["call"].external_id, "priority": "70", "due": "2099-01-05T09:00", "note": "Complaint by e-mail"})
    assert response.status_code == 302
    with tenant_scope(world["tenant"].id):
        created = db.session.scalar(select(Assignment))
    # 09:00 in Oslo (winter) is 08:00 UTC.
    assert (created.reason, created.priority, created.due_at) == (
        "manual", 70, datetime(2099, 1, 5, 8, tzinfo=timezone.utc))
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Complaint by e-mail" in detail and "created" in detail


def test_a_second_manual_assignment_in_the_week_is_a_form_error(world, login, client):
    _create(world)
    login(world["admin"])
    response = client.post(_url(world, "/new"), data={"call": world["call"].external_id, "priority": "50",
                                                      "note": "again"})
    assert response.status_code == 422
    assert "already has a manual assignment in week" in response.get_data(as_text=True)


def test_a_race_to_the_same_manual_assignment_is_a_form_error_not_a_500(world, login, client, monkeypatch):
    _create(world)
    monkeypatch.setattr(assignments, "duplicate_exists", lambda *args: False)  # both requests passed the check
    login(world["admin"])
    response = client.post(_url(world, "/new"), data={"call": world["call"].external_id, "priority": "50",
                                                      "note": "again"})
    assert response.status_code == 422
    assert "already has a manual assignment this week" in response.get_data(as_text=True)
    with tenant_scope(world["tenant"].id):
        assert len(db.session.scalars(select(Assignment)).all()) == 1


@pytest.mark.parametrize("form, message", [
    ({"call": "nope", "priority": "50", "note": "n"}, "has no call with external id"),
    ({"call": "{call}", "priority": "50", "note": ""}, "Give a reason"),
    ({"call": "{call}", "priority": "5000", "note": "n"}, "between 0 and 1000"),
    ({"call": "{call}", "priority": "50", "note": "n", "due": "2001-01-01T10:00"}, "The due time has passed"),
])
def test_bad_manual_input_is_explained(world, login, client, form, message):
    login(world["admin"])
    form = {k: v.replace("{call}", world["call"].external_id) for k, v in form.items()}
    response = client.post(_url(world, "/new"), data=form)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_manual_creation_without_a_scorecard_says_what_to_publish(build, login, client):
    tenant = build.tenant()
    call = build.call(build.agent(tenant), channel="email")
    login(build.admin())
    response = client.post(f"/t/{tenant.slug}/assignments/new",
                           data={"call": call.external_id, "priority": "50", "note": "n"})
    assert response.status_code == 422
    assert "Publish a scorecard for email first" in response.get_data(as_text=True)


def test_admin_assigns_only_to_certified_graders(world, login, client):
    stranger = world["build"].grader(world["build"].tenant())
    created = _create(world)
    login(world["admin"])
    refused = client.post(_url(world, f"/{created.id}/assign"), data={"grader": stranger.id, "reason": "r"})
    assert refused.status_code == 422
    assert "certified for this tenant" in refused.get_data(as_text=True)
    ok = client.post(_url(world, f"/{created.id}/assign"), data={"grader": world["grader"].id, "reason": "best fit"})
    assert ok.status_code == 302
    assert fresh(created.id).grader_id == world["grader"].id


def test_cancelling_needs_a_reason_and_a_submitted_one_cannot_be_cancelled(world, login, client):
    created = _create(world)
    login(world["admin"])
    response = client.post(_url(world, f"/{created.id}/cancel"), data={"reason": ""})
    assert response.status_code == 422 and "Give a reason" in response.get_data(as_text=True)
    assert fresh(created.id).status == "open"
    with tenant_scope(world["tenant"].id):
        db.session.get(Assignment, created.id).status = "submitted"
        db.session.commit()
    response = client.post(_url(world, f"/{created.id}/cancel"), data={"reason": "late"})
    assert response.status_code == 422
    assert "is submitted; it can no longer be changed" in response.get_data(as_text=True)
    page = client.get(_url(world, f"/{created.id}")).get_data(as_text=True)
    assert "can no longer be reassigned or cancelled" in page


def test_the_list_filters_and_pages(world, login, client):
    from tests.integration.assignment_helpers import open_pool

    open_pool(world["build"], world["tenant"], 30, version_id=world["version_id"])
    held = _create(world)
    with tenant_scope(world["tenant"].id):
        assignments.assign(db.session.get(Assignment, held.id), world["grader"], world["admin"], "r")
        db.session.commit()
    login(world["admin"])
    first = client.get(_url(world, "/")).get_data(as_text=True)
    assert "Page 1 of 2" in first and "31 in all" in first
    mine = client.get(_url(world, f"/?grader={world['grader'].id}")).get_data(as_text=True)
    assert f"#{held.id}<" in mine and "1 in all" in mine
    by_agent = client.get(_url(world, f"/?agent={world['agent'].id}&status=assigned&reason=manual"))
    assert f"#{held.id}<" in by_agent.get_data(as_text=True)
    nothing = client.get(_url(world, "/?status=expired")).get_data(as_text=True)
    assert "No assignments match these filters" in nothing
    fragment = client.get(_url(world, "/?status=open"), headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "30 in all" in fragment
    ignored = client.get(_url(world, "/?status=bogus")).get_data(as_text=True)
    assert "These filters were ignored" in ignored
