"""Graders' daily capacity: what the distribution balances open work against.

A grader without a row has the default (DEFAULT_DAILY_CAPACITY). The vendor admin
sets it per grader on the capacity page (/admin/sla/capacity); 0 keeps a grader
certified but gives them no new SLA work (e.g. during leave). The distribution
reads it through `settings.grader_capacities`.

The page shows each grader's pace beside it: the measured median minutes per evaluation
(vendor_qa.grading.timing) once there are enough measurements, else the guess behind the
default (a working day over DEFAULT_DAILY_CAPACITY), labelled as a guess; and how many
evaluations a working day holds at that pace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import floor
from typing import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.extensions import db
from vendor_qa.grading import timing
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment
from vendor_qa.sla.models import DEFAULT_DAILY_CAPACITY, GraderCapacity
from vendor_qa.tenants.scoping import all_tenants

MAX_DAILY_CAPACITY = 500  # far above the 60-80 a day of DOMAIN.md: a typo, not a grader
WORKING_DAY_MINUTES = 8 * 60  # DOMAIN.md: 60-80 calls in an 8-hour day
GUESSED_MINUTES = WORKING_DAY_MINUTES / DEFAULT_DAILY_CAPACITY  # what the default assumes of every grader
ASSIGNMENT = Assignment.__table__


def active_graders() -> Select:
    """Active graders by name, with their certifications and tenants loaded (for a page of them)."""
    return (select(User).where(User.role == Role.GRADER.value, User.active.is_(True))
            .options(selectinload(User.certifications).selectinload(GraderCertification.tenant))
            .order_by(User.name, User.id))


def active_grader(grader_id: int) -> User | None:
    return db.session.scalar(active_graders().where(User.id == grader_id))


def open_work(grader_ids: Sequence[int]) -> dict[int, int]:
    """Assignments each grader holds now (assigned or in progress), in every tenant: one query."""
    if not grader_ids:
        return {}
    with all_tenants("sla capacity: graders' open work"):
        return dict(db.session.execute(
            select(ASSIGNMENT.c.grader_id, func.count())
            .where(ASSIGNMENT.c.grader_id.in_(list(grader_ids)), ASSIGNMENT.c.status.in_(ACTIVE_STATUSES))
            .group_by(ASSIGNMENT.c.grader_id)).tuples().all())


def daily_capacities(grader_ids: Sequence[int]) -> dict[int, int]:
    """Each grader's daily capacity, the default where none was set."""
    found = dict(db.session.execute(
        select(GraderCapacity.grader_id, GraderCapacity.daily_capacity)
        .where(GraderCapacity.grader_id.in_(list(grader_ids)))).tuples().all())
    return {grader_id: found.get(grader_id, DEFAULT_DAILY_CAPACITY) for grader_id in grader_ids}


def set_daily_capacity(grader_id: int, capacity: int) -> None:
    """Store the grader's daily capacity (an upsert: two admins saving at once both succeed). The caller commits."""
    if not 0 <= capacity <= MAX_DAILY_CAPACITY:
        raise ValueError(f"A daily capacity is a whole number from 0 to {MAX_DAILY_CAPACITY}.")
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(GraderCapacity).values(grader_id=grader_id, daily_capacity=capacity)
    db.session.execute(statement.on_conflict_do_update(index_elements=["grader_id"],
                                                       set_={"daily_capacity": capacity}))


@dataclass(frozen=True)
class Pace:
    minutes: float  # per evaluation
    measured: bool  # False: the guess, too few measurements (`count`) for a median
    count: int

    @property
    def per_day(self) -> int:
        """Evaluations a working day holds at this pace."""
        return floor(WORKING_DAY_MINUTES / self.minutes) if self.minutes > 0 else MAX_DAILY_CAPACITY


def pace_of(measured: timing.Pace | None) -> Pace:
    """The measured median where there are enough measurements, else the guess."""
    if measured is not None and measured.enough:
        return Pace(measured.minutes, True, measured.count)
    return Pace(GUESSED_MINUTES, False, measured.count if measured else 0)


def paces(grader_ids: Sequence[int], now: datetime) -> dict[int, Pace]:
    """Each grader's pace, from their evaluations in every tenant (one query)."""
    with all_tenants("sla capacity: graders' pace"):
        measured = timing.by_grader(list(grader_ids), now)
    return {grader_id: pace_of(measured.get(grader_id)) for grader_id in grader_ids}
