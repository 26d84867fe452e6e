"""Disputes in the tenant context: raising one, reviewing it, correcting the evaluation, history.

The rules themselves are pure (rules.py); this module loads, applies them and stores. A
decision is one transaction: the dispute moves from open to its outcome with a conditional
UPDATE (so two reviewers cannot both decide it), the replaced state of the evaluation is kept
as an EvaluationRevision, the new answers are scored with the evaluation's own scorecard
version through the grading code, `evaluation_scored` is sent, the audit trail written, and
everything commits together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from vendor_qa import clock
from vendor_qa.audit.models import record
from vendor_qa.auth.models import User
from vendor_qa.disputes import rules
from vendor_qa.disputes.models import Dispute, DisputeItem, EvaluationRevision
from vendor_qa.extensions import db
from vendor_qa.grading import evaluations
from vendor_qa.grading.models import UNCOUNTED_REASONS, Assignment, Evaluation
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.scorecards import engine
from vendor_qa.scorecards.models import ScorecardVersion
from vendor_qa.scorecards.versions import get_version
from vendor_qa.tenants.models import Tenant

SUBJECT = "dispute"


class DisputeRefused(Exception):
    """The dispute cannot be raised or decided now; the message says why and what to do."""


# ---- can it be disputed? ---------------------------------------------------------------------

@dataclass(frozen=True)
class Openness:
    """Whether an evaluation can be disputed now, and when its window closes."""

    closes_at: datetime | None
    open_dispute_id: int | None
    refusal: str | None  # None: it can be disputed

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def openness(evaluation: Evaluation, tenant: Tenant, now: datetime) -> Openness:
    open_id = db.session.scalar(select(Dispute.id).where(Dispute.evaluation_id == evaluation.id,
                                                         Dispute.status == "open"))
    if evaluation.status != "submitted" or evaluation.submitted_at is None or not _counted(evaluation):
        return Openness(None, open_id, "Only submitted evaluations of the client's agents can be disputed.")
    days = int(tenant.setting("dispute_window_days"))
    closes = rules.window_closes_at(evaluation.submitted_at, days)
    if open_id is not None:
        return Openness(closes, open_id, f"Dispute #{open_id} of this evaluation is still open; "
                                         "a new one can be raised once it is decided.")
    if not rules.within_window(evaluation.submitted_at, days, now):
        return Openness(closes, None, f"The dispute window closed on {closes.astimezone(tenant.zone):%Y-%m-%d %H:%M}: "
                                      f"evaluations can be disputed for {days} days after submission.")
    return Openness(closes, None, None)


def _counted(evaluation: Evaluation) -> bool:
    reason = db.session.scalar(select(Assignment.reason).where(Assignment.id == evaluation.assignment_id))
    return reason not in UNCOUNTED_REASONS


# ---- raising ---------------------------------------------------------------------------------

def raise_dispute(evaluation: Evaluation, form: Mapping[str, str], actor: User, tenant: Tenant,
                  now: datetime | None = None) -> tuple[Dispute | None, dict[str, str]]:
    """Open a dispute from the raising form; (None, errors) and nothing saved when the form is wrong.

    Raises DisputeRefused when the evaluation cannot be disputed now.
    """
    now = now or clock.now()
    state = openness(evaluation, tenant, now)
    if not state.allowed:
        raise DisputeRefused(state.refusal)
    version = get_version(evaluation.scorecard_version_id)
    current = dict(evaluation.answers or {})
    claims, errors = rules.read_claims(engine.criteria_of(version), current, form)
    if errors:
        return None, errors
    dispute = Dispute(tenant_id=evaluation.tenant_id, evaluation_id=evaluation.id, revision=evaluation.revision,
                      raised_by_id=actor.id, status="open", created_at=now, updated_at=now, items=[
                          DisputeItem(tenant_id=evaluation.tenant_id, criterion_key=c.criterion_key,
                                      disputed_answer=current[c.criterion_key], reason=c.reason,
                                      proposed_answer=c.proposed) for c in claims])
    db.session.add(dispute)
    try:
        db.session.flush()
    except IntegrityError:  # another dispute of this evaluation was opened a moment ago
        db.session.rollback()
        raise DisputeRefused("Another dispute of this evaluation was opened a moment ago; see the disputes list.")
    record(evaluation.tenant_id, "dispute.raised", SUBJECT, dispute.id, actor, at=now, after={
        "evaluation_id": evaluation.id, "revision": evaluation.revision, "total": str(evaluation.total),
        "items": [{"criterion": c.criterion_key, "answer": current[c.criterion_key], "reason": c.reason,
                   "proposed": c.proposed} for c in claims],
    })
    db.session.commit()
    return dispute, {}


# ---- reviewing -------------------------------------------------------------------------------

def items_of(dispute: Dispute, version: ScorecardVersion) -> list[rules.Item]:
    by_key = {c.key: c for c in engine.criteria_of(version)}
    return [rules.Item(i.id, by_key[i.criterion_key], i.proposed_answer) for i in dispute.items]


def review(dispute: Dispute, form: Mapping[str, str], actor: User, tenant: Tenant,
           now: datetime | None = None) -> dict[str, str]:
    """Decide an open dispute from the review form and correct the evaluation; the errors, if any.

    Nothing is saved when there are errors. Raises DisputeRefused when it was decided already.
    """
    now = now or clock.now()
    if not dispute.is_open:
        raise DisputeRefused(f"Dispute #{dispute.id} was decided already.")
    evaluation = dispute.evaluation
    version = get_version(evaluation.scorecard_version_id)
    current = dict(evaluation.answers or {})
    ruling, errors = rules.read_ruling(items_of(dispute, version), current, form)
    if errors:
        return errors
    by_item = {i.id: i for i in dispute.items}
    corrected = {**current, **{by_item[item_id].criterion_key: answer for item_id, answer in ruling.applied.items()}}
    checked = _assessed(evaluation, version, corrected, tenant) if ruling.applied else None
    if checked is not None and checked.result.total is None:  # every criterion made N/A
        return {rules.GENERAL: "With these answers no criterion applies, so the call would have no score; "
                               "choose other answers."}
    _take_for_decision(dispute, ruling.status, actor, now)
    dispute.answer = ruling.answer
    for item in dispute.items:
        item.decision = "accepted" if item.id in ruling.applied else "rejected"
        item.applied_answer = ruling.applied.get(item.id)
    before = _audit_state(evaluation)
    if checked is not None:
        _correct(evaluation, version, checked, dispute, now)
    record(evaluation.tenant_id, "dispute.reviewed", SUBJECT, dispute.id, actor, at=now, before=before, after={
        **_audit_state(evaluation), "status": ruling.status, "answer": ruling.answer,
        "decisions": {item.criterion_key: item.decision for item in dispute.items},
    })
    db.session.commit()
    return {}


def _assessed(evaluation: Evaluation, version: ScorecardVersion, answers: dict[str, str], tenant: Tenant):
    entry = evaluations.Entry(answers, dict(evaluation.comments or {}), evaluation.feedback_good or "",
                              evaluation.feedback_improve or "")
    return evaluations.assess(version, entry, tenant, submitting=False)


def _take_for_decision(dispute: Dispute, status: str, actor: User, now: datetime) -> None:
    """Move the dispute from open to its outcome, once: a second reviewer finds nothing to change."""
    changed = db.session.execute(
        update(Dispute).where(Dispute.id == dispute.id, Dispute.status == "open")
        .values(status=status, reviewer_id=actor.id, reviewed_at=now, updated_at=now)
        .execution_options(synchronize_session="fetch")).rowcount
    if changed != 1:
        db.session.rollback()
        raise DisputeRefused(f"Dispute #{dispute.id} was decided a moment ago by someone else.")


def _audit_state(evaluation: Evaluation) -> dict:
    return {"evaluation_id": evaluation.id, "revision": evaluation.revision, "total": str(evaluation.total),
            "passed": evaluation.passed, "band": evaluation.band, "answers": dict(evaluation.answers or {})}


def _correct(evaluation: Evaluation, version: ScorecardVersion, checked, dispute: Dispute, now: datetime) -> None:
    """Keep the evaluation's current state as a superseded revision, then store the corrected score."""
    db.session.add(EvaluationRevision(
        tenant_id=evaluation.tenant_id, evaluation_id=evaluation.id, revision=evaluation.revision,
        dispute_id=dispute.id, superseded_at=now, answers=dict(evaluation.answers or {}),
        comments=dict(evaluation.comments or {}), total=evaluation.total, passed=evaluation.passed,
        band=evaluation.band, auto_failed=evaluation.auto_failed,
        section_scores=dict(evaluation.section_scores or {}),
        criteria=[{"criterion_id": c.criterion_id, "criterion_key": c.criterion_key, "answer": c.answer,
                   "applicable": c.applicable, "earned": str(c.earned), "possible": str(c.possible),
                   "missed_critical": c.missed_critical} for c in evaluation.criteria]))
    evaluations.store_score(evaluation, version, checked)
    evaluation.revision += 1
    db.session.flush()
    evaluation_scored.send(evaluation)


