"""Evaluations: what the grading form saves as a draft and what it submits.

A thin shell around the scoring engine (vendor_qa.scorecards.engine): the form's text is
read into an `Entry`, checked and scored into an `Assessment`, and stored. A draft keeps
what the grader typed so far; submitting checks every rule first and stores nothing as
submitted unless all of them hold. A submitted evaluation is final: later corrections go
through a recorded process (disputes), never through the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.grading import evidence
from vendor_qa.grading.assignments import mark_opened
from vendor_qa.grading.evidence import Quote, Transcript, quote_field
from vendor_qa.grading.models import ACTIVE_STATUSES, Assignment, AssignmentEvent, Evaluation, EvaluationCriterion
from vendor_qa.grading.signals import evaluation_scored
from vendor_qa.scorecards import engine, scoring
from vendor_qa.scorecards.models import ScorecardVersion
from vendor_qa.scorecards.versions import get_version

COMMENT_PREFIX = "c-"  # form field of a criterion's comment: c-<criterion key>
FEEDBACK_FIELDS = ("feedback_good", "feedback_improve")
GENERAL = "form"  # the error key of a problem with the evaluation as a whole
MAX_COMMENT = 4_000
MAX_FEEDBACK = 10_000

ANSWER_MISSING = "Answer this criterion."
COMMENT_MISSING = "Say why points were lost."
FEEDBACK_MISSING = {
    "feedback_good": "Say what went well on this call.",
    "feedback_improve": "Say what the agent should improve.",
}
ALL_NOT_APPLICABLE = ("Every criterion is marked N/A, so this call has no score and cannot be submitted. "
                      "Answer the criteria that apply, or release the assignment with a reason.")


class EvaluationLocked(Exception):
    """A change to an evaluation that can no longer change (submitted, or its assignment ended)."""


def answer_field(key: str) -> str:
    return engine.ANSWER_PREFIX + key


def comment_field(key: str) -> str:
    return COMMENT_PREFIX + key


@dataclass(frozen=True)
class Entry:
    """What the grader typed, as text: shown again in the form, stored in the draft."""

    answers: dict[str, str] = field(default_factory=dict)  # by criterion key
    comments: dict[str, str] = field(default_factory=dict)
    feedback_good: str = ""
    feedback_improve: str = ""
    quotes: dict[str, str] = field(default_factory=dict)  # the quote field's tokens (vendor_qa.grading.evidence)

    @classmethod
    def from_form(cls, version: ScorecardVersion, form: Mapping[str, str]) -> "Entry":
        keys = [c.key for c in version.criteria]
        answers = {k: form.get(answer_field(k), "").strip() for k in keys}
        comments = {k: form.get(comment_field(k), "").strip() for k in keys}
        quotes = {k: form.get(quote_field(k), "").strip() for k in keys}
        return cls(
            answers={k: v for k, v in answers.items() if v},
            comments={k: v for k, v in comments.items() if v},
            feedback_good=form.get("feedback_good", "").strip(),
            feedback_improve=form.get("feedback_improve", "").strip(),
            quotes={k: v for k, v in quotes.items() if v},
        )

    @classmethod
    def of(cls, evaluation: Evaluation | None) -> "Entry":
        if evaluation is None:
            return cls()
        return cls(dict(evaluation.answers or {}), dict(evaluation.comments or {}),
                   evaluation.feedback_good or "", evaluation.feedback_improve or "",
                   {k: evidence.tokens_of(quotes) for k, quotes in (evaluation.evidence or {}).items()})

    def as_form(self) -> dict[str, str]:
        """The entry as the form fields it came from (what the engine's parser reads)."""
        fields = {answer_field(k): v for k, v in self.answers.items()}
        fields.update({comment_field(k): v for k, v in self.comments.items()})
        fields.update({quote_field(k): v for k, v in self.quotes.items()})
        fields.update(feedback_good=self.feedback_good, feedback_improve=self.feedback_improve)
        return fields


@dataclass(frozen=True)
class Assessment:
    """An entry checked and scored. Errors map a form field name (or GENERAL) to a message."""

    entry: Entry
    answers: dict[str, scoring.Answer]  # the valid answers only
    result: scoring.ScoreResult | None  # None for a version without criteria
    input_errors: dict[str, str]  # not acceptable even in a draft: a bad answer or quote, over-long text
    errors: dict[str, str]  # everything in the way of what was asked (a draft, or a submission)
    quotes: dict[str, tuple[Quote, ...]] = field(default_factory=dict)  # the valid quotes, by criterion key

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def answer_errors(self) -> dict[str, str]:
        """Answers the engine refused (for the score panel; missing answers are not among them)."""
        return {k: v for k, v in self.input_errors.items() if k.startswith(engine.ANSWER_PREFIX)}


def assess(version: ScorecardVersion, entry: Entry, tenant, *, submitting: bool,
           call: Transcript | None = None) -> Assessment:
    """Check and score an entry; with `submitting`, also apply the rules a submission must meet.

    The quotes are checked against `call`; without it (the live score, a dispute's correction)
    they are left alone.
    """
    answers, answer_errors = engine.parse_answers(version, entry.as_form())
    input_errors = {answer_field(k): message for k, message in answer_errors.items()}
    input_errors.update(_length_errors(entry))
    quotes, quote_errors = _resolve_quotes(entry, call) if call else ({}, {})
    input_errors.update(quote_errors)
    result = engine.score_version(version, answers, tenant) if version.criteria else None
    errors = _submission_errors(entry, result) if submitting else {}
    errors.update(input_errors)  # the more precise message wins
    return Assessment(entry, answers, result, input_errors, errors, quotes)


def _resolve_quotes(entry: Entry, call: Transcript) -> tuple[dict[str, tuple[Quote, ...]], dict[str, str]]:
    quotes, errors = {}, {}
    for key, tokens in entry.quotes.items():
        quotes[key], error = evidence.resolve(tokens, call)
        if error:
            errors[quote_field(key)] = error
    return quotes, errors


def _length_errors(entry: Entry) -> dict[str, str]:
    errors = {comment_field(k): f"Keep the comment under {MAX_COMMENT:,} characters."
              for k, text in entry.comments.items() if len(text) > MAX_COMMENT}
    for name in FEEDBACK_FIELDS:
        if len(getattr(entry, name)) > MAX_FEEDBACK:
            errors[name] = f"Keep this under {MAX_FEEDBACK:,} characters."
    return errors


def _submission_errors(entry: Entry, result: scoring.ScoreResult | None) -> dict[str, str]:
    if result is None:
        return {GENERAL: "This scorecard version has no criteria; ask a vendor admin to fix it."}
    errors = {answer_field(key): ANSWER_MISSING for key in result.unanswered}
    for key, outcome in result.criteria.items():
        if outcome.earned < outcome.possible and not entry.comments.get(key):
            errors[comment_field(key)] = COMMENT_MISSING
    errors.update({name: message for name, message in FEEDBACK_MISSING.items() if not getattr(entry, name)})
    if result.total is None and not result.unanswered:
        errors[GENERAL] = ALL_NOT_APPLICABLE
    return errors


# ---- storing -------------------------------------------------------------------------------

def version_of(assignment: Assignment) -> ScorecardVersion:
    """The assignment's scorecard version with its sections and criteria loaded."""
    return get_version(assignment.scorecard_version_id)


def hidden_names(call, tenant) -> tuple[str, ...]:
    """The agent's names, masked in what the grader sees unless the tenant shows names."""
    return () if tenant.setting("allow_agent_names") else (call.agent.display_name,)  # its words include the first name


def transcript_of(assignment: Assignment, tenant) -> Transcript:
    """The call's transcript as the grader sees it: what quotes are taken from."""
    call = assignment.call
    return Transcript.of(call.transcript, call.duration_seconds, hidden_names(call, tenant))


def ensure_editable(assignment: Assignment) -> None:
    if assignment.status == "submitted" or (assignment.evaluation and assignment.evaluation.status == "submitted"):
        raise EvaluationLocked("This evaluation has been submitted and can no longer be changed. "
                               "Corrections go through a dispute, which keeps a record.")
    if assignment.status not in ACTIVE_STATUSES:
        raise EvaluationLocked(f"This assignment is {assignment.status} and is no longer yours to grade.")


def open_form(assignment: Assignment, now: datetime | None = None) -> Evaluation:
    """The holder opened the grading form: the work is in progress, and their draft exists.

    The draft's clock (`opened_at`) starts at the first opening by this grader; a draft
    left by a grader who no longer holds the assignment is started afresh.
    """
    ensure_editable(assignment)
    mark_opened(assignment)
    evaluation = _draft_for(assignment, now or clock.now())
    try:
        db.session.commit()
    except IntegrityError:  # the same form opened in two tabs at once: the other one made the draft
        db.session.rollback()
        db.session.refresh(assignment)
        evaluation = assignment.evaluation
    return evaluation


def save_draft(assignment: Assignment, form: Mapping[str, str], tenant) -> Assessment:
    """Keep what the grader typed so far; nothing is kept when part of it is not acceptable."""
    ensure_editable(assignment)
    version = version_of(assignment)
    checked = assess(version, Entry.from_form(version, form), tenant, submitting=False,
                     call=transcript_of(assignment, tenant))
    if checked.ok:
        _store_draft(assignment, checked)
        db.session.commit()
    return checked


def submit(assignment: Assignment, form: Mapping[str, str], tenant, now: datetime | None = None) -> Assessment:
    """Store the evaluation as submitted when every rule holds.

    Otherwise keep the draft (so no work is lost) and return the errors: nothing is
    stored as submitted. Raises EvaluationLocked when the evaluation is already final,
    also when a second submission races this one.
    """
    ensure_editable(assignment)
    version = version_of(assignment)
    checked = assess(version, Entry.from_form(version, form), tenant, submitting=True,
                     call=transcript_of(assignment, tenant))
    if not checked.ok:
        if not checked.input_errors:
            _store_draft(assignment, checked)
            db.session.commit()
        return checked
    now = now or clock.now()
    _take_for_submission(assignment, now)
    evaluation = _store_draft(assignment, checked)
    _finish(evaluation, version, checked, now)
    db.session.add(AssignmentEvent(tenant_id=assignment.tenant_id, assignment_id=assignment.id, at=now,
                                   actor_id=assignment.grader_id, action="submitted"))
    db.session.flush()
    evaluation_scored.send(evaluation)
    db.session.commit()
    return checked


def _draft_for(assignment: Assignment, opened_at: datetime | None) -> Evaluation:
    evaluation = assignment.evaluation
    if evaluation is None:
        evaluation = Evaluation(
            tenant_id=assignment.tenant_id, assignment=assignment, call_id=assignment.call_id,
            agent_id=assignment.call.agent_id, scorecard_version_id=assignment.scorecard_version_id,
            grader_id=assignment.grader_id, status="draft", opened_at=opened_at,
        )
        db.session.add(evaluation)
    elif evaluation.grader_id != assignment.grader_id:
        # Reassigned or released and claimed again: the new holder starts from a blank form.
        evaluation.grader_id = assignment.grader_id
        evaluation.opened_at = opened_at
        _fill(evaluation, Entry(), {})
    return evaluation


def _store_draft(assignment: Assignment, checked: Assessment) -> Evaluation:
    evaluation = _draft_for(assignment, assignment.opened_at)
    _fill(evaluation, checked.entry, checked.quotes)
    return evaluation


def _fill(evaluation: Evaluation, entry: Entry, quotes: dict[str, tuple[Quote, ...]]) -> None:
    evaluation.answers = dict(entry.answers)
    evaluation.comments = dict(entry.comments)
    evaluation.feedback_good = entry.feedback_good
    evaluation.feedback_improve = entry.feedback_improve
    evaluation.evidence = {key: [q.as_json() for q in found] for key, found in quotes.items() if found}


def _take_for_submission(assignment: Assignment, now: datetime) -> None:
    """Move the assignment to `submitted` only if it is still active and the grader's.

    One conditional UPDATE: of two submissions racing, the second finds nothing to change
    (PostgreSQL makes it wait for the first's row lock, then re-checks the condition).
    """
    changed = db.session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id, Assignment.grader_id == assignment.grader_id,
               Assignment.status.in_(ACTIVE_STATUSES))
        .values(status="submitted", submitted_at=now)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise EvaluationLocked("This evaluation was submitted a moment ago and can no longer be changed.")


