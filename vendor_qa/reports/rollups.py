"""Report rollups: the counted evaluations summed per bucket, so a dashboard reads a few
thousand small rows instead of every evaluation and criterion result of the period.

Three tables, each row a GROUP BY of the raw rows that `counting.counted` selects:

- `report_day_rollup`: per tenant, local day, channel and call topic: the score sums
  (count, sum and sum of squares of the totals in ten-thousandths, passes, auto-fails).
  Any report period is whole local days, so the tenant's figures, weekly trend and topics
  of any period, by channel or not, are read from it alone.
- `report_agent_rollup`: per agent and ISO week or calendar month (local): the score sums
  and the last evaluation's time.
- `report_criterion_rollup`: per agent, week or month and criterion key: where it applied,
  where points were lost, the points lost (ten-thousandths).

Per-agent figures of a period read the whole months and whole ISO weeks inside it from the
rollups and the days left over at its edges (custom ranges) from the raw rows, through the
same GROUP BY (`cover` splits the period). A team filter reads the rollups of the team's
agents as they are now. The agent rollups have no channel (it would multiply their rows by
the channels an agent's few evaluations of a week spread over, leaving little to gain), so a
channel filter reads per-agent figures from the raw rows, and so does a team filter for the
tenant's figures and topics (the day rollups have no agents).

Everything is summed as integers, so the rollups give exactly the raw rows' figures.

They are kept up to date by `evaluation_scored` (a submission, a dispute's correction): the
buckets holding the evaluation are computed again from the raw rows, in the same
transaction. On PostgreSQL an advisory lock per agent and per tenant-day serialises two
transactions refreshing the same bucket, so the later one, running after the first has
committed, sees both evaluations. `rebuild` recomputes a tenant's rollups from scratch
(`flask reports rollups rebuild`), after bulk loading or to repair them: an evaluation whose
call later changed channel or topic, or was deleted, keeps its old bucket until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, Sequence

from sqlalchemy import (BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, PrimaryKeyConstraint, String,
                        and_, case, cast, delete, func, insert, literal, or_, select, union_all)
from sqlalchemy.orm import Mapped, mapped_column

from vendor_qa.calls.models import Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation, EvaluationCriterion
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.models import TenantOwned
from vendor_qa.periods import Period, local_days
from vendor_qa.reports.counting import Filters, counted, scaled, team_agents
from vendor_qa.tenants.models import Tenant

Grain = Literal["week", "month"]
GRAINS: tuple[Grain, ...] = ("week", "month")
NO_TOPIC = ""  # a call without a topic
CHUNK = 16  # buckets recomputed by one statement when rebuilding


class _ScoreSums:
    evaluations: Mapped[int] = mapped_column()
    scored: Mapped[int] = mapped_column()  # with a total
    total: Mapped[int] = mapped_column(BigInteger)  # sum of the totals, in ten-thousandths
    total_sq: Mapped[int] = mapped_column(BigInteger)  # sum of their squares
    passed: Mapped[int] = mapped_column()
    auto_failed: Mapped[int] = mapped_column()


class DayRollup(_ScoreSums, TenantOwned, db.Model):
    __tablename__ = "report_day_rollup"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "day", "channel", "topic"),)

    day: Mapped[date] = mapped_column()  # local day of the tenant
    channel: Mapped[str] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(120))


class AgentRollup(_ScoreSums, TenantOwned, db.Model):
    __tablename__ = "report_agent_rollup"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "grain", "start", "agent_id"),
                      CheckConstraint("grain IN ('week', 'month')", name="grain_known"),
                      # A period's rows read from the index alone (PostgreSQL).
                      Index("ix_report_agent_rollup_read", "tenant_id", "grain", "start", postgresql_include=[
                          "agent_id", "evaluations", "scored", "total", "total_sq", "passed", "auto_failed",
                          "last_at"]))

    grain: Mapped[str] = mapped_column(String(5))
    start: Mapped[date] = mapped_column()  # the week's Monday or the month's first day
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    last_at: Mapped[datetime] = mapped_column()


class CriterionRollup(TenantOwned, db.Model):
    __tablename__ = "report_criterion_rollup"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "grain", "start", "agent_id", "criterion_key"),
                      CheckConstraint("grain IN ('week', 'month')", name="grain_known"),
                      Index("ix_report_criterion_rollup_read", "tenant_id", "grain", "start", postgresql_include=[
                          "agent_id", "criterion_key", "applicable", "lost", "points"]))

    grain: Mapped[str] = mapped_column(String(5))
    start: Mapped[date] = mapped_column()
    agent_id: Mapped[int] = mapped_column(ForeignKey("agent.id", ondelete="CASCADE"))
    criterion_key: Mapped[str] = mapped_column(String(32))
    applicable: Mapped[int] = mapped_column()
    lost: Mapped[int] = mapped_column()  # applicable and earned less than possible
    points: Mapped[int] = mapped_column(BigInteger)  # possible - earned where applicable, ten-thousandths


# ---- tiles: the whole weeks and months of a period (pure) ---------------------------------------

@dataclass(frozen=True, order=True)
class Tile:
    grain: Grain
    start: date

    @property
    def last(self) -> date:
        if self.grain == "week":
            return self.start + timedelta(days=6)
        return _next_month(self.start) - timedelta(days=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def tile_of(grain: Grain, day: date) -> Tile:
    return Tile(grain, day - timedelta(days=day.weekday()) if grain == "week" else day.replace(day=1))


def _whole(grain: Grain, first: date, last: date) -> list[Tile]:
    tile = tile_of(grain, first)
    if tile.start < first:
        tile = tile_of(grain, tile.last + timedelta(days=1))
    tiles = []
    while tile.last <= last:
        tiles.append(tile)
        tile = tile_of(grain, tile.last + timedelta(days=1))
    return tiles


def cover(first: date, last: date) -> tuple[list[Tile], list[tuple[date, date]]]:
    """[first, last] as whole months, then whole ISO weeks in what is left, then the days left over.

    Returns the tiles and the leftover (first, last) day ranges; together they hold every day
    of the period exactly once.
    """
    months = _whole("month", first, last)
    pieces = [(first, months[0].start - timedelta(days=1)), (months[-1].last + timedelta(days=1), last)] \
        if months else [(first, last)]
    tiles: list[Tile] = list(months)
    rest = []
    for a, b in pieces:
        if a > b:
            continue
        weeks = _whole("week", a, b)
        tiles += weeks
        rest += [(a, weeks[0].start - timedelta(days=1)), (weeks[-1].last + timedelta(days=1), b)] if weeks \
            else [(a, b)]
    return sorted(tiles), [(a, b) for a, b in rest if a <= b]


# ---- the GROUP BYs of the raw rows (what a bucket holds) ---------------------------------------

def _labelled(columns, names) -> list:
    return [column.label(name) for column, name in zip(columns, names)]


SCORE_NAMES = ("evaluations", "scored", "total", "total_sq", "passed", "auto_failed", "last_at")
CRITERION_NAMES = ("applicable", "lost", "points")


def _score_columns() -> list:
    total = scaled(Evaluation.total)
    return _labelled((func.count(Evaluation.id), func.count(Evaluation.total), func.coalesce(func.sum(total), 0),
                      func.coalesce(func.sum(total * total), 0), func.count(case((Evaluation.passed.is_(True), 1))),
                      func.count(case((Evaluation.auto_failed.is_(True), 1))), func.max(Evaluation.submitted_at)),
                     SCORE_NAMES)


def raw_scores(tenant_id: int, span: Period, filters: Filters, *keys, by_call: bool = False):
    """Score sums of the counted evaluations of the span, grouped by `keys` (labelled columns).

    by_call: the keys are the call's (channel, topic), so the call is joined and no last time kept.
    """
    if not by_call:
        return (select(*keys, *_score_columns()).where(*counted(tenant_id, span, filters)).group_by(*keys))
    return (select(*keys, *_score_columns()[:-1]).select_from(Evaluation).join(Call, Call.id == Evaluation.call_id)
            .where(*counted(tenant_id, span, filters), Call.tenant_id == tenant_id).group_by(*keys))


def raw_criteria(tenant_id: int, span: Period, filters: Filters, *keys):
    """Criterion sums of the counted evaluations of the span, grouped by `keys` (the key among them)."""
    ec = EvaluationCriterion
    applicable = ec.applicable.is_(True)
    columns = _labelled((func.count(case((applicable, 1))),
                         func.count(case((and_(applicable, ec.earned < ec.possible), 1))),
                         func.coalesce(func.sum(case((applicable, scaled(ec.possible - ec.earned)))), 0)),
                        CRITERION_NAMES)
    return (select(*keys, *columns).select_from(ec).join(Evaluation, Evaluation.id == ec.evaluation_id)
            .where(*counted(tenant_id, span, filters), ec.tenant_id == tenant_id).group_by(*keys))


# ---- keeping them up to date -------------------------------------------------------------------

Spans = Sequence[tuple[date, Period]]  # (bucket's first day, its bounds), consecutive


def _bucket(spans: Spans):
    """The first day of the bucket holding the evaluation, as one CASE."""
    return case(*((Evaluation.submitted_at < span.end, literal(start, Date)) for start, span in spans))


def _replace(table, tenant_id: int, spans: Spans, constants: dict, rows) -> None:
    """Replace the rows of these buckets (and constants) by `rows`, the GROUP BY of the raw rows."""
    constants = {"tenant_id": tenant_id, **constants}
    day = table.c.day if "day" in table.c else table.c.start
    db.session.execute(delete(table).where(*(table.c[k] == v for k, v in constants.items()),
                                           day.in_([start for start, _ in spans])))
    found = rows.subquery()
    db.session.execute(insert(table).from_select(
        [*constants, *found.c.keys()], select(*(literal(v) for v in constants.values()), *found.c)))


def _whole_span(spans: Spans) -> Period:
    return Period(spans[0][1].start, spans[-1][1].end)


def refresh_days(tenant: Tenant, days: Sequence[date]) -> None:
    """Recompute the tenant's day rollups of these consecutive local days."""
    spans = [(day, local_days(day, day, tenant.zone)) for day in days]
    keys = (_bucket(spans).label("day"), Call.channel.label("channel"),
            func.coalesce(Call.topic, NO_TOPIC).label("topic"))
    _replace(DayRollup.__table__, tenant.id, spans, {},
             raw_scores(tenant.id, _whole_span(spans), Filters(), *keys, by_call=True))