# ---- reading ---------------------------------------------------------------------------------

def dispute_or_none(dispute_id: int) -> Dispute | None:
    return db.session.scalar(select(Dispute).where(Dispute.id == dispute_id).options(
        selectinload(Dispute.items), selectinload(Dispute.evaluation)))


@dataclass(frozen=True)
class Revision:
    """One revision of an evaluation, as the history shows it."""

    number: int
    total: object  # Decimal
    passed: bool | None
    band: str | None
    auto_failed: bool
    answers: dict[str, str]
    since: datetime | None
    superseded_at: datetime | None  # None: the current revision
    dispute_id: int | None  # the dispute whose decision superseded it

    @property
    def current(self) -> bool:
        return self.superseded_at is None


def history(evaluation: Evaluation) -> list[Revision]:
    """Every revision of the evaluation, the first one first; the last is the current one."""
    kept = list(db.session.scalars(select(EvaluationRevision).where(EvaluationRevision.evaluation_id == evaluation.id)
                                   .order_by(EvaluationRevision.revision)))
    found, since = [], evaluation.submitted_at
    for r in kept:
        found.append(Revision(r.revision, r.total, r.passed, r.band, r.auto_failed, dict(r.answers), since,
                              r.superseded_at, r.dispute_id))
        since = r.superseded_at
    found.append(Revision(evaluation.revision, evaluation.total, evaluation.passed, evaluation.band,
                          evaluation.auto_failed, dict(evaluation.answers or {}), since, None, None))
    return found