def _finish(evaluation: Evaluation, version: ScorecardVersion, checked: Assessment, now: datetime) -> None:
    evaluation.status = "submitted"
    evaluation.submitted_at = now
    opened = evaluation.opened_at
    evaluation.grading_seconds = max(0, int((now - opened).total_seconds())) if opened else None
    store_score(evaluation, version, checked)


def store_score(evaluation: Evaluation, version: ScorecardVersion, checked: Assessment) -> None:
    """Store a complete assessment's answers, score and criterion rows (a submission, or a correction)."""
    result = checked.result
    assert result is not None and result.total is not None  # the caller's rules ensure both
    evaluation.answers = {k: str(v) for k, v in checked.answers.items()}
    evaluation.total = scoring.to_decimal(result.total)
    evaluation.passed = result.passed
    evaluation.band = result.band.name if result.band else None
    evaluation.auto_failed = result.auto_failed
    evaluation.section_scores = {key: _decimal_text(s.score) for key, s in result.sections.items()}
    if evaluation.criteria:  # a correction: the old rows go first, they are unique per evaluation and criterion
        evaluation.criteria = []
        db.session.flush()
    evaluation.criteria = [_criterion_row(evaluation, c, checked) for c in version.criteria]


def _criterion_row(evaluation: Evaluation, criterion, checked: Assessment) -> EvaluationCriterion:
    outcome = checked.result.criteria[criterion.key]
    return EvaluationCriterion(
        tenant_id=evaluation.tenant_id, criterion_id=criterion.id, criterion_key=criterion.key,
        answer=str(checked.answers[criterion.key]), applicable=outcome.applicable,
        earned=scoring.to_decimal(outcome.earned), possible=scoring.to_decimal(outcome.possible),
        missed_critical=outcome.missed_critical, comment=checked.entry.comments.get(criterion.key),
    )


def _decimal_text(value) -> str | None:
    stored = scoring.to_decimal(value)
    return None if stored is None else str(stored)
