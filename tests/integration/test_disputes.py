"""Disputes: raising within the window, the review (accept, partly accept, reject), the corrected
evaluation and its kept history, the figures and reports after a correction, anonymity, the
aged-dispute alert and the audit trail."""

from __future__ import annotations

import csv
import email
import gzip
import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.integration import grading_helpers as gh
from vendor_qa import clock, periods
from vendor_qa.audit.models import AuditEvent
from vendor_qa.auth.models import Role
from vendor_qa.disputes import jobs, rules, service
from vendor_qa.disputes.models import Dispute, DisputeItem, EvaluationRevision
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation, EvaluationCriterion
from vendor_qa.reports import aggregates
from vendor_qa.reports import jobs as report_jobs
from vendor_qa.reports.models import Report
from vendor_qa.scorecards.scoring import display
from vendor_qa.sla.models import SlaAlert
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

GRADER_NAME, GRADER_EMAIL = "Greta Gradewell", "greta.gradewell@vendor.example"
ADMIN_NAME = "Ada Adminsson"
# Greets (binary, 5 points) "no" and Explains (scale of 4, 5 points) "2": 0 + 10 + 20 + 2.5 of 40.
SUBMITTED_TOTAL = Decimal("81.25")


class World:
    def __init__(self, build, submitted_at=None):
        self.tenant = build.tenant(timezone="Europe/Oslo")
        self.card = gh.scorecard(self.tenant)
        self.agent = build.agent(self.tenant, display_name="Ola Agent")
        self.grader = build.user(Role.GRADER, certify=[self.tenant], name=GRADER_NAME, email=GRADER_EMAIL)
        self.manager = build.manager(self.tenant)
        self.admin = build.user(Role.VENDOR_ADMIN, name=ADMIN_NAME)
        self.build = build
        self.evaluation_id = self.evaluate(submitted_at)

    def evaluate(self, submitted_at=None) -> int:
        form = {**gh.full_marks(self.card), **self.card.answers(greet="no", steps="2"),
                **self.card.comment("Greets", "No greeting heard."), **self.card.comment("Explains", "Vague.")}
        return gh.submitted_evaluation(self.tenant, self.build.call(self.agent), self.grader, self.card, form,
                                       submitted_at=submitted_at)

    def base(self) -> str:
        return f"/t/{self.tenant.slug}/disputes"

    def reason(self, start: str) -> str:
        return rules.REASON_PREFIX + self.card.key(start)

    def proposed(self, start: str) -> str:
        return rules.PROPOSED_PREFIX + self.card.key(start)

    def evaluation(self, evaluation_id=None) -> Evaluation:
        return gh.evaluation(evaluation_id or self.evaluation_id)

    def disputes(self) -> list[Dispute]:
        with all_tenants("test inspection"):
            db.session.expire_all()
            return list(db.session.scalars(select(Dispute).where(Dispute.tenant_id == self.tenant.id)
                                           .order_by(Dispute.id)))

    def items(self, dispute_id: int) -> dict[str, DisputeItem]:
        with all_tenants("test inspection"):
            found = db.session.scalars(select(DisputeItem).where(DisputeItem.dispute_id == dispute_id))
            return {next(t for t, k in self.card.keys.items() if k == i.criterion_key): i for i in found}

    def revisions(self) -> list[EvaluationRevision]:
        with all_tenants("test inspection"):
            db.session.expire_all()
            return list(db.session.scalars(select(EvaluationRevision).where(
                EvaluationRevision.evaluation_id == self.evaluation_id)))

    def audit(self) -> list[AuditEvent]:
        with all_tenants("test inspection"):
            return list(db.session.scalars(select(AuditEvent).where(AuditEvent.tenant_id == self.tenant.id)
                                           .order_by(AuditEvent.id)))

    def raise_both(self, client, evaluation_id=None):
        """The client manager disputes Greets (proposing yes) and Explains (proposing 4)."""
        return client.post(f"{self.base()}/new/{evaluation_id or self.evaluation_id}", data={
            self.reason("Greets"): "She greets at 00:03 in the recording.", self.proposed("Greets"): "yes",
            self.reason("Explains"): "Every next step was explained.", self.proposed("Explains"): "4",
        })

    def decide(self, client, dispute_id: int, **data):
        return client.post(f"{self.base()}/{dispute_id}/review", data=data)

    def item_ids(self, dispute_id: int) -> dict[str, int]:
        return {text: item.id for text, item in self.items(dispute_id).items()}