def changes(revisions: list[Revision], version: ScorecardVersion) -> dict[int, list[tuple[str, str, str]]]:
    """Revision number -> (criterion text, answer before, answer after) of what its correction changed."""
    texts = {c.key: c.text for c in version.criteria}
    found = {}
    for before, after in zip(revisions, revisions[1:]):
        found[after.number] = [(texts.get(k, k), before.answers.get(k, ""), after.answers.get(k, ""))
                               for k in texts if before.answers.get(k) != after.answers.get(k)]
    return found


def disputes_of(evaluation_id: int) -> list[Dispute]:
    return list(db.session.scalars(select(Dispute).where(Dispute.evaluation_id == evaluation_id)
                                   .order_by(Dispute.created_at.desc(), Dispute.id.desc())))


@dataclass(frozen=True)
class Panel:
    """What the client's evaluation page shows of disputes: can it be disputed, past disputes, revisions."""

    openness: Openness
    disputes: list[Dispute]
    revisions: list[Revision]
    changes: dict[int, list[tuple[str, str, str]]]


def panel(evaluation: Evaluation, version: ScorecardVersion, tenant: Tenant, now: datetime) -> Panel:
    revisions = history(evaluation)
    return Panel(openness(evaluation, tenant, now), disputes_of(evaluation.id), revisions,
                 changes(revisions, version))