def refresh_tiles(tenant: Tenant, tiles: Sequence[Tile], agent_id: int | None = None) -> None:
    """Recompute these consecutive tiles of one grain, of one agent or of every agent."""
    spans = [(t.start, local_days(t.start, t.last, tenant.zone)) for t in tiles]
    constants: dict = {"grain": tiles[0].grain}
    keys = [_bucket(spans).label("start")]
    if agent_id is None:
        keys.append(Evaluation.agent_id.label("agent_id"))
        mine = []
    else:
        constants["agent_id"] = agent_id
        mine = [Evaluation.agent_id == agent_id]
    span = _whole_span(spans)
    _replace(AgentRollup.__table__, tenant.id, spans, constants,
             raw_scores(tenant.id, span, Filters(), *keys).where(*mine))
    _replace(CriterionRollup.__table__, tenant.id, spans, constants,
             raw_criteria(tenant.id, span, Filters(), *keys, EvaluationCriterion.criterion_key.label("criterion_key"))
             .where(*mine))


def _lock(kind: int, key: int) -> None:
    """Serialise refreshes of one bucket until commit (PostgreSQL; SQLite has one writer anyway).

    A collision of two keys only makes two refreshes wait for each other.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(cast(literal(kind), Integer),
                                                             cast(literal(key % 2**31), Integer))))


LOCK_AGENT, LOCK_DAY = 0x5EB0, 0x5EB1  # the first key of our advisory locks: what the second names


def refresh_evaluation(tenant: Tenant, agent_id: int, submitted_at: datetime) -> None:
    """Recompute every bucket holding an evaluation of this agent at that time."""
    day = submitted_at.astimezone(tenant.zone).date()
    _lock(LOCK_AGENT, agent_id)  # the agent's week and month, then the day: always in this order
    for grain in GRAINS:
        refresh_tiles(tenant, [tile_of(grain, day)], agent_id)
    _lock(LOCK_DAY, tenant.id * 1_000_003 + day.toordinal())
    refresh_days(tenant, [day])


@evaluation_scored.connect
def _scored(evaluation: Evaluation) -> None:
    refresh_evaluation(db.session.get(Tenant, evaluation.tenant_id), evaluation.agent_id, evaluation.submitted_at)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def rebuild(tenant: Tenant) -> int:
    """Recompute all of the tenant's rollups from the raw rows (the caller commits); days covered."""
    for model in (DayRollup, AgentRollup, CriterionRollup):
        db.session.execute(delete(model.__table__).where(model.__table__.c.tenant_id == tenant.id))
    first, last = db.session.execute(select(func.min(Evaluation.submitted_at), func.max(Evaluation.submitted_at))
                                     .where(Evaluation.tenant_id == tenant.id, Evaluation.status == "submitted")).one()
    if first is None:
        return 0
    first, last = first.astimezone(tenant.zone).date(), last.astimezone(tenant.zone).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    for chunk in _chunks(days, 31):
        refresh_days(tenant, chunk)
    for grain in GRAINS:
        tiles = [tile_of(grain, first)]
        while tiles[-1].last < last:
            tiles.append(tile_of(grain, tiles[-1].last + timedelta(days=1)))
        for chunk in _chunks(tiles):
            refresh_tiles(tenant, chunk)
    return len(days)