@pytest.fixture
def world(build):
    return World(build)


def _raised(world, login) -> int:
    response = world.raise_both(login(world.manager))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return world.disputes()[-1].id


# ---- raising -------------------------------------------------------------------------------

def test_a_client_manager_raises_a_dispute_from_the_evaluation_page(world, login):
    client = login(world.manager)
    page = client.get(f"/t/{world.tenant.slug}/evaluations/{world.evaluation_id}").get_data(as_text=True)
    form_url = f"{world.base()}/new/{world.evaluation_id}"
    assert "Dispute this evaluation" in page and form_url in page

    response = world.raise_both(client)

    dispute = world.disputes()[0]
    assert response.headers["Location"].endswith(f"{world.base()}/{dispute.id}")
    assert (dispute.status, dispute.revision, dispute.raised_by_id) == ("open", 1, world.manager.id)
    items = world.items(dispute.id)
    assert {t: (i.disputed_answer, i.proposed_answer) for t, i in items.items()} == {
        "Greets the customer": ("no", "yes"), "Explains the next steps": ("2", "4")}
    page = client.get(f"/t/{world.tenant.slug}/evaluations/{world.evaluation_id}").get_data(as_text=True)
    assert f"Dispute <a href=\"{world.base()}/{dispute.id}\">#{dispute.id}</a> is open" in page
    assert "Dispute this evaluation" not in page


@pytest.mark.parametrize("fields, field, message", [
    ({}, "form", rules.NOTHING_PICKED),
    ({"p-Greets": "yes"}, "r-Greets", rules.REASON_MISSING),
    ({"r-Greets": "Heard it.", "p-Greets": "maybe"}, "p-Greets", 'Choose "yes" or "no".'),
    ({"r-Explains": "Clear.", "p-Explains": "7"}, "p-Explains", "Choose a whole number from 0 to 4."),
    ({"r-Greets": "Heard it.", "p-Greets": "no"}, "p-Greets", rules.SAME_ANSWER),
    ({"r-Greets": "x" * (rules.MAX_REASON + 1)}, "r-Greets", "Keep the reason under 2,000 characters."),
])
def test_a_wrong_dispute_form_says_what_is_wrong_and_saves_nothing(world, login, fields, field, message):
    def named(name: str) -> str:
        prefix, word = name.split("-", 1)
        return f"{prefix}-{world.card.key(word)}"

    response = login(world.manager).post(f"{world.base()}/new/{world.evaluation_id}",
                                         data={named(k): v for k, v in fields.items()})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message.replace('"', "&#34;") in html or message in html
    if field != "form":
        assert f'name="{named(field)}"' in html
    assert world.disputes() == []
    assert world.audit() == []


def test_the_window_closes_after_the_tenants_days(build, login):
    world = World(build, submitted_at=clock.now() - timedelta(days=8))
    client = login(world.manager)

    assert client.get(f"{world.base()}/new/{world.evaluation_id}").status_code == 409
    response = world.raise_both(client)
    assert response.status_code == 409
    assert "can be disputed for 7 days after submission" in response.get_data(as_text=True)
    assert world.disputes() == []
    page = client.get(f"/t/{world.tenant.slug}/evaluations/{world.evaluation_id}").get_data(as_text=True)
    assert "Dispute this evaluation" not in page and "The dispute window closed on" in page

    with all_tenants("test setup"):
        world.tenant.settings = {**world.tenant.settings, "dispute_window_days": 10}
        db.session.commit()
    assert world.raise_both(client).status_code == 302


def test_the_window_is_inclusive_of_its_last_moment(world):
    evaluation = world.evaluation()
    closes = evaluation.submitted_at + timedelta(days=7)
    with tenant_scope(world.tenant.id):
        assert service.openness(evaluation, world.tenant, closes).allowed
        late = service.openness(evaluation, world.tenant, closes + timedelta(seconds=1))
    assert not late.allowed and late.closes_at == closes


