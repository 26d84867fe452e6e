"""The demo's trainings: one that worked, one that did not, one in progress (issue 13, point 7).

Planned with the demo's calls and scorecards, before its graded history is written, so the
history's weekly planning re-checks the trained agents like any tenant's, and its graders see
the effect (`chances`, read by vendor_qa.demo.history): the two finished trainings' teams
struggle with the trained criteria before; after the training that worked they get them right
19 times in 20, after the other one nothing changes. The trained criteria are the ones the
history makes hard for most agents: the systemic findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vendor_qa import periods
from vendor_qa.calls.models import Agent, Team
from vendor_qa.extensions import db
from vendor_qa.scorecards.versions import current_version_for_channel
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import tenant_scope
from vendor_qa.trainings.models import Trainee, Training

WORKED = "Workshop on the most missed criteria"
DID_NOT_WORK = "E-learning module on the most missed criteria"
IN_PROGRESS = "Refresher on the most missed criteria"
PAST_WEEKS_NEEDED = 2  # a week before the finished trainings and a week of follow-up
STRUGGLING = 0.3  # the chance of full marks on a trained criterion before the training (and after the failed one)
LEARNED = 0.95  # ... after the training that worked
# Percentage points the finished trainings expect: most of the misses gone. Large enough that the
# demo's one week of follow-up is enough data to call "no measurable change" for the one that failed.
EXPECTED = 60


@dataclass(frozen=True)
class Effect:
    agent_ids: frozenset[int]
    keys: frozenset[str]
    since: datetime  # calls from here on are after the training
    worked: bool


def plan(tenant: Tenant, seed: int, past_weeks: int, now: datetime) -> None:
    """The three trainings of the tenant, each for one of its first teams (run before its history)."""
    from vendor_qa.demo.history import hard_criteria  # the history imports this module

    with tenant_scope(tenant.id):
        version = current_version_for_channel(tenant, "phone")
        teams = list(db.session.scalars(select(Team).order_by(Team.id).limit(3)))
        if version is None or len(teams) < 3:
            return
        keys = sorted(hard_criteria(seed, tenant, version))
        today = periods.today(tenant.zone, now)
        # The finished ones: the week before the last past week, then that week as follow-up.
        given = today - timedelta(days=today.weekday() + 8)
        planned = [(IN_PROGRESS, teams[2], today - timedelta(days=2), 4, 15)]
        if past_weeks >= PAST_WEEKS_NEEDED:
            planned += [(WORKED, teams[0], given, 1, EXPECTED), (DID_NOT_WORK, teams[1], given, 1, EXPECTED)]
        for title, team, given_on, weeks, expected in planned:
            agents = db.session.scalars(select(Agent.id).where(Agent.team_id == team.id).order_by(Agent.id)).all()
            db.session.add(Training(
                tenant_id=tenant.id, title=title, criterion_keys=keys, channel="phone", given_on=given_on,
                follow_up_weeks=weeks, expected_improvement=expected, source="finding",
                finding_period=periods.week_of_date(given_on - timedelta(days=7)),
                note=f"For the team {team.name}: the criteria most of its agents miss.",
                trainees=[Trainee(tenant_id=tenant.id, agent_id=a) for a in agents]))
        db.session.commit()


def effects(tenant: Tenant) -> list[Effect]:
    """The finished trainings as the history's graders see them (run in the tenant's scope)."""
    rows = db.session.scalars(select(Training).where(Training.title.in_((WORKED, DID_NOT_WORK)))
                              .options(selectinload(Training.trainees)))
    return [Effect(frozenset(t.agent_id for t in row.trainees), frozenset(row.criterion_keys),
                   periods.local_midnight(row.follow_up_starts, tenant.zone), row.title == WORKED) for row in rows]


def chances(found: list[Effect], agent_id: int, started_at: datetime) -> dict[str, float]:
    """{criterion key: the agent's chance of full marks on it in this call} where a training decides it."""
    return {key: LEARNED if effect.worked and started_at >= effect.since else STRUGGLING
            for effect in found if agent_id in effect.agent_ids for key in effect.keys}
