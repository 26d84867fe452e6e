"""Trainings and agent statuses written and read: the shell between the forms and the tables.

Who a training is for is fixed when it is created (a team as it is then, the agents in a band
of a period, or a list of codes), so the follow-up compares the same people before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from vendor_qa import clock
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.periods import ReportPeriod
from vendor_qa.reports import aggregates
from vendor_qa.scorecards.models import Criterion, Scorecard, ScorecardVersion, Section
from vendor_qa.trainings.models import AgentStatus, Trainee, Training

BAND_PAGE = 500  # agents read per query when choosing a band


@dataclass(frozen=True)
class CriterionChoice:
    key: str
    text: str
    scorecard: str
    channels: tuple[str, ...]  # of its scorecard


def criterion_choices() -> list[CriterionChoice]:
    """The criteria of the tenant's current (published) scorecards, by key (run in the tenant's scope)."""
    rows = db.session.execute(
        select(Criterion.key, Criterion.text, Scorecard.name, Scorecard.channels)
        .join(Section, Section.id == Criterion.section_id).join(ScorecardVersion, ScorecardVersion.id == Section.version_id)
        .join(Scorecard, Scorecard.id == ScorecardVersion.scorecard_id)
        .where(ScorecardVersion.status == "published", Scorecard.archived_at.is_(None))
        .order_by(Scorecard.name, Section.position, Criterion.position)).all()
    found: dict[str, CriterionChoice] = {}
    for key, text, scorecard, channels in rows:
        found.setdefault(key, CriterionChoice(key, text, scorecard, tuple(channels or ())))
    return list(found.values())


def channel_of(keys: Iterable[str], choices: list[CriterionChoice]) -> str | None:
    """The one channel the criteria's scorecards cover, where that is known."""
    channels = {c for choice in choices if choice.key in set(keys) for c in choice.channels}
    return channels.pop() if len(channels) == 1 else None


def band_agents(tenant, period: ReportPeriod, band: str) -> list[int]:
    """The agents whose average in the period lies in the named band."""
    found, page = [], 1
    while True:
        rows = aggregates.agents_page(tenant, period, sort="average", page=page, per_page=BAND_PAGE).items
        found += [r.agent_id for r in rows if r.band is not None and r.band.name == band]
        if len(rows) < BAND_PAGE:
            return found
        page += 1


def agents_by_codes(codes: Iterable[str]) -> tuple[list[int], list[str]]:
    """(agent ids, codes that name no agent) for codes or external ids, case-insensitive codes."""
    wanted = {c.strip() for c in codes if c.strip()}
    rows = db.session.execute(select(Agent.id, Agent.code, Agent.external_id).where(
        (func.upper(Agent.code).in_({c.upper() for c in wanted})) | Agent.external_id.in_(wanted))).all()
    known = {code.upper() for _, code, _ in rows} | {external for _, _, external in rows}
    return sorted({id_ for id_, _, _ in rows}), sorted(c for c in wanted if c.upper() not in known and c not in known)


def team_agents(team_id: int) -> list[int]:
    return list(db.session.scalars(select(Agent.id).where(Agent.team_id == team_id, Agent.active.is_(True))))


def create(tenant, values: dict, agent_ids: list[int], user) -> Training:
    training = Training(tenant_id=tenant.id, created_by_id=getattr(user, "id", None), **values)
    training.trainees = [Trainee(tenant_id=tenant.id, agent_id=a) for a in sorted(set(agent_ids))]
    db.session.add(training)
    db.session.commit()
    return training


def current_statuses(agent_ids: Iterable[int]) -> dict[int, AgentStatus]:
    """Each agent's newest status row (agents never given one are left out)."""
    ids = sorted(set(agent_ids))
    if not ids:
        return {}
    newest = (select(AgentStatus.agent_id, func.max(AgentStatus.id).label("id"))
              .where(AgentStatus.agent_id.in_(ids)).group_by(AgentStatus.agent_id).subquery())
    rows = db.session.scalars(select(AgentStatus).join(newest, newest.c.id == AgentStatus.id))
    return {row.agent_id: row for row in rows}


def off_customers() -> list[AgentStatus]:
    """The agents off customers now, longest first."""
    newest = select(func.max(AgentStatus.id)).group_by(AgentStatus.agent_id)
    return list(db.session.scalars(select(AgentStatus).where(AgentStatus.id.in_(newest),
                                                              AgentStatus.status == "off_customers")
                                   .order_by(AgentStatus.at, AgentStatus.id)))


def set_status(tenant, agent: Agent, status: str, reason: str, user, band: str | None) -> AgentStatus:
    row = AgentStatus(tenant_id=tenant.id, agent_id=agent.id, status=status, reason=reason, band=band,
                      at=clock.now(), set_by_id=getattr(user, "id", None))
    db.session.add(row)
    db.session.commit()
    return row


def history_statement():
    """Every change of status, newest first (to paginate)."""
    return (select(AgentStatus).options(joinedload(AgentStatus.agent))
            .order_by(AgentStatus.at.desc(), AgentStatus.id.desc()))
