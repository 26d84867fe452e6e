"""Which evaluations count in the client's figures, and how their totals are summed exactly.

`counted` is the one definition of a counted evaluation: submitted, of this tenant, in the
period, within the filters, and never of an UNCOUNTED_REASONS assignment (calibration is the
vendor checking its graders, not a measurement of the client's agents). The raw aggregates
(aggregates.py) and the rollups (rollups.py) both select through it; aggregates re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BigInteger, ColumnElement, cast, exists, func, select
from sqlalchemy.orm import aliased

from vendor_qa.calls.models import Agent, Call
from vendor_qa.grading.models import UNCOUNTED_REASONS, Assignment, Evaluation
from vendor_qa.periods import Period


@dataclass(frozen=True)
class Filters:
    team_id: int | None = None
    channel: str | None = None


def counted(tenant_id: int, span: Period | None, filters: Filters = Filters()) -> list[ColumnElement[bool]]:
    """The conditions of an evaluation that counts in the client's figures (the one place)."""
    uncounted = select(Assignment.id).where(Assignment.tenant_id == tenant_id,
                                            Assignment.reason.in_(UNCOUNTED_REASONS))
    conditions = [
        Evaluation.tenant_id == tenant_id,
        Evaluation.status == "submitted",
        Evaluation.assignment_id.not_in(uncounted),
    ]
    if span is not None:
        conditions.append(span.contains(Evaluation.submitted_at))
    if filters.team_id is not None:
        conditions.append(Evaluation.agent_id.in_(team_agents(tenant_id, filters.team_id)))
    if filters.channel is not None:
        call = aliased(Call)  # its own name: some aggregates join Call themselves
        conditions.append(exists().where(call.id == Evaluation.call_id, call.tenant_id == tenant_id,
                                         call.channel == filters.channel))
    return conditions


def team_agents(tenant_id: int, team_id: int):
    """The team's agents as they are now (a team filter follows today's membership)."""
    return select(Agent.id).where(Agent.tenant_id == tenant_id, Agent.team_id == team_id)


# Totals are stored with four decimals; summed as whole ten-thousandths they add up exactly on
# every database (SQLite would sum the decimals, and above all their squares, as floats).
SCALE = 10_000


def scaled(column) -> ColumnElement[int]:
    """A four-decimal value as whole ten-thousandths."""
    return cast(func.round(column * SCALE), BigInteger)
