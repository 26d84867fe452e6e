"""Calibration sessions: starting one, following it, closing it, and comparing its scores.

Run in the session's tenant context. Functions change the session and leave the commit to
the caller, except `close`, which is a single conditional UPDATE so that two closers (an
admin's page view and the daily job) record the closing once.

The blind rule: answers are revealed only once a session is *revealed* (closed, every
participant submitted, or the deadline passed), and only on the vendor admin's session
page. Participants grade on 'calibration' assignments through the ordinary grading form,
which shows a grader only their own work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Sequence

from sqlalchemy import func, select, update

from vendor_qa import clock
from vendor_qa.audit.models import record
from vendor_qa.auth.models import User
from vendor_qa.calibration import agreement, certification
from vendor_qa.calibration.models import CalibrationParticipant, CalibrationSession
from vendor_qa.calls.models import CHANNELS, Call
from vendor_qa.extensions import db
from vendor_qa.grading import assignments
from vendor_qa.grading.assignments import AssignmentError, certified_graders
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment, Evaluation
from vendor_qa.scorecards import engine, scoring
from vendor_qa.scorecards.models import Criterion, ScorecardVersion
from vendor_qa.scorecards.versions import current_version_ids, get_version
from vendor_qa.tenants.models import Tenant

MIN_GRADERS = 2
MAX_GRADERS = 20
RECENT_DAYS = 14  # "a random recent call" is one of the last two weeks
SUBJECT = "calibration_session"


class CalibrationError(AssignmentError):
    """A session the rules refuse; the message says why, `field` names the form field."""


# ---- starting ------------------------------------------------------------------------------

def _versions_by_channel(tenant: Tenant) -> dict[str, ScorecardVersion]:
    return {channel: get_version(version_id) for channel, version_id in current_version_ids(tenant, CHANNELS).items()}


def call_by_external_id(external_id: str) -> Call:
    call = db.session.scalar(select(Call).where(Call.external_id == (external_id or "").strip()))
    if call is None:
        raise CalibrationError("No call of this tenant has that id.", field="call")
    return call


def random_recent_call(tenant: Tenant, now: datetime) -> Call:
    """A random call of the last RECENT_DAYS on a channel that has a published scorecard."""
    channels = list(_versions_by_channel(tenant))
    call = db.session.scalar(
        select(Call).where(Call.tenant_id == tenant.id, Call.channel.in_(channels),
                           Call.started_at >= now - timedelta(days=RECENT_DAYS))
        .order_by(func.random()).limit(1)) if channels else None
    if call is None:
        raise CalibrationError(f"This tenant has no call of the last {RECENT_DAYS} days on a channel with a "
                               "published scorecard; name a call instead.", field="call")
    return call


def eligible_graders(tenant_id: int, grader_ids: Sequence[int]) -> list[User]:
    """The given graders that are active and certified for the tenant, in one query.

    Certifications pending behind the tenant's certification gate count: calibration is how
    a pending grader proves their alignment (vendor_qa.calibration.certification).
    """
    return list(db.session.scalars(
        certified_graders(tenant_id, including_pending=True).where(User.id.in_(set(grader_ids)))))


def create_session(tenant: Tenant, call: Call, grader_ids: Sequence[int], deadline: datetime,
                   actor: User | None, expert_id: int | None = None, now: datetime | None = None,
                   scheduled_for: date | None = None) -> CalibrationSession:
    """A new open session with one calibration assignment per grader, each already in their queue."""
    now = now or clock.now()
    graders = _checked_graders(tenant, grader_ids, expert_id)
    if deadline <= now:
        raise CalibrationError("Choose a deadline in the future.", field="deadline")
    version = _versions_by_channel(tenant).get(call.channel)
    if version is None:
        raise CalibrationError(f"Publish a scorecard for {call.channel} first.", field="call")
    session = CalibrationSession(tenant_id=tenant.id, call=call, scorecard_version_id=version.id,
                                 created_by_id=actor.id if actor else None, expert_id=expert_id,
                                 deadline=deadline, status="open", scheduled_for=scheduled_for)
    db.session.add(session)
    db.session.flush()
    note = f"Calibration session #{session.id}"
    for grader in graders:
        work = assignments.create_assignment(call, "calibration", version, due_at=deadline, actor=actor, note=note)
        assignments.assign(work, grader, actor, note)
        session.participants.append(CalibrationParticipant(tenant_id=tenant.id, grader_id=grader.id,
                                                           assignment_id=work.id))
    db.session.flush()
    record(tenant.id, "calibration.session_created", SUBJECT, session.id, actor, after={
        "call": call.external_id, "scorecard_version_id": version.id, "graders": [g.id for g in graders],
        "expert": expert_id, "deadline": deadline.isoformat(), "scheduled_for": _day(scheduled_for),
    }, at=now)
    return session


def _checked_graders(tenant: Tenant, grader_ids: Sequence[int], expert_id: int | None) -> list[User]:
    wanted = set(grader_ids)
    if len(wanted) < MIN_GRADERS:
        raise CalibrationError(f"Choose at least {MIN_GRADERS} graders: calibration compares them.", field="graders")
    if len(wanted) > MAX_GRADERS:
        raise CalibrationError(f"Choose at most {MAX_GRADERS} graders.", field="graders")
    graders = eligible_graders(tenant.id, list(wanted))
    if len(graders) != len(wanted):
        raise CalibrationError("Choose active graders certified for this tenant.", field="graders")
    if expert_id is not None and expert_id not in wanted:
        raise CalibrationError("The expert must be one of the chosen graders.", field="expert")
    if expert_id is not None and db.session.scalar(certified_graders(tenant.id).where(User.id == expert_id)) is None:
        raise CalibrationError("The expert must hold an active certification for this tenant, not a pending one.",
                               field="expert")
    return graders


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# ---- following -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    """Who has submitted, and nothing of what they answered."""

    participant: CalibrationParticipant
    submitted: bool

    @property
    def grader(self) -> User:
        return self.participant.grader


def progress(session: CalibrationSession) -> list[Progress]:
    statuses = dict(db.session.execute(
        select(Assignment.id, Assignment.status).where(
            Assignment.id.in_([p.assignment_id for p in session.participants]))).tuples().all())
    return [Progress(p, statuses.get(p.assignment_id) == "submitted") for p in session.participants]


def is_revealed(session: CalibrationSession, rows: Sequence[Progress], now: datetime) -> bool:
    return session.status == "closed" or session.deadline <= now or all(r.submitted for r in rows)


def close(session: CalibrationSession, actor: User | None, why: str, now: datetime | None = None) -> bool:
    """Close an open session (once): withdraw the work not submitted, record it. False if closed already."""
    now = now or clock.now()
    closed = db.session.execute(
        update(CalibrationSession).where(CalibrationSession.id == session.id, CalibrationSession.status == "open")
        .values(status="closed", closed_at=now, updated_at=now)
        .execution_options(synchronize_session="fetch")).rowcount
    if closed != 1:
        return False
    rows = progress(session)
    unfinished = db.session.scalars(select(Assignment).where(
        Assignment.id.in_([r.participant.assignment_id for r in rows]),
        Assignment.status.in_(("open", *ACTIVE_STATUSES))))
    for work in unfinished:
        assignments.cancel(work, actor, f"Calibration session #{session.id} closed: {why}")
    record(session.tenant_id, "calibration.session_closed", SUBJECT, session.id, actor,
           before={"status": "open"},
           after={"status": "closed", "why": why, "submitted": sum(r.submitted for r in rows), "graders": len(rows)},
           at=now)
    db.session.flush()
    certification.activate_reached([session.tenant_id], now)  # the session may complete a pending grader's set
    db.session.commit()
    return True


def close_if_due(session: CalibrationSession, now: datetime | None = None) -> bool:
    """Close a session whose graders have all submitted or whose deadline has passed."""
    now = now or clock.now()
    if session.status != "open":
        return False
    rows = progress(session)
    if all(r.submitted for r in rows):
        return close(session, None, "every grader submitted", now)
    if session.deadline <= now:
        return close(session, None, "the deadline passed", now)
    return False


def due_sessions(now: datetime) -> list[CalibrationSession]:
    """The context tenant's open sessions past their deadline or fully submitted."""
    unsubmitted = (select(CalibrationParticipant.session_id)
                   .join(Assignment, Assignment.id == CalibrationParticipant.assignment_id)
                   .where(Assignment.status != "submitted"))
    return list(db.session.scalars(select(CalibrationSession).where(
        CalibrationSession.status == "open",
        (CalibrationSession.deadline <= now) | CalibrationSession.id.not_in(unsubmitted))))