def test_a_second_open_dispute_is_refused_until_the_first_is_decided(world, login):
    first = _raised(world, login)

    response = world.raise_both(login(world.manager))
    assert response.status_code == 409
    assert f"Dispute #{first} of this evaluation is still open" in response.get_data(as_text=True)
    assert len(world.disputes()) == 1

    world.decide(login(world.admin), first, verdict="reject", answer="The recording has no greeting.")
    assert world.raise_both(login(world.manager)).status_code == 302
    assert [d.status for d in world.disputes()] == ["rejected", "open"]


def test_calibration_evaluations_cannot_be_disputed(world, login, build):
    assignment_id = gh.held_assignment(world.tenant, build.call(world.agent), world.grader, world.card,
                                       reason="calibration")
    with tenant_scope(world.tenant.id):
        from vendor_qa.grading import evaluations
        from vendor_qa.grading.models import Assignment

        assignment = db.session.get(Assignment, assignment_id)
        evaluations.open_form(assignment)
        assert evaluations.submit(assignment, gh.full_marks(world.card), world.tenant).ok
        calibration = assignment.evaluation
        with pytest.raises(service.DisputeRefused):
            service.raise_dispute(calibration, {world.reason("Greets"): "no"}, world.manager, world.tenant)

    assert world.raise_both(login(world.manager), calibration.id).status_code == 404
    assert world.disputes() == []


def test_only_client_managers_raise_and_only_vendor_admins_decide(world, login):
    dispute_id = _raised(world, login)
    assert login(world.admin).get(f"{world.base()}/new/{world.evaluation_id}").status_code == 403
    response = world.decide(login(world.manager), dispute_id, verdict="accept", answer="Yes please")
    assert response.status_code == 403
    assert world.disputes()[0].status == "open"


# ---- reviewing -----------------------------------------------------------------------------

def test_accepting_corrects_the_evaluation_and_keeps_the_superseded_revision(world, login):
    dispute_id = _raised(world, login)
    before_rows = world.evaluation().criteria
    assert world.evaluation().total == SUBMITTED_TOTAL

    response = world.decide(login(world.admin), dispute_id, verdict="accept",
                            answer="The greeting is there at 00:03; the steps were all explained.")

    assert response.status_code == 302
    corrected = world.evaluation()
    assert corrected.total == Decimal(100)  # 5 + 10 + 20 + 5 of 40
    assert (corrected.revision, corrected.passed, corrected.band) == (2, True, "good")
    assert corrected.answers[world.card.key("Greets")] == "yes" and corrected.answers[world.card.key("Explains")] == "4"
    assert corrected.submitted_at == gh.evaluation(world.evaluation_id).submitted_at  # stays in its period
    rows = {r.criterion_key: r for r in corrected.criteria}
    assert (rows[world.card.key("Greets")].answer, rows[world.card.key("Greets")].earned) == ("yes", Decimal(5))
    assert rows[world.card.key("Greets")].comment == "No greeting heard."
    with all_tenants("test inspection"):
        assert db.session.scalar(select(func.count()).select_from(EvaluationCriterion).where(
            EvaluationCriterion.evaluation_id == world.evaluation_id)) == 4

    [kept] = world.revisions()
    assert (kept.revision, kept.total, kept.passed, kept.dispute_id) == (1, SUBMITTED_TOTAL, True, dispute_id)
    assert kept.answers[world.card.key("Greets")] == "no"
    assert {c["criterion_key"]: c["answer"] for c in kept.criteria}[world.card.key("Explains")] == "2"
    assert len(before_rows) == len(kept.criteria) == 4

    dispute = world.disputes()[0]
    assert (dispute.status, dispute.reviewer_id) == ("accepted", world.admin.id)
    items = world.items(dispute_id)
    assert {t: (i.decision, i.applied_answer) for t, i in items.items()} == {
        "Greets the customer": ("accepted", "yes"), "Explains the next steps": ("accepted", "4")}


