"""Time spent grading: from starting the work to submitting it, minus the time away.

A grader who starts an assignment gets a clock (one per assignment and grader). Signs of
presence move it on: starting (or coming back to) the work, the page's reports
(static/js/grading_timer.js: a heartbeat every BEAT_SECONDS while the tab is visible and the
grader works or the recording plays, "away" when the tab is hidden or idle), a draft saved
without JavaScript, and the submission. The gap since the previous sign counts as work,
unless the grader was reported away, and never more than a limit: two missed heartbeats
(the laptop slept) while the page reports, QUIET_LIMIT without JavaScript, where the server
knows only the start, the drafts and the submission.

The submission stores the total in `Evaluation.grading_seconds`; medians per grader and
scorecard are taken from those stored rows (`statistics.median`).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment, Evaluation
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.models import TenantOwned
from vendor_qa.scorecards.models import Scorecard, ScorecardVersion
from vendor_qa.templating import rounded

BEAT_SECONDS = 30  # the page's heartbeat (grading_timer.js reads it from its script tag)
BEAT_LIMIT = timedelta(seconds=3 * BEAT_SECONDS)  # longer without a beat: the browser slept or went offline
QUIET_LIMIT = timedelta(minutes=20)  # no JavaScript: a call takes 6-8 minutes (DOMAIN.md), so a longer gap was partly away
PAGE_EVENTS = ("active", "away")  # what the page reports
WINDOW = timedelta(days=28)  # medians over the last four weeks of work
ENOUGH = 10  # measurements before a median replaces the guess


# ---- the pure core --------------------------------------------------------------------------

@dataclass(frozen=True)
class Tally:
    active_seconds: int
    last_seen_at: datetime
    away: bool = False
    reporting: bool = False  # the page's script reports; its heartbeats set the limit


def advance(tally: Tally, at: datetime, event: str, from_page: bool = False) -> Tally:
    """The tally after a sign at `at`: "start" (the gap before it is never work), "active" or "away".

    A sign older than the last one (a delayed request) counts nothing and moves nothing back.
    """
    reporting = tally.reporting or from_page
    gap = at - tally.last_seen_at
    if tally.away or event == "start" or gap <= timedelta(0):
        counted = timedelta(0)
    else:
        counted = min(gap, BEAT_LIMIT if reporting else QUIET_LIMIT)
    return Tally(tally.active_seconds + int(counted.total_seconds()), max(at, tally.last_seen_at),
                 away=event == "away", reporting=reporting)


@dataclass(frozen=True)
class Pace:
    """The median time of a set of evaluations, and how many it is taken over."""

    median_seconds: float
    count: int

    @property
    def enough(self) -> bool:
        return self.count >= ENOUGH

    @property
    def seconds(self) -> int:
        """The median in whole seconds, half-up (a median of an even count may end in .5)."""
        return int(rounded(self.median_seconds, 0))

    @property
    def minutes(self) -> float:
        return self.median_seconds / 60


def paces(rows) -> dict:
    """(key, seconds) pairs to the Pace of each key."""
    grouped: dict = {}
    for key, seconds in rows:
        grouped.setdefault(key, []).append(seconds)
    return {key: Pace(statistics.median(values), len(values)) for key, values in grouped.items()}


# ---- the stored clock -----------------------------------------------------------------------

class GradingClock(TenantOwned, db.Model):
    """The running tally of one grader's work on one assignment."""

    __table_args__ = (UniqueConstraint("assignment_id", "grader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    grader_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    away: Mapped[bool] = mapped_column(default=False)
    reporting: Mapped[bool] = mapped_column(default=False)
    active_seconds: Mapped[int] = mapped_column(default=0)

    def tally(self) -> Tally:
        return Tally(self.active_seconds, self.last_seen_at, self.away, self.reporting)

    def keep(self, tally: Tally) -> None:
        self.active_seconds, self.last_seen_at = tally.active_seconds, tally.last_seen_at
        self.away, self.reporting = tally.away, tally.reporting


def _clock_of(assignment_id: int, grader_id: int) -> GradingClock | None:
    return db.session.scalar(select(GradingClock).where(
        GradingClock.assignment_id == assignment_id, GradingClock.grader_id == grader_id))


def start(assignment: Assignment, now: datetime) -> None:
    """The holder starts (or comes back to) the work: a new clock, or the old one resumed. The caller commits."""
    found = _clock_of(assignment.id, assignment.grader_id)
    if found is None:
        db.session.add(GradingClock(tenant_id=assignment.tenant_id, assignment_id=assignment.id,
                                    grader_id=assignment.grader_id, started_at=now, last_seen_at=now))
    else:
        found.keep(advance(found.tally(), now, "start"))


def note(assignment: Assignment, now: datetime, event: str = "active", from_page: bool = False) -> bool:
    """A sign of presence on started work; False when the work has no clock (never started). The caller commits."""
    found = _clock_of(assignment.id, assignment.grader_id)
    if found is None:
        return False
    found.keep(advance(found.tally(), now, event, from_page))
    return True


@evaluation_scored.connect
def _store_time(evaluation: Evaluation, **_) -> None:
    """On the first submission, the clock's total is the evaluation's grading time.

    Work started before the clocks existed (or by code that never starts one, like the demo's
    history) keeps the wall time from opening to submitting that the submission stored.
    """
    if evaluation.revision != 1 or evaluation.submitted_at is None:
        return  # a dispute's correction: the grading time stays what it was
    found = _clock_of(evaluation.assignment_id, evaluation.grader_id)
    if found is not None:
        found.keep(advance(found.tally(), evaluation.submitted_at, "active"))
        evaluation.grading_seconds = found.active_seconds


# ---- medians from the stored evaluations ------------------------------------------------------

def _measured(since: datetime):
    return select(Evaluation.grading_seconds).where(
        Evaluation.status == "submitted", Evaluation.submitted_at >= since, Evaluation.grading_seconds.is_not(None))


def by_scorecard(grader_id: int, tenant_ids: list[int], now: datetime) -> list[tuple[str, Pace]]:
    """The grader's median per scorecard over the WINDOW, by scorecard name."""
    rows = db.session.execute(
        _measured(now - WINDOW).add_columns(ScorecardVersion.scorecard_id)
        .join(ScorecardVersion, ScorecardVersion.id == Evaluation.scorecard_version_id)
        .where(Evaluation.grader_id == grader_id, Evaluation.tenant_id.in_(tenant_ids))).all()
    found = paces((scorecard_id, seconds) for seconds, scorecard_id in rows)
    names = scorecard_names(found)
    return sorted(((names[key], pace) for key, pace in found.items()), key=lambda pair: pair[0])


def by_grader_and_scorecard(tenant_id: int, now: datetime) -> dict[tuple[int, int], Pace]:
    """The tenant's medians per (grader id, scorecard id) over the WINDOW."""
    rows = db.session.execute(
        _measured(now - WINDOW).add_columns(Evaluation.grader_id, ScorecardVersion.scorecard_id)
        .join(ScorecardVersion, ScorecardVersion.id == Evaluation.scorecard_version_id)
        .where(Evaluation.tenant_id == tenant_id)).all()
    return paces(((grader_id, scorecard_id), seconds) for seconds, grader_id, scorecard_id in rows)


def by_grader(grader_ids: list[int], now: datetime) -> dict[int, Pace]:
    """Each grader's median over the WINDOW, in every tenant (the caller opens a vendor-wide scope)."""
    if not grader_ids:
        return {}
    rows = db.session.execute(_measured(now - WINDOW).add_columns(Evaluation.grader_id)
                              .where(Evaluation.grader_id.in_(grader_ids))).all()
    return paces((grader_id, seconds) for seconds, grader_id in rows)


def scorecard_names(ids) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Scorecard.id, Scorecard.name).where(Scorecard.id.in_(ids))).tuples().all())
