"""Reading and writing coaching sessions (inside the request's tenant scope, and a lead's teams)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from vendor_qa import clock
from vendor_qa.coaching.models import CoachingSession
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.scorecards.models import Criterion

QUALITY_FILE_SESSIONS = 20  # the latest, in the quality file and its PDF
HOME_FOLLOW_UPS = 10


def criterion_texts(keys: set[str] | None = None) -> dict[str, str]:
    """Criterion text by key, the newest version's wording (a key stays the same across versions)."""
    stmt = select(Criterion.key, Criterion.text).order_by(Criterion.id)
    if keys is not None:
        if not keys:
            return {}
        stmt = stmt.where(Criterion.key.in_(keys))
    return {key: text for key, text in db.session.execute(stmt)}


def agent_sessions(agent_id: int, limit: int = QUALITY_FILE_SESSIONS) -> list[CoachingSession]:
    return list(db.session.scalars(
        select(CoachingSession).where(CoachingSession.agent_id == agent_id).options(joinedload(CoachingSession.coach))
        .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc()).limit(limit)))


def discussed(sessions: list[CoachingSession]) -> dict[int, Evaluation]:
    """The evaluations the sessions talked through that still exist, by id (one query)."""
    ids = {i for s in sessions for i in s.evaluation_ids}
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(select(Evaluation).where(Evaluation.id.in_(ids)))}


def due_follow_ups(today: date, limit: int = HOME_FOLLOW_UPS) -> list[CoachingSession]:
    """Open follow-ups due today or earlier, the oldest first (a lead sees their teams' only)."""
    return list(db.session.scalars(
        select(CoachingSession).where(CoachingSession.follow_up_on <= today,
                                      CoachingSession.followed_up_at.is_(None))
        .options(joinedload(CoachingSession.agent))
        .order_by(CoachingSession.follow_up_on, CoachingSession.id).limit(limit)))


def mark_followed_up(session: CoachingSession) -> None:
    if session.followed_up_at is None:  # twice is once
        session.followed_up_at = clock.now()
    db.session.commit()


@dataclass(frozen=True)
class SharedNote:
    """What the agent may read of a session: its notes were shared with them."""

    held_on: date
    focus: list[str]  # criterion texts
    notes: str
    actions: str
    follow_up_on: date | None


def shared_coaching_notes(agent_id: int) -> list[SharedNote]:
    """The agent's sessions whose notes were shared with them, newest first; private ones never.

    For the agent's own page (vendor_qa.agent_view): call it inside the agent's tenant scope.
    """
    sessions = list(db.session.scalars(
        select(CoachingSession).where(CoachingSession.agent_id == agent_id, CoachingSession.notes_shared.is_(True))
        .order_by(CoachingSession.held_on.desc(), CoachingSession.id.desc()).limit(QUALITY_FILE_SESSIONS)))
    texts = focus_texts(sessions)
    return [SharedNote(s.held_on, [texts.get(k, k) for k in s.focus_criteria], s.notes, s.actions, s.follow_up_on)
            for s in sessions]


def focus_texts(sessions: list[CoachingSession]) -> dict[str, str]:
    return criterion_texts({k for s in sessions for k in s.focus_criteria})