def test_both_sides_see_the_corrected_score_and_the_history(world, login):
    dispute_id = _raised(world, login)
    world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed on both points.")

    for user in (world.manager, world.admin):
        client = login(user)
        page = client.get(f"{world.base()}/{dispute_id}").get_data(as_text=True)
        assert "Accepted" in page and "Agreed on both points." in page
        superseded = re.search(r'<tr data-revision="1" class="superseded">.*?</tr>', page, re.S)[0]
        assert "superseded" in superseded and "81.3" in superseded and f"dispute #{dispute_id}" in superseded
        current = re.search(r'<tr data-revision="2" class="current">.*?</tr>', page, re.S)[0]
        assert "100.0" in current and "Greets the customer: No → <strong>Yes</strong>" in current

        evaluation_page = client.get(f"/t/{world.tenant.slug}/evaluations/{world.evaluation_id}").get_data(as_text=True)
        total = re.search(r'id="evaluation-total">.*?</div>', evaluation_page, re.S)[0]
        assert "100.0" in total
        assert "Corrected after a dispute: this is revision 2" in evaluation_page
        assert 'class="superseded"' in evaluation_page


def test_partly_accepting_applies_the_picked_items_with_the_reviewers_answer(world, login):
    dispute_id = _raised(world, login)
    ids = world.item_ids(dispute_id)

    response = world.decide(login(world.admin), dispute_id, verdict="partly",
                            answer="Three of the four steps were explained; there is no greeting.",
                            **{f"take-{ids['Explains the next steps']}": "y",
                               f"apply-{ids['Explains the next steps']}": "3"})

    assert response.status_code == 302
    corrected = world.evaluation()
    assert corrected.total == Decimal("84.375")  # 0 + 10 + 20 + 3.75 of 40
    assert corrected.answers[world.card.key("Greets")] == "no"
    assert world.disputes()[0].status == "partly_accepted"
    assert {t: (i.decision, i.applied_answer) for t, i in world.items(dispute_id).items()} == {
        "Greets the customer": ("rejected", None), "Explains the next steps": ("accepted", "3")}


def test_rejecting_keeps_the_evaluation_and_gives_the_written_answer(world, login):
    dispute_id = _raised(world, login)

    world.decide(login(world.admin), dispute_id, verdict="reject", answer="No greeting can be heard.")

    evaluation = world.evaluation()
    assert (evaluation.total, evaluation.revision) == (SUBMITTED_TOTAL, 1)
    assert world.revisions() == []
    dispute = world.disputes()[0]
    assert (dispute.status, dispute.answer) == ("rejected", "No greeting can be heard.")
    page = login(world.manager).get(f"{world.base()}/{dispute_id}").get_data(as_text=True)
    assert "No greeting can be heard." in page and "Rejected" in page


@pytest.mark.parametrize("data, field, message", [
    ({"verdict": "accept"}, "answer", rules.ANSWER_MISSING),
    ({"answer": "Fine."}, "verdict", rules.VERDICT_MISSING),
    ({"verdict": "partly", "answer": "Some."}, "form", rules.NONE_TAKEN),
    ({"verdict": "partly", "answer": "Some.", "take-Greets": "y", "apply-Greets": "no"}, "apply-Greets",
     rules.APPLY_UNCHANGED),
    ({"verdict": "partly", "answer": "Some.", "take-Greets": "y", "apply-Greets": "perhaps"}, "apply-Greets",
     'Choose "yes" or "no".'),
])
def test_a_wrong_decision_says_what_is_wrong_and_changes_nothing(world, login, data, field, message):
    dispute_id = _raised(world, login)
    ids = world.item_ids(dispute_id)
    greets = ids["Greets the customer"]

    response = world.decide(login(world.admin), dispute_id,
                            **{k.replace("Greets", str(greets)): v for k, v in data.items()})

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html or message.replace('"', "&#34;") in html
    assert world.disputes()[0].status == "open"
    assert (world.evaluation().total, world.evaluation().revision) == (SUBMITTED_TOTAL, 1)
    assert [e.action for e in world.audit()] == ["dispute.raised"]


def test_accepting_an_item_without_any_answer_asks_for_one(world, login):
    response = login(world.manager).post(f"{world.base()}/new/{world.evaluation_id}",
                                         data={world.reason("Greets"): "She greets."})
    assert response.status_code == 302
    dispute_id = world.disputes()[0].id
    item = world.item_ids(dispute_id)["Greets the customer"]

    refused = world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed.")
    assert refused.status_code == 422 and rules.APPLY_MISSING in refused.get_data(as_text=True)

    world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed.", **{f"apply-{item}": "yes"})
    assert world.evaluation().total == Decimal("93.75")  # 5 + 10 + 20 + 2.5 of 40


