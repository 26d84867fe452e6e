"""Set-based reads of submitted evaluations: the client's list and page, the agent page, the grader's page.

Client-facing reads never load a grader's User row: they take the tenant's pseudonym for the
grader alone (vendor_qa.auth.pseudonyms), so a name, e-mail, id or another tenant's pseudonym
cannot reach a client template by accident.
Paginated statements filter by tenant explicitly, as vendor_qa.calls.queries explains.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Select, case, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from vendor_qa.auth import pseudonyms
from vendor_qa.calls.models import Agent, Call
from vendor_qa.extensions import db
from vendor_qa.grading.evidence import Quote
from vendor_qa.grading.models import ACTIVE_STATUSES, UNCOUNTED_REASONS, Assignment, Evaluation, EvaluationCriterion
from vendor_qa.scorecards.models import ScorecardVersion
from vendor_qa.scorecards.versions import get_version
from vendor_qa.tenants.scoping import current_tenant_id

SUBMITTED = Evaluation.status == "submitted"
# Calibration (and other grader checks) is the vendor checking its graders, not a measurement of
# the client's agents: client pages never list or show them (vendor admins compare them).
COUNTED = ~exists().where(Assignment.id == Evaluation.assignment_id, Assignment.reason.in_(UNCOUNTED_REASONS))
DUE_SOON = timedelta(hours=24)


def _with_call_and_version(stmt: Select) -> Select:
    return stmt.options(
        joinedload(Evaluation.call).joinedload(Call.agent),
        joinedload(Evaluation.scorecard_version).joinedload(ScorecardVersion.scorecard),
    )


# ---- the client's list -----------------------------------------------------------------------

@dataclass(frozen=True)
class EvaluationFilter:
    agent_id: int | None = None
    team_id: int | None = None
    band: str | None = None
    auto_failed: bool | None = None
    since: datetime | None = None  # UTC, inclusive
    until: datetime | None = None  # UTC, exclusive

    @property
    def narrows(self) -> bool:
        return any(v is not None for v in vars(self).values())


def client_statement(f: EvaluationFilter) -> Select:
    """The tenant's submitted evaluations, newest first."""
    stmt = _with_call_and_version(select(Evaluation).where(Evaluation.tenant_id == current_tenant_id(), SUBMITTED,
                                                       COUNTED))
    if f.agent_id is not None:
        stmt = stmt.where(Evaluation.agent_id == f.agent_id)
    if f.team_id is not None:
        stmt = stmt.where(Evaluation.agent_id.in_(
            select(Agent.id).where(Agent.tenant_id == current_tenant_id(), Agent.team_id == f.team_id)))
    if f.band is not None:
        stmt = stmt.where(Evaluation.band == f.band)
    if f.auto_failed is not None:
        stmt = stmt.where(Evaluation.auto_failed.is_(f.auto_failed))
    if f.since is not None:
        stmt = stmt.where(Evaluation.submitted_at >= f.since)
    if f.until is not None:
        stmt = stmt.where(Evaluation.submitted_at < f.until)
    return stmt.order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc())


def agent_evaluations(agent_id: int, limit: int) -> list[Evaluation]:
    """The agent's latest submitted evaluations (the agent page links to the full list)."""
    return list(db.session.scalars(client_statement(EvaluationFilter(agent_id=agent_id)).limit(limit)))


# ---- one evaluation --------------------------------------------------------------------------

@dataclass(frozen=True)
class Detail:
    evaluation: Evaluation
    version: ScorecardVersion  # with sections and criteria, to show every criterion in order
    rows: dict[int, EvaluationCriterion]  # by criterion id
    pseudonym: str

    def section_score(self, section_id: int) -> Decimal | None:
        stored = (self.evaluation.section_scores or {}).get(str(section_id))
        return None if stored is None else Decimal(stored)

    def quotes(self, criterion_key: str) -> tuple[Quote, ...]:
        """The evidence the grader quoted for a criterion: masked transcript lines, or times."""
        return tuple(Quote.from_json(q) for q in (self.evaluation.evidence or {}).get(criterion_key, ()))


def detail(evaluation: Evaluation) -> Detail:
    version = get_version(evaluation.scorecard_version_id)
    rows = {r.criterion_id: r for r in evaluation.criteria}
    pseudonym = pseudonyms.for_tenant(evaluation.tenant_id, [evaluation.grader_id])[evaluation.grader_id]
    return Detail(evaluation, version, rows, pseudonym)


def submitted_detail(evaluation_id: int) -> Detail | None:
    evaluation = db.session.scalar(
        _with_call_and_version(select(Evaluation)).options(selectinload(Evaluation.criteria))
        .where(Evaluation.id == evaluation_id, SUBMITTED, COUNTED)
    )
    return detail(evaluation) if evaluation else None


# ---- the grader's own page -------------------------------------------------------------------

@dataclass(frozen=True)
class GraderStats:
    done_today: int
    done_this_week: int
    average_seconds: int | None  # over this week's evaluations
    due_soon: int  # within the next 24 hours
    overdue: int


def utc_day_and_week(now: datetime) -> tuple[datetime, datetime]:
    """The start of today and of this ISO week, in UTC (graders work across tenants' zones)."""
    today = datetime.combine(now.astimezone(timezone.utc).date(), datetime.min.time(), tzinfo=timezone.utc)
    return today, today - timedelta(days=today.weekday())


def grader_stats(grader_id: int, tenant_ids: list[int], now: datetime) -> GraderStats:
    today, monday = utc_day_and_week(now)
    done_today, done_week, average = db.session.execute(
        select(func.count(case((Evaluation.submitted_at >= today, 1))), func.count(Evaluation.id),
               func.avg(Evaluation.grading_seconds))
        .where(Evaluation.grader_id == grader_id, Evaluation.tenant_id.in_(tenant_ids), SUBMITTED,
               Evaluation.submitted_at >= monday)
    ).one()
    overdue, due_soon = db.session.execute(
        select(func.count(case((Assignment.due_at < now, 1))),
               func.count(case(((Assignment.due_at >= now) & (Assignment.due_at < now + DUE_SOON), 1))))
        .where(_held(grader_id, tenant_ids))
    ).one()
    return GraderStats(done_today, done_week, None if average is None else round(Decimal(average)),
                       due_soon, overdue)


def _held(grader_id: int, tenant_ids: list[int]):
    return (Assignment.grader_id == grader_id) & Assignment.tenant_id.in_(tenant_ids) \
        & Assignment.status.in_(ACTIVE_STATUSES)


def grader_due(grader_id: int, tenant_ids: list[int], now: datetime, limit: int) -> list[Assignment]:
    """The grader's work due within 24 hours or overdue, most urgent first (the queue has the rest)."""
    return list(db.session.scalars(
        select(Assignment).options(joinedload(Assignment.call))
        .where(_held(grader_id, tenant_ids), Assignment.due_at < now + DUE_SOON)
        .order_by(Assignment.due_at, Assignment.id).limit(limit)
    ))


def grader_recent_statement(grader_id: int, tenant_ids: list[int]) -> Select:
    return _with_call_and_version(select(Evaluation)).where(
        Evaluation.grader_id == grader_id, Evaluation.tenant_id.in_(tenant_ids), SUBMITTED,
    ).order_by(Evaluation.submitted_at.desc(), Evaluation.id.desc())
