"""Which trained agents an SLA week re-checks, and which of their calls to prefer.

During a training's follow-up window the planner samples its agents up to the tenant's maximum
(never above it: sampling.plan_agent caps every agent there), and within each stratum of length
takes the calls of the trained channel and topic first where the training names them. Both are
read here from the trainings whose follow-up overlaps the week; the quota rules stay the
planner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, select
from sqlalchemy.orm import selectinload

from vendor_qa import periods
from vendor_qa.extensions import db
from vendor_qa.trainings.models import Training


@dataclass(frozen=True)
class Recheck:
    training_id: int
    title: str
    agent_ids: frozenset[int]
    channel: str | None
    topic: str | None

    @property
    def preference(self) -> str:
        """The calls taken first, in words: "phone calls on “refund”" ("" when only the agents are known)."""
        if not (self.channel or self.topic):
            return ""
        return " ".join(p for p in (self.channel, "calls", f"on “{self.topic}”" if self.topic else "") if p)


def rechecks_for_week(tenant_id: int, week: str) -> list[Recheck]:
    """The trainings whose follow-up window overlaps the ISO week, with their agents (run in the tenant's scope)."""
    monday = periods.thursday(week) - timedelta(days=3)
    sunday = monday + timedelta(days=6)
    candidates = db.session.scalars(
        select(Training).where(Training.tenant_id == tenant_id, Training.given_on < sunday,
                               Training.given_on >= monday - timedelta(weeks=26))
        .options(selectinload(Training.trainees)).order_by(Training.given_on, Training.id))
    return [Recheck(t.id, t.title, frozenset(a.agent_id for a in t.trainees), t.channel, t.topic)
            for t in candidates if t.follow_up_starts <= sunday and t.follow_up_ends > monday and t.trainees]


def rechecked_agents(rechecks: list[Recheck]) -> frozenset[int]:
    return frozenset().union(*(r.agent_ids for r in rechecks))


def preferred(rechecks: list[Recheck], agent_id, channel, topic):
    """A SQL rank of a call for sampling: 0 for a trained agent's call of the trained channel and
    topic, else 1; None when no training names a channel or topic (nothing to prefer)."""
    whens = []
    for r in rechecks:
        matches = [channel == r.channel] if r.channel else []
        matches += [topic == r.topic] if r.topic else []
        if matches:
            whens.append((and_(agent_id.in_(sorted(r.agent_ids)), *matches), 0))
    return case(*whens, else_=1) if whens else None