def test_a_dispute_is_decided_once(world, login):
    dispute_id = _raised(world, login)
    admin = login(world.admin)
    world.decide(admin, dispute_id, verdict="accept", answer="Agreed.")

    again = world.decide(admin, dispute_id, verdict="reject", answer="Changed my mind.")

    assert again.status_code == 409
    assert world.disputes()[0].status == "accepted"
    assert world.evaluation().revision == 2


# ---- figures after a correction ------------------------------------------------------------

def test_the_agents_dashboard_figure_follows_the_correction(world, login):
    month = periods.current_month(world.tenant.zone)
    url = f"/t/{world.tenant.slug}/dashboard?view=month&month={month.key}"

    def agent_average():
        with tenant_scope(world.tenant.id):
            [row] = [r for r in aggregates.agents_page(world.tenant, month, per_page=50).items
                     if r.agent_id == world.agent.id]
            return row.average

    def agent_row() -> str:
        html = login(world.manager).get(url).get_data(as_text=True)
        return re.search(rf'<tr data-agent="{world.agent.id}">.*?</tr>', html, re.S)[0]

    assert agent_average() == SUBMITTED_TOTAL and display(SUBMITTED_TOTAL) in agent_row()
    dispute_id = _raised(world, login)
    world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed.")

    assert agent_average() == Decimal(100)
    row = agent_row()
    assert display(Decimal(100)) in row and display(SUBMITTED_TOTAL) not in row


def test_a_report_built_after_the_correction_uses_the_corrected_total(world, login):
    other = world.evaluate()  # a second evaluation of the agent, not disputed: 81.25 too
    dispute_id = _raised(world, login)
    world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed.")

    month = periods.current_month(world.tenant.zone)
    report_id = report_jobs.build_report(world.tenant.id, month.key)

    with tenant_scope(world.tenant.id):
        report = db.session.get(Report, report_id)
        figures = report.snapshot["figures"]
        assert figures["evaluations"] == 2
        assert Decimal(figures["average"]) == (Decimal(100) + SUBMITTED_TOTAL) / 2
        rows = list(csv.DictReader(io.StringIO(gzip.decompress(report.evaluations_csv).decode())))
    totals = {int(r["evaluation_id"]): Decimal(r["total"]) for r in rows}
    assert totals == {world.evaluation_id: Decimal(100), other: SUBMITTED_TOTAL}


def test_the_api_gives_the_corrected_evaluation_with_its_revision(world, login, build, client):
    token = build.token(world.tenant)
    dispute_id = _raised(world, login)
    world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed.")

    response = client.get("/api/v1/evaluations", headers={"Authorization": f"Bearer {token}"})
    [item] = [e for e in response.json["evaluations"] if e["id"] == world.evaluation_id]
    assert (item["total"], item["revision"]) == (100.0, 2)


# ---- anonymity ----------------------------------------------------------------------------

def test_client_pages_of_disputes_show_the_grader_by_pseudonym_only(world, login):
    dispute_id = _raised(world, login)
    world.decide(login(world.admin), dispute_id, verdict="partly", answer="Partly.",
                 **{f"take-{world.item_ids(dispute_id)['Greets the customer']}": "y"})
    pseudonym = gh.pseudonym(world.tenant, world.grader)
    second = world.evaluate()

    client = login(world.manager)
    pages = {path: client.get(path) for path in (
        f"{world.base()}/", f"{world.base()}/?status=partly_accepted", f"{world.base()}/{dispute_id}",
        f"{world.base()}/new/{second}", f"/t/{world.tenant.slug}/evaluations/{world.evaluation_id}")}
    for path, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200, path
        for secret in (GRADER_NAME, GRADER_EMAIL, f'data-grader-id="{world.grader.id}"'):
            assert secret not in html, f"{secret} on {path}"
        assert ADMIN_NAME not in html, f"the reviewer's name on {path}"
    assert pseudonym in pages[f"{world.base()}/{dispute_id}"].get_data(as_text=True)
    assert "by the QA vendor" in pages[f"{world.base()}/{dispute_id}"].get_data(as_text=True)
    assert ADMIN_NAME in login(world.admin).get(f"{world.base()}/{dispute_id}").get_data(as_text=True)


