"""The agent's answers to their feedback, and what the client sees of them.

Acknowledging and asking for a dispute are idempotent: one row per evaluation (a unique
constraint), so a second click, a reload or a race finds the first row and changes nothing.
A request is "disputed" once a dispute of its evaluation was raised after it (the lead raises
it with the disputes service, on the dispute form); it is not copied into the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from vendor_qa import clock
from vendor_qa.agent_view.models import Acknowledgment, DisputeRequest
from vendor_qa.calls.models import Agent, Team
from vendor_qa.disputes.models import Dispute
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.reports.counting import counted

DISPUTED = "disputed"


def _first(model, row):
    """Store `row` unless its evaluation has one already; the stored one either way."""
    db.session.add(row)
    try:
        db.session.commit()
        return row
    except IntegrityError:  # a second click, or a race: the first one stands
        db.session.rollback()
        return db.session.scalar(select(model).where(model.evaluation_id == row.evaluation_id))


def acknowledge(evaluation: Evaluation, comment: str | None) -> Acknowledgment:
    found = db.session.scalar(select(Acknowledgment).where(Acknowledgment.evaluation_id == evaluation.id))
    return found or _first(Acknowledgment, Acknowledgment(
        tenant_id=evaluation.tenant_id, evaluation_id=evaluation.id, agent_id=evaluation.agent_id,
        comment=(comment or "").strip() or None, created_at=clock.now()))


def request_dispute(evaluation: Evaluation, reason: str) -> DisputeRequest:
    found = db.session.scalar(select(DisputeRequest).where(DisputeRequest.evaluation_id == evaluation.id))
    return found or _first(DisputeRequest, DisputeRequest(
        tenant_id=evaluation.tenant_id, evaluation_id=evaluation.id, agent_id=evaluation.agent_id,
        reason=reason.strip(), created_at=clock.now()))


def decline(request: DisputeRequest, actor_id: int, answer: str) -> bool:
    """Decline a pending request with an answer for the agent; False when it is not pending."""
    if request_status(request) != "pending":
        return False
    # Conditional: of two people declining at once, one answer stands.
    done = db.session.execute(update(DisputeRequest).where(DisputeRequest.id == request.id,
                                                           DisputeRequest.status == "pending")
                              .values(status="declined", answer=answer.strip(), decided_at=clock.now(),
                                      decided_by_id=actor_id).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return done == 1


def _disputed_since(request_created_at, evaluation_id):
    return exists().where(Dispute.evaluation_id == evaluation_id, Dispute.created_at >= request_created_at)


def request_status(request: DisputeRequest) -> str:
    if request.status == "pending" and db.session.scalar(
            select(_disputed_since(request.created_at, request.evaluation_id))):
        return DISPUTED
    return request.status


def of_evaluations(model, evaluation_ids: list[int]) -> dict:
    """The acknowledgments (or requests) of these evaluations, by evaluation id."""
    if not evaluation_ids:
        return {}
    return {row.evaluation_id: row for row in db.session.scalars(
        select(model).where(model.evaluation_id.in_(evaluation_ids)))}


def _shown():
    """A request's status as people read it: pending, disputed (a dispute was raised since) or declined."""
    disputed = _disputed_since(DisputeRequest.created_at, DisputeRequest.evaluation_id)
    return case((and_(DisputeRequest.status == "pending", disputed), DISPUTED), else_=DisputeRequest.status)


def requests_statement(status: str | None = None, agent_id: int | None = None):
    """The agents' dispute requests, open ones first, newest first (paginate it)."""
    shown = _shown()
    stmt = select(DisputeRequest).options(joinedload(DisputeRequest.agent), joinedload(DisputeRequest.evaluation))
    if status:
        stmt = stmt.where(shown == status)
    if agent_id is not None:
        stmt = stmt.where(DisputeRequest.agent_id == agent_id)
    return stmt.order_by(case((shown == "pending", 0), else_=1), DisputeRequest.created_at.desc(),
                         DisputeRequest.id.desc())


def statuses_of(request_ids: list[int]) -> dict[int, str]:
    if not request_ids:
        return {}
    return dict(db.session.execute(select(DisputeRequest.id, _shown()).where(DisputeRequest.id.in_(request_ids)))
                .tuples().all())


# ---- what the client sees ----------------------------------------------------------------------

@dataclass(frozen=True)
class AckSummary:
    evaluations: int
    acknowledged: int
    oldest_pending_at: datetime | None  # the submission of the oldest feedback not acknowledged

    @property
    def pending(self) -> int:
        return self.evaluations - self.acknowledged

    @property
    def pending_days(self) -> int | None:
        """How many whole days the oldest feedback not acknowledged has waited."""
        return None if self.oldest_pending_at is None else (clock.now() - self.oldest_pending_at).days


NONE = AckSummary(0, 0, None)


def _summary_columns():
    acked = Acknowledgment.id.is_not(None)
    return (func.count(Evaluation.id), func.count(Acknowledgment.id),
            func.min(case((~acked, Evaluation.submitted_at))))


def _counted_with_acks(tenant_id: int):
    return (select().select_from(Evaluation)
            .outerjoin(Acknowledgment, Acknowledgment.evaluation_id == Evaluation.id)
            .where(*counted(tenant_id, None)))


def by_agent(tenant_id: int, agent_ids: list[int]) -> dict[int, AckSummary]:
    """Acknowledged and pending feedback of these agents (one grouped query)."""
    if not agent_ids:
        return {}
    rows = db.session.execute(_counted_with_acks(tenant_id).add_columns(Evaluation.agent_id, *_summary_columns())
                              .where(Evaluation.agent_id.in_(agent_ids)).group_by(Evaluation.agent_id))
    return {agent_id: AckSummary(total, acked, _aware(oldest)) for agent_id, total, acked, oldest in rows}


@dataclass(frozen=True)
class TeamSummary:
    team: str
    summary: AckSummary


def by_team(tenant_id: int) -> list[TeamSummary]:
    """The same per team (agents without a team last), for the agents list."""
    rows = db.session.execute(_counted_with_acks(tenant_id).add_columns(Team.name, *_summary_columns())
                              .join(Agent, Agent.id == Evaluation.agent_id).outerjoin(Team, Team.id == Agent.team_id)
                              .group_by(Team.id, Team.name).order_by(Team.name.is_(None), Team.name))
    return [TeamSummary(name or "No team", AckSummary(total, acked, _aware(oldest))) for name, total, acked, oldest in rows]


def _aware(value):
    """min() over a CASE comes back as text or naive from SQLite (the column type is lost): UTC by our rule."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value
