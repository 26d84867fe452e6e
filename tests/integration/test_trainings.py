"""Trainings end to end: planned from a systemic finding, re-checked by the SLA planner, judged
before against after, carried by the report, the dashboard and the API; re-certification."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from tests.integration import report_data, training_data
from tests.integration import sla_helpers as sla
from tests.integration.report_data import FULL, HALF, NONE
from tests.integration.test_openapi import call, check, spec  # noqa: F401  (the fixture)
from vendor_qa import periods
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment
from vendor_qa.reports import builder, pdf
from vendor_qa.reports.models import Report
from vendor_qa.sla import planner
from vendor_qa.sla.policy import Policy
from vendor_qa.sla.settings import save_policy
from vendor_qa.tenants.scoping import tenant_scope
from vendor_qa.trainings.models import AgentStatus, Trainee, Training


@pytest.fixture
def trained(build):
    return training_data.systemic_listening(build)


def _form(card, team, **fields) -> dict:
    values = {"title": "Active listening", "criteria": [card.criteria[1][1]], "channel": "", "who": "team",
              "team": str(team.id), "band": "re-certify", "given_on": training_data.GIVEN.isoformat(),
              "follow_up_weeks": "4", "expected_improvement": "15", "source": "finding", "finding_period": "2026-10"}
    values.update(fields)
    return values


def test_a_training_planned_from_a_systemic_finding_gets_its_verdict(trained, login):
    tenant, agents, team, card, manager = trained
    client = login(manager)
    listens = card.criteria[1][1]
    dashboard = client.get(f"/t/{tenant.slug}/dashboard?view=month&month=2026-10").get_data(as_text=True)
    link = re.search(r'<li data-criterion="%s">.*?href="([^"]+)">Plan a training' % listens, dashboard, re.S)
    assert link, "the systemic finding offers to plan a training"
    form = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f'value="{listens}" checked' in form, "the finding's criterion is chosen"
    assert 'data-from-finding' in form

    response = client.post(f"/t/{tenant.slug}/trainings/new", data=_form(card, team))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert 'data-verdict="improved"' in page
    assert "finished" in page
    assert re.search(r'data-window="before">.*?<td class="num">20</td><td class="num">16</td>', page, re.S)
    coaching = page.split("data-coaching", 1)[1]
    assert "Dan" in coaching and "Ann" not in coaching  # still losing it as often as before


@pytest.mark.parametrize("fields, message", [
    ({"criteria": [], "topic": ""}, "Choose at least one criterion, or give a topic."),
    ({"who": "list", "agents": "AG-NOPE1"}, "No agent has the code or id AG-NOPE1."),
    ({"follow_up_weeks": "0"}, "Number must be between 1 and 26."),
    ({"given_on": "9999-12-31"}, "Give a day within two years of today."),
    ({"who": "band", "band": "re-certify", "band_period": "2026-10"}, "No agent&#39;s average in October 2026"),
])
def test_a_bad_training_form_says_what_is_wrong_and_saves_nothing(trained, login, fields, message):
    tenant, _, team, card, manager = trained
    response = login(manager).post(f"/t/{tenant.slug}/trainings/new", data=_form(card, team, **fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with tenant_scope(tenant.id):
        assert db.session.scalar(select(func.count()).select_from(Training)) == 0


def test_a_band_and_a_list_of_codes_name_the_trained_agents(trained, login):
    tenant, agents, team, card, manager = trained
    client = login(manager)
    codes = f"{agents[0].code}, {agents[1].code.lower()}"
    client.post(f"/t/{tenant.slug}/trainings/new", data=_form(card, team, who="list", agents=codes))
    client.post(f"/t/{tenant.slug}/trainings/new", data=_form(card, team, who="band", band="train",
                                                               band_period="2026-10"))
    with tenant_scope(tenant.id):
        trainings = db.session.scalars(select(Training).order_by(Training.id)).all()
        assert [sorted(t.agent_id for t in training.trainees) for training in trainings] == [
            sorted([agents[0].id, agents[1].id]), [agents[3].id]]  # Dan alone averages in "train" in October


def test_the_report_the_dashboard_and_the_api_carry_the_training(trained, login, build, client, spec):  # noqa: F811
    tenant, _, team, card, manager = trained
    browser = login(manager)
    browser.post(f"/t/{tenant.slug}/trainings/new", data=_form(card, team))
    browser.post(f"/t/{tenant.slug}/trainings/new", data=_form(card, team, title="Still running",
                                                                given_on="2026-11-20"))
    tile = browser.get(f"/t/{tenant.slug}/dashboard").get_data(as_text=True)
    assert re.search(r"data-open>1<.*data-finished>1<", tile, re.S)

    with tenant_scope(tenant.id):
        snapshot = builder.build_snapshot(tenant, periods.parse_period("2026-11", tenant.zone))
    listed = {t["title"]: t for t in snapshot["trainings"]["trainings"]}
    assert listed["Active listening"]["verdict"] == "improved" and not listed["Active listening"]["live"]
    assert listed["Still running"]["live"]
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.render(snapshot))).pages)
    assert "Trainings and their results" in text and "improved" in text.split("Trainings and their results")[1]

    token = build.token(tenant)
    response = call(client, "GET", "/api/v1/trainings", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    check(spec, response)
    by_title = {t["title"]: t for t in response.json["trainings"]}
    assert by_title["Active listening"]["verdict"]["result"] == "improved"
    assert by_title["Active listening"]["before"]["lost"] == 16
    assert by_title["Still running"]["status"] == "in_progress"
    assert client.get("/api/v1/trainings?page=0", headers={"Authorization": f"Bearer {token}"}).status_code == 400


def test_the_report_page_and_its_csv_show_the_trainings(trained, login):
    tenant, _, team, card, manager = trained
    client = login(manager)
    client.post(f"/t/{tenant.slug}/trainings/new", data=_form(card, team, title="=Active listening"))
    with tenant_scope(tenant.id):
        period = periods.parse_period("2026-10", tenant.zone)  # the finding's month, the training's too
        report = Report(tenant_id=tenant.id, kind="monthly", period=period.key, status="ready",
                        snapshot=builder.build_snapshot(tenant, period))
        db.session.add(report)
        db.session.commit()
        report_id = report.id
    page = client.get(f"/t/{tenant.slug}/reports/{report_id}").get_data(as_text=True)
    assert "Trainings and their results" in page and "improved" in page.split('id="trainings"', 1)[1]
    assert f"/trainings/new?criterion={card.criteria[1][1]}&amp;period=2026-10" in page  # the finding's action
    csv = client.get(f"/t/{tenant.slug}/trainings/reports/{report_id}.csv")
    assert csv.status_code == 200
    header, row = csv.get_data(as_text=True).splitlines()[:2]
    assert header.startswith("training,given_on")
    assert row.startswith("'=Active listening,2026-10-20")  # typed text never runs as a formula
    assert ",improved," in row and "Dan" not in row and re.search(r"AG-\w+", row.split(",improved,")[1])


def test_the_planner_rechecks_trained_agents_at_the_maximum_and_says_so(app, build, login):
    tenant = sla.sla_tenant(build)
    trained, other = build.agent(tenant), build.agent(tenant)
    ids = {}
    for agent in (trained, other):
        ids[agent.id] = sla.add_calls(tenant, agent, [(600, None)] * 13)
    refund = ids[trained.id][-3:]
    with tenant_scope(tenant.id):
        db.session.execute(update(Call).where(Call.id.in_(refund)).values(topic="refund"))
        save_policy(tenant.id, Policy(minimum=2, target=4, maximum=6, short_share=0), sla.WEEK, None)
        db.session.add(Training(tenant_id=tenant.id, title="Refunds", criterion_keys=[], topic="refund",
                                given_on=date(2026, 11, 10), trainees=[Trainee(tenant_id=tenant.id, agent_id=trained.id)]))
        db.session.commit()
        for _ in range(2):  # a second run adds nothing: the maximum holds
            planner.plan_week(tenant.id, sla.WEEK, sla.at(tenant, day=7))
        planned = dict(db.session.execute(select(Call.agent_id, func.count())
                                          .join(Assignment, Assignment.call_id == Call.id)
                                          .group_by(Call.agent_id)).tuples().all())
        taken = set(db.session.scalars(select(Assignment.call_id)))
    assert planned == {trained.id: 6, other.id: 4}  # the maximum for the trained agent, the target for the other
    assert set(refund) <= taken  # the trained topic's calls first

    for who, path in ((build.admin(), f"/sla/{tenant.slug}/{sla.WEEK}"),
                      (build.manager(tenant), f"/t/{tenant.slug}/sla/?week={sla.WEEK}")):
        page = login(who).get(path).get_data(as_text=True)
        assert "Re-checks after trainings" in page and "Refunds" in page and "calls on “refund” first" in page


def test_an_agent_of_the_lowest_band_goes_off_customers_and_back_with_history(build, login):
    tenant = build.tenant(timezone="UTC")
    grader = build.user("grader", certify=[tenant])
    card = report_data.scorecard(tenant)
    weak, fine = build.agent(tenant, display_name="Weak"), build.agent(tenant, display_name="Fine")
    for i in range(3):
        report_data.evaluate(build, tenant, weak, grader, card, [NONE, NONE, HALF], training_data.day(11, 2 + i))
        report_data.evaluate(build, tenant, fine, grader, card, [FULL, FULL, FULL], training_data.day(11, 2 + i))
    client = login(build.manager(tenant))
    base = f"/t/{tenant.slug}/trainings"
    page = client.get(f"{base}/recertification?period=2026-11").get_data(as_text=True)
    assert 'data-lowest="%s"' % weak.code in page and 'data-lowest="%s"' % fine.code not in page

    refused = client.post(f"{base}/agents/{fine.id}/status", data={"status": "off_customers", "period": "2026-11",
                                                                   "reason": "Just because"}, follow_redirects=True)
    assert "only the lowest band is taken off customers" in refused.get_data(as_text=True)
    client.post(f"{base}/agents/{weak.id}/status", data={"status": "off_customers", "period": "2026-11",
                                                         "reason": "Average 28.6 in November"})
    off = client.get(f"{base}/recertification?period=2026-11").get_data(as_text=True)
    assert 'data-off="%s"' % weak.code in off
    client.post(f"{base}/agents/{weak.id}/status", data={"status": "on_customers", "period": "2026-11",
                                                         "reason": "Passed re-certification"})
    with tenant_scope(tenant.id):
        history = db.session.execute(select(AgentStatus.status, AgentStatus.band).order_by(AgentStatus.id)).all()
    assert [tuple(h) for h in history] == [("off_customers", "re-certify"), ("on_customers", None)]
    final = client.get(f"{base}/recertification?period=2026-11").get_data(as_text=True)
    assert "No agent is off customers." in final and "Passed re-certification" in final