# ---- the list ------------------------------------------------------------------------------

def test_the_list_shows_status_and_age_and_filters_by_status(world, login):
    decided = _raised(world, login)
    world.decide(login(world.admin), decided, verdict="reject", answer="No.")
    second = world.evaluate()
    with tenant_scope(world.tenant.id):
        opened, _ = service.raise_dispute(world.evaluation(second), {world.reason("Greets"): "Heard it."},
                                          world.manager, world.tenant, now=clock.now() - timedelta(days=4))
    client = login(world.manager)

    html = client.get(f"{world.base()}/").get_data(as_text=True)
    old = re.search(rf'<tr data-dispute="{opened.id}">.*?</tr>', html, re.S)[0]
    assert "4 d" in old and "overdue" in old and "Open" in old and "Ola Agent" in old
    assert "Rejected" in re.search(rf'<tr data-dispute="{decided}">.*?</tr>', html, re.S)[0]

    only_open = client.get(f"{world.base()}/?status=open").get_data(as_text=True)
    assert f'data-dispute="{opened.id}"' in only_open and f'data-dispute="{decided}"' not in only_open
    fragment = client.get(f"{world.base()}/?status=rejected", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True) and f'data-dispute="{decided}"' in fragment.get_data(as_text=True)
    ignored = client.get(f"{world.base()}/?status=bogus")
    assert ignored.status_code == 200 and "These filters were ignored" in ignored.get_data(as_text=True)


# ---- the aged-dispute alert ----------------------------------------------------------------

def _alert_mails(app, tenant_name: str) -> list:
    found = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in Path(app.config["OUTBOX_DIR"]).glob("*.eml")]
    return [m for m in found if m["Subject"] == f"[vendor_qa] {tenant_name}: disputes open too long"]


def test_disputes_open_too_long_alert_the_vendor_admins_once_a_day(app, build):
    world = World(build, submitted_at=clock.now() - timedelta(days=5))
    tenant_id, name, slug, zone = world.tenant.id, world.tenant.name, world.tenant.slug, world.tenant.zone
    admin_email = world.admin.email
    noon = datetime.combine(clock.now().astimezone(zone).date(), time(12), tzinfo=zone)  # far from local midnight
    with tenant_scope(tenant_id):
        service.raise_dispute(world.evaluation(), {world.reason("Greets"): "Heard it."}, world.manager, world.tenant,
                              now=noon - timedelta(days=2))
    assert "no dispute open longer than 3 days" in jobs.alert_overdue_disputes(tenant_id, noon.isoformat())

    later = noon + timedelta(days=1, hours=1)  # the dispute is three days and an hour old
    jobs.alert_overdue_disputes(tenant_id, later.isoformat())
    jobs.alert_overdue_disputes(tenant_id, (later + timedelta(minutes=30)).isoformat())

    with all_tenants("test inspection"):
        alerts = list(db.session.scalars(select(SlaAlert).where(SlaAlert.tenant_id == tenant_id)))
    assert [(a.kind, a.day) for a in alerts] == [("disputes_overdue", later.date())]
    assert "1 dispute(s) open longer than 3 days" in alerts[0].message
    [mail] = _alert_mails(app, name)
    assert admin_email in mail["To"]
    assert f"/t/{slug}/disputes/?status=open" in mail.get_content()

    jobs.alert_overdue_disputes(tenant_id, (later + timedelta(days=1)).isoformat())
    assert len(_alert_mails(app, name)) == 2


def test_a_decided_dispute_raises_no_alert(app, build, login):
    world = World(build, submitted_at=clock.now() - timedelta(days=5))
    name = world.tenant.name
    with tenant_scope(world.tenant.id):
        found, _ = service.raise_dispute(world.evaluation(), {world.reason("Greets"): "Heard it."}, world.manager,
                                         world.tenant, now=clock.now() - timedelta(days=4))
    world.decide(login(world.admin), found.id, verdict="reject", answer="No.")

    assert "no dispute" in jobs.alert_overdue_disputes(world.tenant.id, clock.now().isoformat())
    assert _alert_mails(app, name) == []


