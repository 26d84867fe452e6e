"""Known evaluations for the dashboard and quality-file tests, written straight through the models.

Each evaluation gets its own call, an assignment of the given reason and its criterion rows;
its total, pass and band follow the scoring rules (100 x earned / possible of the applicable
criteria, pass mark 76, the default bands), so the stored rows look like the grading form's,
and `evaluation_scored` is sent as a submission sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment, Evaluation, EvaluationCriterion
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.scorecards import versions
from vendor_qa.scorecards.scoring import DEFAULT_BANDS, DEFAULT_PASS_MARK, band_for
from vendor_qa.tenants.scoping import all_tenants, tenant_scope

CRITERIA = [
    ("Greets the customer", "courtesy", Decimal(5)),
    ("Listens without interrupting", "listening", Decimal(10)),
    ("Solves the problem", "problem solving", Decimal(20)),
]


@dataclass(frozen=True)
class Card:
    version_id: int
    criteria: list[tuple[int, str, Decimal]]  # (criterion id, key, weight)


def scorecard(tenant) -> Card:
    with tenant_scope(tenant.id):
        version = versions.create_scorecard(tenant.id, "Inbound", ["phone", "chat", "email"])
        section = versions.add_section(version, "Call")
        for text, ability, weight in CRITERIA:
            versions.add_criterion(section, {"text": text, "kind": "graded", "weight": weight, "allow_na": True,
                                             "ability": ability})
        versions.publish(version, None)
        db.session.commit()
        return Card(version.id, [(c.id, c.key, c.weight) for c in version.criteria])


def evaluate(build, tenant, agent, grader, card: Card, credits: list[Decimal | None], submitted_at: datetime,
             reason: str = "sample", auto_failed: bool = False, channel: str = "phone", topic: str = "billing",
             rating: int | None = 4) -> int:
    """An evaluation whose criteria earned these shares of their weight (None: N/A); its id."""
    call = build.call(agent, started_at=submitted_at - timedelta(hours=2), channel=channel, topic=topic,
                      customer_rating=rating)
    with tenant_scope(tenant.id):
        assignment = Assignment(tenant_id=tenant.id, call_id=call.id, scorecard_version_id=card.version_id,
                                reason=reason, priority=10, week=f"{submitted_at:%G-W%V}", due_at=submitted_at,
                                status="submitted", grader_id=grader.id, assigned_at=submitted_at,
                                submitted_at=submitted_at)
        rows = [EvaluationCriterion(tenant_id=tenant.id, criterion_id=cid, criterion_key=key,
                                    answer="na" if credit is None else str(credit), applicable=credit is not None,
                                    earned=Decimal(0) if credit is None else weight * credit,
                                    possible=Decimal(0) if credit is None else weight)
                for (cid, key, weight), credit in zip(card.criteria, credits)]
        possible = sum(r.possible for r in rows)
        total = Decimal(0) if auto_failed else (100 * sum(r.earned for r in rows) / possible).quantize(Decimal("0.0001"))
        evaluation = Evaluation(tenant_id=tenant.id, assignment=assignment, call_id=call.id, agent_id=agent.id,
                                scorecard_version_id=card.version_id, grader_id=grader.id, status="submitted",
                                total=total, passed=total >= DEFAULT_PASS_MARK, auto_failed=auto_failed,
                                band=band_for(total, DEFAULT_BANDS).name, submitted_at=submitted_at,
                                feedback_good=f"Good call {call.external_id}", feedback_improve="Slow down.",
                                criteria=rows)
        db.session.add_all([assignment, evaluation])
        db.session.flush()
        evaluation_scored.send(evaluation)  # as a submission does: the report rollups follow
        db.session.commit()
        return evaluation.id


@dataclass(frozen=True)
class Raw:
    """One stored evaluation as the tests read it back, bypassing the report code."""

    id: int
    tenant_id: int
    agent_id: int
    reason: str
    submitted_at: datetime
    total: Decimal
    passed: bool
    auto_failed: bool
    channel: str
    topic: str | None
    rating: int | None
    criteria: list[tuple[str, bool, Decimal, Decimal]]  # (key, applicable, earned, possible)


def raw_evaluations() -> list[Raw]:
    from vendor_qa.calls.models import Call

    with all_tenants("tests recompute the reports from the raw rows"):
        db.session.expire_all()
        found = []
        for e, reason, channel, topic, rating in db.session.execute(
                select(Evaluation, Assignment.reason, Call.channel, Call.topic, Call.customer_rating)
                .join(Assignment, Assignment.id == Evaluation.assignment_id).join(Call, Call.id == Evaluation.call_id)):
            found.append(Raw(e.id, e.tenant_id, e.agent_id, reason, e.submitted_at, Decimal(e.total), e.passed,
                             e.auto_failed, channel, topic, rating,
                             [(c.criterion_key, c.applicable, Decimal(c.earned), Decimal(c.possible))
                              for c in e.criteria]))
        return found


OSLO = "Europe/Oslo"
FULL, HALF, NONE, NA = Decimal(1), Decimal("0.5"), Decimal(0), None


def oslo(*parts) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*parts, tzinfo=ZoneInfo(OSLO))


@dataclass
class October:
    """A tenant with four agents in two teams (one without), evaluated in September and October 2026.

    By design, in October: "Greets" is lost by one agent of four (individual at the default 30%),
    "Listens" and "Solves" by two of four (systemic). A calibration evaluation, a November one
    and another tenant's evaluation must not count.
    """

    tenant: object
    other: object
    teams: dict[str, object]
    agents: dict[str, object]
    grader: object
    card: Card
    tenant_manager: object


def october(build) -> October:
    tenant = build.tenant(timezone=OSLO)
    other = build.tenant(timezone=OSLO)
    grader = build.user("grader", certify=[tenant, other], name="Gerda Graderson", email="gerda.secret@vendor.example")
    teams = {"T1": build.team(tenant, "Red team"), "T2": build.team(tenant, "Blue team")}
    agents = {
        "A1": build.agent(tenant, team=teams["T1"], display_name="Alma Ask"),
        "A2": build.agent(tenant, team=teams["T1"], display_name="Bo Berg"),
        "A3": build.agent(tenant, team=teams["T2"], display_name="Cai Dahl"),
        "A4": build.agent(tenant, display_name="Dina Eik"),
    }
    card = scorecard(tenant)
    a = agents

    def ev(agent, credits, when, **kw):
        return evaluate(build, tenant, agent, grader, card, credits, when, **kw)

    # October (Oslo): the first one is still 30 September in UTC.
    ev(a["A1"], [FULL, FULL, FULL], oslo(2026, 10, 1, 0, 30), rating=5)
    ev(a["A1"], [FULL, HALF, FULL], oslo(2026, 10, 5, 10), rating=4)
    ev(a["A1"], [FULL, FULL, NONE], oslo(2026, 10, 12, 10), auto_failed=True, rating=1, topic="refund")
    ev(a["A2"], [NONE, FULL, FULL], oslo(2026, 10, 3, 9), rating=3)
    ev(a["A2"], [NONE, FULL, FULL], oslo(2026, 10, 20, 9), channel="chat", topic="refund", rating=None)
    ev(a["A2"], [FULL, NA, FULL], oslo(2026, 10, 28, 9), rating=4)
    ev(a["A3"], [FULL, NONE, FULL], oslo(2026, 10, 8, 14), rating=2)
    ev(a["A3"], [FULL, NONE, HALF], oslo(2026, 10, 15, 14), channel="chat", rating=3)
    ev(a["A4"], [FULL, FULL, FULL], oslo(2026, 10, 31, 23, 30), rating=5)  # after the DST change: UTC+1
    # September: the previous period (the second is 30 September 23:30 in Oslo, 21:30 UTC).
    ev(a["A1"], [FULL, NONE, FULL], oslo(2026, 9, 10, 10))
    ev(a["A2"], [FULL, FULL, FULL], oslo(2026, 9, 30, 23, 30))
    ev(a["A3"], [NONE, NONE, FULL], oslo(2026, 9, 15, 10))
    # Never in October's figures.
    ev(a["A4"], [NONE, NONE, NONE], oslo(2026, 11, 1, 0, 30))
    ev(a["A1"], [NONE, NONE, NONE], oslo(2026, 10, 10, 10), reason="calibration")
    stranger = build.agent(other, display_name="Xena Outsider")
    evaluate(build, other, stranger, grader, scorecard(other), [NONE, NONE, NONE], oslo(2026, 10, 10, 10))
    return October(tenant, other, teams, agents, grader, card, build.manager(tenant))