# ---- comparing -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Results:
    version: ScorecardVersion
    evaluations: list[Evaluation]  # submitted, in participant order
    comparison: agreement.Comparison

    @property
    def by_criterion(self) -> list[tuple[Criterion, agreement.CriterionAgreement]]:
        return list(zip(self.version.criteria, self.comparison.criteria))

    def total_gap(self, evaluation: Evaluation) -> Decimal | None:
        return self.comparison.total_gaps.get(evaluation.grader_id)


def results(session: CalibrationSession) -> Results:
    """The submitted evaluations side by side, with their agreement figures (reveal first!)."""
    order = {p.assignment_id: i for i, p in enumerate(session.participants)}
    found = db.session.scalars(select(Evaluation).where(
        Evaluation.assignment_id.in_(list(order)), Evaluation.status == "submitted"))
    evaluations = sorted(found, key=lambda e: order[e.assignment_id])
    version = get_version(session.scorecard_version_id)
    criteria = engine.criteria_of(version)
    by_key = {c.key: c for c in criteria}
    sheets = [agreement.Sheet(e.grader_id, _answers(e.answers, by_key), e.total) for e in evaluations]
    return Results(version, evaluations, agreement.compare(criteria, sheets, session.expert_id))


def _answers(stored: dict[str, str], criteria: dict[str, scoring.Criterion]) -> dict[str, scoring.Answer]:
    """Stored answer texts as the engine's answers (scale values back to ints)."""
    return {key: scoring.parse_answer(criteria[key], text) for key, text in (stored or {}).items() if key in criteria}


# ---- cadence -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CadenceStatus:
    every_days: int  # 0: no cadence
    last_at: datetime | None

    def due_at(self) -> datetime | None:
        """When the next session is due; None without a cadence, or without any session (due now)."""
        if not self.every_days or self.last_at is None:
            return None
        return self.last_at + timedelta(days=self.every_days)

    def up_to_date(self, now: datetime) -> bool:
        """No cadence is set, or a session started within it."""
        due = self.due_at()
        return not self.every_days or (due is not None and now < due)


def cadence_statuses(tenants: Sequence[Tenant]) -> dict[int, CadenceStatus]:
    """Each tenant's cadence and last session start, in one query (needs a scope covering them)."""
    ids = [t.id for t in tenants]
    last = dict(db.session.execute(
        select(CalibrationSession.tenant_id, func.max(CalibrationSession.created_at))
        .where(CalibrationSession.tenant_id.in_(ids)).group_by(CalibrationSession.tenant_id)).tuples().all())
    return {t.id: CadenceStatus(int(t.setting("calibration_every_days") or 0), last.get(t.id))
            for t in tenants}

