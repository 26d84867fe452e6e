"""Test data for the grading form, the evaluations pages, anonymity and the evaluations API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from vendor_qa import clock, periods
from vendor_qa.auth import pseudonyms
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import Assignment, Evaluation
from vendor_qa.reports import aggregates
from vendor_qa.scorecards import versions
from vendor_qa.sla import tracker
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

CRITERIA = {
    "Opening": [
        dict(text="Greets the customer", kind="binary", weight=Decimal(5),
             guidance_full="Says hello and their name", guidance_zero="No greeting at all"),
        dict(text="Asks for the customer's name", kind="graded", weight=Decimal(10), allow_na=True,
             guidance_full="Asks and uses it", guidance_partial="Asks but never uses it",
             guidance_zero="Never asks"),
    ],
    "Resolution": [
        dict(text="Solves the problem", kind="binary", weight=Decimal(20), critical="call"),
        dict(text="Explains the next steps", kind="scale", weight=Decimal(5), scale_max=4),
    ],
}


@dataclass(frozen=True)
class Card:
    version_id: int
    keys: dict[str, str]  # criterion text -> key
    sections: dict[str, int]  # section title -> id

    def key(self, start: str) -> str:
        return next(k for text, k in self.keys.items() if text.startswith(start))

    def answers(self, greet="yes", name="full", solves="yes", steps="4") -> dict[str, str]:
        """The answer fields of the form (None leaves a criterion unanswered)."""
        given = {"Greets": greet, "Asks": name, "Solves": solves, "Explains": steps}
        return {"a-" + self.key(word): value for word, value in given.items() if value is not None}

    def comment(self, start: str, text: str) -> dict[str, str]:
        return {"c-" + self.key(start): text}


def full_marks(card: Card) -> dict[str, str]:
    return {**card.answers(), "feedback_good": "Warm greeting and a clear fix.", "feedback_improve": "Keep it up."}


def strict(card: Card) -> dict[str, str]:
    """A harsher grader: partial name, 2 of 4 on next steps (with the comments lost points need)."""
    return {**card.answers(name="partial", steps="2"), **card.comment("Asks", "Never used it"),
            **card.comment("Explains", "Vague"), "feedback_good": "Polite.", "feedback_improve": "Be clearer."}


def grade(login, grader, assignment_id: int, form: dict[str, str]):
    """The grader opens the assignment and submits the form through the web, as in the browser."""
    client = login(grader)
    client.get(f"/grading/assignments/{assignment_id}")
    response = client.post(f"/grading/assignments/{assignment_id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def scorecard(tenant: Tenant, name: str = "Inbound calls") -> Card:
    """A published version 1 with two sections and four criteria of every kind (one critical)."""
    with tenant_scope(tenant.id):
        version = versions.create_scorecard(tenant.id, name, ["phone", "chat", "email"])
        sections = {}
        for title, criteria in CRITERIA.items():
            section = versions.add_section(version, title)
            sections[title] = section.id
            for values in criteria:
                versions.add_criterion(section, values)
        versions.publish(version, None)
        db.session.commit()
        return Card(version.id, {c.text: c.key for c in version.criteria}, sections)


def held_assignment(tenant: Tenant, call, grader, card: Card, due_at: datetime | None = None,
                    status: str = "assigned", reason: str = "sample") -> int:
    """An assignment of `call` held by `grader`, in the SLA week of the call; its id."""
    with tenant_scope(tenant.id):
        row = Assignment(tenant_id=tenant.id, call_id=call.id, scorecard_version_id=card.version_id, reason=reason,
                         priority=10, week=periods.week_of(call.started_at, tenant.timezone), due_at=due_at or clock.now() + timedelta(days=2), status=status,
                         grader_id=grader.id, assigned_at=clock.now())
        db.session.add(row)
        db.session.commit()
        return row.id


def submitted_evaluation(tenant: Tenant, call, grader, card: Card, form: dict[str, str] | None = None,
                         opened_minutes_ago: int = 5, submitted_at: datetime | None = None) -> int:
    """An evaluation submitted through the grading form's own code; its id."""
    assignment_id = held_assignment(tenant, call, grader, card)
    now = submitted_at or clock.now()
    with tenant_scope(tenant.id):
        assignment = db.session.get(Assignment, assignment_id)
        evaluations.open_form(assignment, now=now - timedelta(minutes=opened_minutes_ago))
        checked = evaluations.submit(assignment, form or full_marks(card), tenant, now=now)
        assert checked.ok, checked.errors
        return assignment.evaluation.id


def pseudonym(tenant: Tenant, grader) -> str:
    """What the tenant's people see of the grader."""
    with tenant_scope(tenant.id):
        return pseudonyms.for_tenant(tenant.id, [grader.id])[grader.id]


def evaluation(evaluation_id: int) -> Evaluation:
    with all_tenants("test inspection"):
        db.session.expire_all()
        return db.session.scalar(select(Evaluation).where(Evaluation.id == evaluation_id))


def client_figures(tenant: Tenant, agent_id: int) -> tuple:
    """What the client and the SLA see of the tenant now: the month's scores and problem areas,
    the agent's evaluations, the week's SLA counts. Work that must not count leaves them alone."""
    period = periods.current_month(tenant.zone)
    week = periods.week_of(clock.now(), tenant.timezone)
    with tenant_scope(tenant.id):
        db.session.expire_all()
        return (aggregates.overview(tenant, period).scores,
                aggregates.criteria_problems(tenant, period),
                db.session.scalar(select(func.count()).select_from(
                    aggregates.agent_evaluations_statement(tenant, agent_id).subquery())),
                [(r.assigned, r.completed, r.overdue) for r in tracker.live_rows(tenant, week, clock.now())])