# ---- reading: the sums of a period -------------------------------------------------------------

def _tiles_match(model, tiles: Sequence[Tile]):
    return or_(*(and_(model.grain == grain, model.start.in_([t.start for t in tiles if t.grain == grain]))
                 for grain in GRAINS if any(t.grain == grain for t in tiles)))


def _split(first: date, last: date, filters: Filters) -> tuple[list[Tile], list[tuple[date, date]]]:
    """The tiles read from the agent rollups and the day ranges read raw (all of it for a channel)."""
    return cover(first, last) if filters.channel is None else ([], [(first, last)])


def _rollup_filters(model, tenant_id: int, filters: Filters) -> list:
    conditions = [model.tenant_id == tenant_id]
    if filters.team_id is not None:
        conditions.append(model.agent_id.in_(team_agents(tenant_id, filters.team_id)))
    return conditions


def _union(parts: list):
    return (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()


def agent_scores(tenant: Tenant, first: date, last: date, filters: Filters):
    """Per agent evaluated in [first, last]: agent_id and the score sums (SCORE_NAMES), as a subquery."""
    tiles, rest = _split(first, last, filters)
    r = AgentRollup
    parts = [select(r.agent_id, *(getattr(r, name) for name in SCORE_NAMES))
             .where(*_rollup_filters(r, tenant.id, filters), _tiles_match(r, tiles))] if tiles else []
    parts += [raw_scores(tenant.id, local_days(a, b, tenant.zone), filters, Evaluation.agent_id.label("agent_id"))
              for a, b in rest]
    if len(tiles) == 1 and not rest:  # one row per agent already
        return parts[0].subquery()
    found = _union(parts)
    sums = [func.sum(found.c[name]).label(name) for name in SCORE_NAMES[:-1]]
    return (select(found.c.agent_id, *sums, func.max(found.c.last_at).label("last_at"))
            .group_by(found.c.agent_id).subquery())


def criterion_sums(tenant: Tenant, first: date, last: date, filters: Filters):
    """Per criterion key and agent of [first, last]: key, agent_id and CRITERION_NAMES, as a subquery."""
    tiles, rest = _split(first, last, filters)
    r = CriterionRollup
    parts = [select(r.criterion_key.label("key"), r.agent_id, r.applicable, r.lost, r.points)
             .where(*_rollup_filters(r, tenant.id, filters), _tiles_match(r, tiles))] if tiles else []
    parts += [raw_criteria(tenant.id, local_days(a, b, tenant.zone), filters,
                           EvaluationCriterion.criterion_key.label("key"), Evaluation.agent_id.label("agent_id"))
              for a, b in rest]
    if len(tiles) == 1 and not rest:  # one row per criterion and agent already
        return parts[0].subquery()
    found = _union(parts)
    return (select(found.c.key, found.c.agent_id, *(func.sum(found.c[n]).label(n) for n in CRITERION_NAMES))
            .group_by(found.c.key, found.c.agent_id).subquery())


def day_scores(tenant: Tenant, first: date, last: date, filters: Filters, key):
    """The tenant's score sums of [first, last] grouped by `key` (an expression of DayRollup's columns).

    Not for a team filter: the day rollups hold every agent together.
    """
    assert filters.team_id is None, "the day rollups have no agents; read the raw rows for a team"
    r = DayRollup
    where = [r.tenant_id == tenant.id, r.day >= first, r.day <= last]
    if filters.channel is not None:
        where.append(r.channel == filters.channel)
    return (select(key, *(func.sum(getattr(r, name)) for name in SCORE_NAMES[:-1])).where(*where).group_by(key))
