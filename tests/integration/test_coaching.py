"""Coaching sessions: recorded by a lead or manager, in the quality file and its PDF, due follow-ups on
the home page, counted per team in the monthly report (issue #12, point 4)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.integration import report_data
from tests.integration.report_data import FULL, HALF
from vendor_qa import clock, periods
from vendor_qa.coaching.models import CoachingSession
from vendor_qa.coaching.service import shared_coaching_notes
from vendor_qa.extensions import db
from vendor_qa.reports import builder, pdf
from vendor_qa.tenants.scoping import tenant_scope
from vendor_qa.tenants.teams import set_lead_teams

TODAY = date(2026, 11, 25)  # the frozen clock's day in Oslo


@pytest.fixture
def world(build):
    tenant = build.tenant(slug="coach-co", timezone=report_data.OSLO)
    north, south = build.team(tenant, "North"), build.team(tenant, "South")
    alma = build.agent(tenant, team=north, display_name="Alma North")
    bo = build.agent(tenant, team=south, display_name="Bo South")
    card = report_data.scorecard(tenant)
    grader = build.user("grader", certify=[tenant], name="Gerda Graderson")
    evaluation = report_data.evaluate(build, tenant, alma, grader, card, [FULL, HALF, FULL],
                                      clock.now() - timedelta(days=2))
    lead = build.user("client_manager", tenant=tenant, name="Lena Lead")
    set_lead_teams(lead, [north.id])
    db.session.commit()
    return dict(tenant=tenant, alma=alma, bo=bo, lead=lead, evaluation=evaluation, card=card, grader=grader)


def sessions(tenant) -> list[CoachingSession]:
    with tenant_scope(tenant.id):
        return db.session.scalars(select(CoachingSession).order_by(CoachingSession.id)).all()


def record(client, agent, **fields):
    data = {"held_on": "2026-11-24", "notes": "Listen to the end before answering.",
            "actions": "Summarise the customer's problem.", "follow_up_on": "2026-12-01", **fields}
    return client.post(f"/t/coach-co/agents/{agent.id}/coaching/new", data=data)


def test_a_lead_records_a_session_and_finds_it_in_the_quality_file(world, login, client):
    login(world["lead"])
    focus = world["card"].criteria[1][1]  # "Listens without interrupting"
    form = client.get(f"/t/coach-co/agents/{world['alma'].id}/coaching/new").get_data(as_text=True)
    assert "Listens without interrupting" in form and 'value="2026-11-25"' in form
    response = record(client, world["alma"], focus=[focus], evaluations=[str(world["evaluation"])],
                      notes_shared="y")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Coaching session with Alma North recorded." in page
    row = page.split('data-session="')[1].split("</tr>")[0]
    for shown in ("2026-11-24", "Lena Lead", "Listens without interrupting", "Listen to the end", "shared with the agent",
                  "Summarise the customer", "2026-12-01", f"/evaluations/{world['evaluation']}"):
        assert shown in row, shown
    with tenant_scope(world["tenant"].id):
        [note] = shared_coaching_notes(world["alma"].id)
    assert note.focus == ["Listens without interrupting"] and note.notes.startswith("Listen to the end")


def test_private_notes_are_not_shared_with_the_agent(world, login, client):
    login(world["lead"])
    assert record(client, world["alma"]).status_code == 302
    with tenant_scope(world["tenant"].id):
        assert shared_coaching_notes(world["alma"].id) == []
    assert "private" in client.get(f"/t/coach-co/agents/{world['alma'].id}/quality").get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"held_on": "2026-11-26"}, "cannot be in the future"),
    ({"follow_up_on": "2026-11-20"}, "must be on or after the date of the session"),
    ({"notes": "", "actions": ""}, "Write what was discussed"),
    ({"evaluations": ["999999"]}, "not a valid choice"),
    ({"held_on": "yesterday"}, "Not a valid date value"),
])
def test_bad_input_is_a_form_error_and_nothing_is_saved(world, login, client, fields, message):
    login(world["lead"])
    response = record(client, world["alma"], **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert sessions(world["tenant"]) == []


def test_due_follow_ups_show_on_the_leads_home_until_done(world, login, client, build):
    with tenant_scope(world["tenant"].id):
        for agent, due in ((world["alma"], TODAY - timedelta(days=1)), (world["bo"], TODAY),
                           (world["alma"], TODAY + timedelta(days=3))):
            db.session.add(CoachingSession(agent_id=agent.id, held_on=TODAY - timedelta(days=10), follow_up_on=due,
                                           actions=f"check {due}"))
        db.session.commit()
    login(world["lead"])
    home = client.get("/t/coach-co/").get_data(as_text=True)
    assert home.count("data-follow-up=") == 1 and "overdue" in home  # Bo is another team's; the third not due
    login(build.manager(world["tenant"]))
    assert client.get("/t/coach-co/").get_data(as_text=True).count("data-follow-up=") == 2
    due = sessions(world["tenant"])[0]
    assert client.post(f"/t/coach-co/coaching/{due.id}/followed-up").status_code == 302
    assert client.post(f"/t/coach-co/coaching/{due.id}/followed-up").status_code == 302  # twice is once
    assert client.get("/t/coach-co/").get_data(as_text=True).count("data-follow-up=") == 1


def test_the_quality_file_pdf_has_the_sessions(world, login, client):
    login(world["lead"])
    record(client, world["alma"], notes="Greet by name, 你好.")
    response = client.get(f"/t/coach-co/agents/{world['alma'].id}/quality.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    for shown in ("Quality file: Alma North", "Coaching sessions", "Greet by name", "Summarise the customer"):
        assert shown in text, shown
    assert not re.search(r"\bG-[0-9A-F]{4}\b", text) and "Graderson" not in text  # graders are anonymous


def test_the_monthly_report_counts_sessions_per_team(world):
    tenant = world["tenant"]
    with tenant_scope(tenant.id):
        for agent, held, follow in ((world["alma"], date(2026, 11, 3), True), (world["alma"], date(2026, 11, 20), False),
                                    (world["bo"], date(2026, 11, 5), False), (world["bo"], date(2026, 10, 30), False)):
            db.session.add(CoachingSession(agent_id=agent.id, held_on=held, notes="n",
                                           follow_up_on=held + timedelta(days=7) if follow else None))
        db.session.commit()
        snapshot = builder.build_snapshot(tenant, periods.parse_period("2026-11", tenant.zone))
    assert snapshot["coaching"] == [
        {"team": "North", "sessions": 2, "agents": 1, "follow_ups": 1, "followed_up": 0},
        {"team": "South", "sessions": 1, "agents": 1, "follow_ups": 0, "followed_up": 0},
    ]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.render(snapshot))).pages)
    assert "Coaching sessions per team" in text and "North 2 1 1 0" in text
