"""The atomic claim: many graders press "Get next" at once and never get the same assignment.

The pool is the open, unowned assignments of the grader's certified tenants,
most urgent first: highest priority, earliest due, then oldest id. These are
Core statements on the assignment table, so the tenant filter is written into
the SQL here rather than left to the automatic scoping, and the hot path skips
the ORM's per-statement work (the statements are built once, with bound values).

PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1`, then the UPDATE, in one
transaction. A row another grader is claiming is locked, so the SELECT skips to
the next one instead of waiting for it or taking it twice.

SQLite: one `UPDATE ... WHERE id = (SELECT ... LIMIT 1) AND status = 'open'
RETURNING`. SQLite lets one writer in at a time, and an UPDATE takes the write
lock before it reads (the driver opens the transaction at the first write, and no
earlier read keeps an old snapshot), so the choice and the change cannot be split
by another claim; the `status = 'open'` check keeps the rule in the statement itself.

Both record the 'claimed' event in the same transaction; the caller commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import Connection, Row, Update, and_, bindparam, exists, func, insert, or_, select, update

from vendor_qa.grading.models import Assignment, AssignmentEvent

_assignment = Assignment.__table__
_other = _assignment.alias("other_work")

# What the grader (bound as grader_id) may take from the pool of the tenants bound as tenant_ids.
CLAIMABLE = and_(
    _assignment.c.tenant_id.in_(bindparam("tenant_ids", expanding=True)),
    _assignment.c.status == "open", _assignment.c.grader_id.is_(None),
    # a calibration belongs to the graders of its session, never to the pool
    _assignment.c.reason != "calibration",
    # a double grade is a second grader's: never one who has graded the call already
    or_(_assignment.c.reason != "double",
        ~exists().where(_other.c.call_id == _assignment.c.call_id, _other.c.id != _assignment.c.id,
                        _other.c.grader_id == bindparam("grader_id"))),
)
POOL_HEAD = (
    select(_assignment.c.id).where(CLAIMABLE)
    .order_by(_assignment.c.priority.desc(), _assignment.c.due_at, _assignment.c.id)
    .limit(1)
)
POOL_SIZE = select(func.count()).select_from(_assignment).where(CLAIMABLE)


def _take(which) -> Update:
    """Give the open row `which` picks to the grader, returning the whole updated row."""
    return (
        update(_assignment).where(_assignment.c.id == which, _assignment.c.status == "open")
        .values(status="assigned", grader_id=bindparam("grader_id"), assigned_at=bindparam("now"),
                updated_at=bindparam("now"))
        .returning(*_assignment.c)
    )


LOCK_HEAD = POOL_HEAD.with_for_update(skip_locked=True)
TAKE_LOCKED = _take(bindparam("claim_id"))
TAKE_HEAD = _take(POOL_HEAD.scalar_subquery())
RECORD_CLAIM = insert(AssignmentEvent.__table__).values(
    tenant_id=bindparam("tenant_id"), assignment_id=bindparam("assignment_id"), at=bindparam("now"),
    actor_id=bindparam("grader_id"), action="claimed", to_grader_id=bindparam("grader_id"),
)


def claim_open(conn: Connection, grader_id: int, tenant_ids: Sequence[int], now: datetime) -> Row | None:
    """Claim the head of the pool for the grader in `conn`'s transaction; the assignment row, or None."""
    values = {"tenant_ids": list(tenant_ids), "grader_id": grader_id, "now": now}
    if conn.dialect.name == "postgresql":
        head = conn.execute(LOCK_HEAD, values).scalar()
        claimed = None if head is None else conn.execute(TAKE_LOCKED, {**values, "claim_id": head}).one_or_none()
    else:
        claimed = conn.execute(TAKE_HEAD, values).one_or_none()
    if claimed is not None:
        conn.execute(RECORD_CLAIM, {**values, "tenant_id": claimed.tenant_id, "assignment_id": claimed.id})
    return claimed
