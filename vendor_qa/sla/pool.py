"""Writing SLA work: new assignments in bulk, and handing the open pool out to graders.

Both are set-based and safe to repeat. New assignments are inserted with
`ON CONFLICT DO NOTHING` on the unique index (tenant, call, reason, week), so a
second run, or a run after a crash, adds nothing twice; only the rows really
inserted get their "created" event. Handing out is a conditional UPDATE
(`status = 'open' AND grader_id IS NULL`), so an assignment a grader claimed
meanwhile is left alone and gets no event.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Iterable, Mapping, Sequence

from sqlalchemy import and_, any_, bindparam, case, cast, func, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from vendor_qa import clock
from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import (ACTIVE_STATUSES, DEFAULT_PRIORITY, UNCOUNTED_REASONS, Assignment,
                                      AssignmentEvent)
from vendor_qa.sla.distribution import GraderLoad, distribute
from vendor_qa.sla.settings import grader_capacities

ASSIGNMENT = Assignment.__table__
EVENT = AssignmentEvent.__table__
CALL = Call.__table__
SYSTEM_NOTE = {"low_rating": "SLA: priority review of a low-rated call", "sample": "SLA: weekly sample"}


@dataclass(frozen=True)
class NewWork:
    call_id: int
    scorecard_version_id: int
    reason: str  # low_rating | sample
    due_at: datetime


@dataclass(frozen=True)
class Handout:
    given: int  # assignments handed to graders by this run
    left_in_pool: int  # open assignments no grader could take


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def among(column, values: Sequence):
    """`column IN values`; on PostgreSQL one array parameter, however many values."""
    if _postgres():
        return column == any_(cast(bindparam(None, list(values)), postgresql.ARRAY(column.type)))
    return column.in_(list(values))


def bulk_insert(table, rows: Sequence[dict], same: dict | None = None, conflict: list[str] | None = None,
                conflict_where=None) -> None:
    """Insert many rows in one statement; `same` holds the values every row shares; with
    `conflict`, rows that unique index holds already are skipped.

    PostgreSQL gets one array per varying column (INSERT ... SELECT FROM unnest(...)):
    a handful of parameters whatever the number of rows. A many-row VALUES list costs
    psycopg tens of microseconds per parameter to prepare, which made up most of a
    large plan's time (bench/sla_plan.py).
    """
    if not rows:
        return
    same = same or {}
    names = list(rows[0])
    if _postgres():
        arrays = [cast(bindparam(f"rows_{name}", [row[name] for row in rows]), postgresql.ARRAY(table.c[name].type))
                  for name in names]
        source = func.unnest(*arrays).table_valued(*names).render_derived()
        columns = [source.c[name] for name in names] + [literal(value, table.c[name].type) for name, value in same.items()]
        statement = postgresql.insert(table).from_select(names + list(same), select(*columns))
        params = None
    else:
        statement, params = sqlite.insert(table), [{**row, **same} for row in rows]
    if conflict:
        statement = statement.on_conflict_do_nothing(index_elements=conflict, index_where=conflict_where)
    db.session.execute(statement, params)


def id_array(values: Iterable[int]) -> str:
    """Integers as one PostgreSQL array literal ('{1,2,3}') for a `CAST(:param AS integer[])`:
    psycopg adapts a Python list element by element, about 15 times slower for the tens of
    thousands of ids a plan writes (bench/sla_plan.py)."""
    return "{" + ",".join(str(int(v)) for v in values) + "}"


# The new rows and their "created" events in one statement: the events come from the rows
# the INSERT really wrote (RETURNING), so neither a second read nor a second round trip.
_INSERT_WITH_EVENTS = text("""
WITH new AS (
    INSERT INTO assignment (tenant_id, week, call_id, scorecard_version_id, reason, priority, due_at,
                            status, created_at, updated_at)
    SELECT :tenant, :week, w.call_id, g.version_id, g.reason, g.priority, g.due_at, 'open', :stamp, :stamp
    FROM unnest(CAST(:call_ids AS integer[]), CAST(:groups AS integer[])) WITH ORDINALITY AS w(call_id, grp, n)
    JOIN unnest(CAST(:versions AS integer[]), CAST(:reasons AS varchar[]), CAST(:priorities AS integer[]),
                CAST(:dues AS timestamptz[])) WITH ORDINALITY AS g(version_id, reason, priority, due_at, grp)
      USING (grp)
    ORDER BY w.n
    ON CONFLICT (tenant_id, call_id, reason, week) WHERE reason <> 'calibration' DO NOTHING
    RETURNING id, reason
), events AS (
    INSERT INTO assignment_event (tenant_id, assignment_id, at, action, reason)
    SELECT :tenant, new.id, :now, 'created', notes.note
    FROM new LEFT JOIN unnest(CAST(:note_reasons AS varchar[]), CAST(:notes AS text[])) AS notes(reason, note)
      ON notes.reason = new.reason
)
SELECT id FROM new ORDER BY id
""")


def insert_assignments(tenant_id: int, week: str, work: Sequence[NewWork], now: datetime) -> list[int]:
    """Insert what is not there yet; the ids of the rows inserted now, with their "created" events.

    On PostgreSQL one statement (`_INSERT_WITH_EVENTS`): the rows travel as one array of
    call ids and one of group numbers, a group being the few values many rows share
    (version, reason, due time), since adapting a datetime per row cost more than the
    insert. Elsewhere the rows of this run carry its own creation stamp (the clock, not
    `now`, which a rerun repeats), so that they are told from rows that were there already.
    """
    if not work:
        return []
    stamp = clock.now()
    ordered = sorted(work, key=lambda w: (w.call_id, w.reason))  # one lock order for every writer
    if _postgres():
        groups = sorted({(w.scorecard_version_id, w.reason, w.due_at) for w in work})
        number = {group: n for n, group in enumerate(groups, 1)}
        versions, reasons, dues = zip(*groups)
        return db.session.scalars(_INSERT_WITH_EVENTS, {
            "call_ids": id_array(w.call_id for w in ordered),
            "groups": id_array(number[(w.scorecard_version_id, w.reason, w.due_at)] for w in ordered),
            "tenant": tenant_id, "week": week, "stamp": stamp, "now": now, "versions": list(versions),
            "reasons": list(reasons), "priorities": [DEFAULT_PRIORITY[r] for r in reasons], "dues": list(dues),
            "note_reasons": list(SYSTEM_NOTE), "notes": list(SYSTEM_NOTE.values())}).all()
    bulk_insert(ASSIGNMENT, [
        {"call_id": w.call_id, "scorecard_version_id": w.scorecard_version_id, "reason": w.reason,
         "priority": DEFAULT_PRIORITY[w.reason], "due_at": w.due_at} for w in ordered],
        same={"tenant_id": tenant_id, "week": week, "status": "open", "created_at": stamp, "updated_at": stamp},
        conflict=["tenant_id", "call_id", "reason", "week"], conflict_where=text("reason <> 'calibration'"))
    this_run = and_(ASSIGNMENT.c.tenant_id == tenant_id, ASSIGNMENT.c.week == week,
                    ASSIGNMENT.c.created_at == stamp)
    note = case(*((ASSIGNMENT.c.reason == reason, text_) for reason, text_ in SYSTEM_NOTE.items()))
    db.session.execute(EVENT.insert().from_select(
        ["tenant_id", "assignment_id", "at", "action", "reason"],
        select(ASSIGNMENT.c.tenant_id, ASSIGNMENT.c.id, literal(now, EVENT.c.at.type), literal("created"), note)
        .where(this_run)))
    return sorted(db.session.scalars(select(ASSIGNMENT.c.id).where(this_run)))


def record_events(tenant_id: int, rows: list[tuple[int, int | None]], action: str, note: str, at: datetime,
                  grader_field: str = "to_grader_id") -> None:
    """System events (no actor) with the same note, one per (assignment id, grader id)."""
    bulk_insert(EVENT, [{"assignment_id": id_, grader_field: grader} for id_, grader in rows],
                same={"tenant_id": tenant_id, "at": at, "action": action, "reason": note})


def grader_loads(tenant_id: int, week: str) -> list[GraderLoad]:
    """The tenant's graders with their open work (in every tenant) and this week's agents: two queries."""
    capacities = grader_capacities(tenant_id)
    if not capacities:
        return []
    ids = list(capacities)
    open_work = dict(db.session.execute(
        select(ASSIGNMENT.c.grader_id, func.count())
        .where(ASSIGNMENT.c.grader_id.in_(ids), ASSIGNMENT.c.status.in_(ACTIVE_STATUSES))
        .group_by(ASSIGNMENT.c.grader_id)).all())
    agents: dict[int, dict[int, int]] = defaultdict(dict)
    for grader_id, agent_id, count in db.session.execute(
            select(ASSIGNMENT.c.grader_id, CALL.c.agent_id, func.count())
            .join(CALL, CALL.c.id == ASSIGNMENT.c.call_id)
            .where(ASSIGNMENT.c.tenant_id == tenant_id, ASSIGNMENT.c.week == week,
                   ASSIGNMENT.c.grader_id.in_(ids), ASSIGNMENT.c.status != "cancelled")
            .group_by(ASSIGNMENT.c.grader_id, CALL.c.agent_id)):
        agents[grader_id][agent_id] = count
    return [GraderLoad(grader_id=g, open_work=open_work.get(g, 0), capacity=capacities[g],
                       agent_counts=agents.get(g, {})) for g in ids]


def _in_pool(tenant_id: int):
    """The tenant's open, unowned SLA work."""
    return and_(ASSIGNMENT.c.tenant_id == tenant_id, ASSIGNMENT.c.status == "open",
                ASSIGNMENT.c.grader_id.is_(None), ASSIGNMENT.c.reason .not_in(UNCOUNTED_REASONS))


