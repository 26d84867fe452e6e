"""Systemic or individual, kept: the criteria's tests stored under a digest of their inputs.

A criterion's verdict (stats.differences.classify: one Fisher test per agent, then
Benjamini-Hochberg) costs milliseconds per criterion at the demo's size and about a second
for a page at 100 times it, and the dashboard shows it on every request. Its inputs are few
integers that the criterion rollups give cheaply (each agent's evaluations where the
criterion applied and those where it lost points) and the tenant's systemic threshold, so
the result is stored under a SHA-256 of exactly those inputs:

- a request reads the rollups as before, digests each criterion's inputs and looks the
  verdicts up in one query; a verdict whose inputs changed has another digest, so a stored
  one can never be stale, and a miss is tested live (the same function, the same figures);
- `keep` (the reports' `refresh_verdicts` job, every few minutes, and after a rollup
  rebuild) tests and stores what the tenant's current and previous week and month need,
  marks what it still uses as seen, and drops what has not been seen for KEEP_DAYS.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import JSON, PrimaryKeyConstraint, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned
from vendor_qa.stats import differences
from vendor_qa.stats.differences import Losses
from vendor_qa.stats.intervals import Interval, rate_interval

KEEP_DAYS = 7  # a verdict no refresh used for this long is dropped (a later request tests it again)

AgentLosses = Sequence[tuple[int, int, int]]  # (agent id, lost, applicable), by agent id


class CriterionVerdict(TenantOwned, db.Model):
    __tablename__ = "report_criterion_verdict"
    __table_args__ = (PrimaryKeyConstraint("tenant_id", "digest"),)

    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the test's inputs (`digest`)
    kind: Mapped[str] = mapped_column(String(10))  # differences.SYSTEMIC, INDIVIDUAL or NONE
    standing_out: Mapped[list] = mapped_column(JSON)  # [[agent id, lost, applicable], ...] worst first
    seen_at: Mapped[datetime] = mapped_column()  # last stored or used by a refresh


@dataclass(frozen=True)
class Found:
    """A criterion's verdict as the dashboard shows it."""

    kind: str
    pooled: Interval | None  # the pooled loss rate's 95% interval
    standing_out: list[tuple[int, Losses]]  # the agents who lose it more often than the rest, worst first


def digest(losses: AgentLosses, threshold: float) -> str:
    """The inputs of one criterion's test, hashed: the threshold, the level, each agent's counts."""
    text = ";".join([repr(float(threshold)), repr(differences.SIGNIFICANCE),
                     *(f"{agent_id}:{lost}/{applicable}" for agent_id, lost, applicable in losses)])
    return hashlib.sha256(text.encode()).hexdigest()


def verdicts(tenant_id: int, by_key: dict[str, AgentLosses], threshold: float) -> dict[str, Found]:
    """Each criterion's verdict: the stored one of its inputs, else tested now (not stored: a read)."""
    digests = {key: digest(losses, threshold) for key, losses in by_key.items()}
    stored = _stored(tenant_id, set(digests.values()))
    return {key: _of_row(stored[digests[key]], losses) if digests[key] in stored else tested(losses, threshold)
            for key, losses in by_key.items()}


def tested(losses: AgentLosses, threshold: float) -> Found:
    found = [(agent_id, Losses(lost, applicable)) for agent_id, lost, applicable in losses]
    verdict = differences.classify([agent for _, agent in found], threshold)
    return Found(verdict.kind, verdict.pooled, [found[i] for i in verdict.standing_out])


def keep(tenant_id: int, by_key: dict[str, AgentLosses], threshold: float, now: datetime) -> int:
    """Store the verdicts of these inputs (testing those not stored yet), seen now; how many were tested."""
    digests = {key: digest(losses, threshold) for key, losses in by_key.items()}
    stored = _stored(tenant_id, set(digests.values()))
    rows, fresh = {}, 0
    for key, losses in by_key.items():
        if digests[key] in stored:
            row = stored[digests[key]]
            kind, standing = row.kind, row.standing_out
        else:
            found = tested(losses, threshold)
            kind, standing = found.kind, [[a, f.lost, f.applicable] for a, f in found.standing_out]
            fresh += 1
        rows[digests[key]] = {"tenant_id": tenant_id, "digest": digests[key], "kind": kind,
                              "standing_out": standing, "seen_at": now}
    if rows:
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(CriterionVerdict.__table__).values(list(rows.values()))
        db.session.execute(statement.on_conflict_do_update(index_elements=["tenant_id", "digest"],
                                                           set_={"seen_at": statement.excluded.seen_at}))
    return fresh


def forget_unseen(tenant_id: int, now: datetime) -> None:
    db.session.execute(delete(CriterionVerdict.__table__).where(
        CriterionVerdict.tenant_id == tenant_id, CriterionVerdict.seen_at < now - timedelta(days=KEEP_DAYS)))


def _stored(tenant_id: int, digests: set[str]) -> dict[str, CriterionVerdict]:
    if not digests:
        return {}
    rows = db.session.scalars(select(CriterionVerdict).where(CriterionVerdict.tenant_id == tenant_id,
                                                             CriterionVerdict.digest.in_(digests)))
    return {row.digest: row for row in rows}


def _of_row(row: CriterionVerdict, losses: AgentLosses) -> Found:
    lost, applicable = sum(n for _, n, _ in losses), sum(n for *_, n in losses)
    return Found(row.kind, rate_interval(lost, applicable),
                 [(agent_id, Losses(lost, applicable)) for agent_id, lost, applicable in row.standing_out])