def test_the_alert_is_a_scheduled_job_and_a_command(build, runner):
    from vendor_qa.jobs import CRON_JOBS

    assert ("dispatch_dispute_alerts", "20 * * * *") in {(f.__name__, e) for f, e, _, _ in CRON_JOBS}
    world = World(build, submitted_at=clock.now() - timedelta(days=6))
    with tenant_scope(world.tenant.id):
        service.raise_dispute(world.evaluation(), {world.reason("Greets"): "Heard it."}, world.manager, world.tenant,
                              now=clock.now() - timedelta(days=5))

    result = runner.invoke(args=["disputes", "alert", "--tenant", world.tenant.slug])

    assert result.exit_code == 0, result.output
    assert f"{world.tenant.slug}: 1 dispute(s) overdue" in result.output


# ---- the audit trail and settings ----------------------------------------------------------

def test_raising_and_reviewing_are_in_the_audit_trail(world, login):
    dispute_id = _raised(world, login)
    world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed.")

    raised, reviewed = world.audit()
    assert (raised.action, raised.subject_id, raised.actor_id) == ("dispute.raised", dispute_id, world.manager.id)
    assert [i["criterion"] for i in raised.after["items"]] == [world.card.key("Greets"), world.card.key("Explains")]
    assert (reviewed.action, reviewed.actor_id) == ("dispute.reviewed", world.admin.id)
    assert Decimal(reviewed.before["total"]) == SUBMITTED_TOTAL and Decimal(reviewed.after["total"]) == 100
    assert (reviewed.before["revision"], reviewed.after["revision"]) == (1, 2)
    assert reviewed.before["answers"][world.card.key("Greets")] == "no"
    assert reviewed.after["answers"][world.card.key("Greets")] == "yes"
    assert reviewed.after["status"] == "accepted"

    page = login(world.admin).get(f"/t/{world.tenant.slug}/audit/").get_data(as_text=True)
    assert "dispute.reviewed" in page and f'href="{world.base()}/{dispute_id}"' in page


def test_vendor_admins_set_the_window_and_the_alert_age(world, login):
    client = login(world.admin)
    url = f"/admin/tenants/{world.tenant.id}/edit"
    refused = client.post(url, data={"name": "X", "timezone": "UTC", "dispute_window_days": "0"})
    assert refused.status_code == 422 and "between 1 and 90" in refused.get_data(as_text=True)

    client.post(url, data={"name": "X", "timezone": "UTC", "active": "y", "dispute_window_days": "14",
                           "dispute_alert_days": "2"})

    with all_tenants("test inspection"):
        db.session.expire_all()
        from vendor_qa.tenants.models import Tenant

        saved = db.session.get(Tenant, world.tenant.id)
        assert (saved.setting("dispute_window_days"), saved.setting("dispute_alert_days")) == (14, 2)


def test_a_correction_that_leaves_nothing_to_score_is_refused(build, login):
    from vendor_qa.scorecards import versions

    world = World(build)
    with tenant_scope(world.tenant.id):
        version = versions.create_scorecard(world.tenant.id, "One question", ["phone"])
        versions.add_criterion(versions.add_section(version, "Only"), {
            "text": "Offers a survey", "kind": "binary", "weight": Decimal(1), "allow_na": True})
        versions.publish(version, None)
        db.session.commit()
        key = version.criteria[0].key
        card = gh.Card(version.id, {"Offers a survey": key}, {})
    evaluation_id = gh.submitted_evaluation(world.tenant, build.call(world.agent), world.grader, card, {
        "a-" + key: "yes", "feedback_good": "Fine.", "feedback_improve": "Nothing."})
    client = login(world.manager)
    client.post(f"{world.base()}/new/{evaluation_id}", data={"r-" + key: "Not applicable here.", "p-" + key: "na"})
    dispute_id = world.disputes()[0].id

    response = world.decide(login(world.admin), dispute_id, verdict="accept", answer="Agreed.")

    assert response.status_code == 422
    assert "the call would have no score" in response.get_data(as_text=True)
    assert world.disputes()[0].status == "open" and world.evaluation(evaluation_id).total == Decimal(100)