def _pool(tenant_id: int) -> list[tuple[int, int]]:
    """(assignment id, agent id) of the pool, most urgent first."""
    return [tuple(row) for row in db.session.execute(
        select(ASSIGNMENT.c.id, CALL.c.agent_id).join(CALL, CALL.c.id == ASSIGNMENT.c.call_id)
        .where(_in_pool(tenant_id))
        .order_by(ASSIGNMENT.c.priority.desc(), ASSIGNMENT.c.due_at, ASSIGNMENT.c.id)).all()]


def _after(loads: list[GraderLoad], given: dict[int, int], agent_of: dict[int, int]) -> list[GraderLoad]:
    """The loads once `given` is handed out (for the next round of the same run)."""
    added: dict[int, Counter[int]] = defaultdict(Counter)
    for assignment_id, grader_id in given.items():
        added[grader_id][agent_of[assignment_id]] += 1
    return [replace(load, open_work=load.open_work + sum(added[load.grader_id].values()),
                    agent_counts=Counter(load.agent_counts) + added[load.grader_id]) for load in loads]


def _plan(pool: list[tuple[int, int]], loads: list[GraderLoad],
          avoid: Mapping[int, int]) -> tuple[dict[int, int], list[int]]:
    """The pure `distribute`, with work taken back from a grader handed to someone else.

    Taken-back work (overdue, so the most urgent) goes first, one round per former
    holder without that grader; then the rest of the pool in its order.
    """
    rounds: dict[int | None, list[tuple[int, int]]] = defaultdict(list)
    for item in pool:
        rounds[avoid.get(item[0])].append(item)
    agent_of = dict(pool)
    plan: dict[int, int] = {}
    unassigned: list[int] = []
    for former in sorted(rounds, key=lambda g: (g is None, g or 0)):
        items = rounds[former]
        if former is None:
            # `distribute` gives every item while any grader has room, so past the total free
            # capacity nothing more is given: those items are left without asking (a big pool).
            room = sum(max(0, load.capacity - load.open_work) for load in loads)
            items, beyond = items[:room], items[room:]
            unassigned.extend(id_ for id_, _ in beyond)
        given, left = distribute(items, [load for load in loads if load.grader_id != former])
        plan.update(given)
        unassigned.extend(left)
        loads = _after(loads, given, agent_of)
    return plan, unassigned


def _give(plan: dict[int, int], now: datetime) -> list[tuple[int, int]]:
    """Set each planned assignment's grader if it is still open and unowned; the (id, grader) given.

    PostgreSQL: one UPDATE ... FROM unnest(ids, graders). SQLite: one UPDATE per grader.
    """
    if not plan:
        return []
    still_open = and_(ASSIGNMENT.c.status == "open", ASSIGNMENT.c.grader_id.is_(None))
    if _postgres():
        ids, graders = zip(*sorted(plan.items()))
        source = func.unnest(cast(bindparam("ids", list(ids)), postgresql.ARRAY(ASSIGNMENT.c.id.type)),
                             cast(bindparam("graders", list(graders)), postgresql.ARRAY(ASSIGNMENT.c.id.type))
                             ).table_valued("id", "grader_id").render_derived()
        return [tuple(row) for row in db.session.execute(
            update(ASSIGNMENT).where(ASSIGNMENT.c.id == source.c.id, still_open)
            .values(status="assigned", grader_id=source.c.grader_id, assigned_at=now, updated_at=now)
            .returning(ASSIGNMENT.c.id, ASSIGNMENT.c.grader_id))]
    by_grader: dict[int, list[int]] = defaultdict(list)
    for assignment_id, grader_id in plan.items():
        by_grader[grader_id].append(assignment_id)
    given = []
    for grader_id, ids in sorted(by_grader.items()):
        taken = db.session.scalars(
            update(ASSIGNMENT).where(ASSIGNMENT.c.id.in_(ids), still_open)
            .values(status="assigned", grader_id=grader_id, assigned_at=now, updated_at=now)
            .returning(ASSIGNMENT.c.id)).all()
        given.extend((id_, grader_id) for id_ in taken)
    return given


def hand_out(tenant_id: int, week: str, now: datetime, avoid: Mapping[int, int] | None = None) -> Handout:
    """Give the tenant's open pool to its graders by the pure `distribute` rules (the caller commits).

    `avoid` maps assignments taken back from a grader to that grader, who does not get them again.
    """
    loads = grader_loads(tenant_id, week)
    if not any(load.capacity > load.open_work for load in loads):
        # No grader has room (e.g. tracking while everyone is full): the pool, which can hold
        # thousands of items, is counted instead of read.
        return Handout(0, db.session.scalar(select(func.count()).select_from(ASSIGNMENT)
                                            .where(_in_pool(tenant_id))))
    pool = _pool(tenant_id)
    if not pool:
        return Handout(0, 0)
    plan, unassigned = _plan(pool, loads, avoid or {})
    given = _give(plan, now)
    record_events(tenant_id, given, "assigned", "SLA: distributed by open work and capacity", now)
    return Handout(given=len(given), left_in_pool=len(unassigned))
