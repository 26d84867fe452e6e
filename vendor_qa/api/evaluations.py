"""GET /api/v1/evaluations: a tenant's submitted evaluations, for its own systems to sync.

Three queries a page, whatever its size: the evaluations with their call, agent and scorecard
as columns, the tenant's pseudonyms of their graders, then the criteria of all of them. A
grader's name, e-mail, id or global handle never leaves: the payload carries the tenant's own
pseudonym for the grader alone (vendor_qa.auth.pseudonyms).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from flask import abort, jsonify, request
from sqlalchemy import select

from vendor_qa.api.auth import api_token_required
from vendor_qa.api.evaluation_schema import PAGE_SIZE
from vendor_qa.api.views import bp
from vendor_qa.auth import pseudonyms
from vendor_qa.calls.models import Agent, Call
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation, EvaluationCriterion
from vendor_qa.grading.results import COUNTED
from vendor_qa.scorecards.models import Criterion, Scorecard, ScorecardVersion, Section
from vendor_qa.tenants.scoping import current_tenant_id

# "+01:00" in a query string that was not URL-encoded arrives as " 01:00".
_UNENCODED_OFFSET = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


@bp.get("/evaluations")
@api_token_required
def list_evaluations():
    since, page = _since(request.args.get("since")), page_argument(request.args.get("page"))
    rows = _evaluation_rows(since, page)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    graders = pseudonyms.for_tenant(current_tenant_id(), (r.grader_id for r in rows))
    criteria = _criteria_by_evaluation([r.id for r in rows])
    return jsonify({
        "evaluations": [_evaluation(row, criteria.get(row.id, []), graders[row.grader_id]) for row in rows],
        "page": page, "page_size": PAGE_SIZE, "next_page": page + 1 if more else None,
    })


def _since(raw: str | None) -> datetime | None:
    if raw is None or not raw.strip():
        return None
    text = _UNENCODED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        abort(400, description=f"`since` must be an ISO 8601 time such as 2026-11-20T08:00:00Z; got {raw!r}.")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def page_argument(raw: str | None) -> int:
    """An API list's `?page=` (default 1), or a 400 that says what a page number is."""
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:  # "²" is a digit that int() refuses
        abort(400, description=f"`page` must be a whole number from 1; got {raw!r}.")
    return int(raw)


def _evaluation_rows(since: datetime | None, page: int) -> list[Any]:
    stmt = (
        select(Evaluation.id, Evaluation.total, Evaluation.band, Evaluation.passed, Evaluation.auto_failed,
               Evaluation.feedback_good, Evaluation.feedback_improve, Evaluation.submitted_at, Evaluation.revision,
               Call.external_id.label("call_external_id"), Agent.external_id.label("agent_external_id"),
               Scorecard.name.label("scorecard"), ScorecardVersion.number.label("version"),
               Evaluation.grader_id)
        .join(Call, Call.id == Evaluation.call_id).join(Agent, Agent.id == Evaluation.agent_id)
        .join(ScorecardVersion, ScorecardVersion.id == Evaluation.scorecard_version_id)
        .join(Scorecard, Scorecard.id == ScorecardVersion.scorecard_id)
        .where(Evaluation.tenant_id == current_tenant_id(), Evaluation.status == "submitted", COUNTED)
        .order_by(Evaluation.submitted_at, Evaluation.id)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)  # one more: is there a next page?
    )
    if since is not None:
        stmt = stmt.where(Evaluation.submitted_at >= since)
    return list(db.session.execute(stmt))


def _criteria_by_evaluation(evaluation_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not evaluation_ids:
        return {}
    rows = db.session.execute(
        select(EvaluationCriterion, Criterion.text, Section.title)
        .join(Criterion, Criterion.id == EvaluationCriterion.criterion_id)
        .join(Section, Section.id == Criterion.section_id)
        .where(EvaluationCriterion.evaluation_id.in_(evaluation_ids))
        .order_by(EvaluationCriterion.evaluation_id, Section.position, Criterion.position)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for result, text, section in rows:
        found.setdefault(result.evaluation_id, []).append({
            "key": result.criterion_key, "text": text, "section": section, "answer": result.answer,
            "applicable": result.applicable, "earned": float(result.earned), "possible": float(result.possible),
            "missed_critical": result.missed_critical, "comment": result.comment,
        })
    return found


def _evaluation(row, criteria: list[dict[str, Any]], grader: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "call_external_id": row.call_external_id,
        "agent_external_id": row.agent_external_id,
        "scorecard": {"name": row.scorecard, "version": row.version},
        "total": float(row.total),
        "band": row.band,
        "passed": row.passed,
        "auto_failed": row.auto_failed,
        "criteria": criteria,
        "feedback": {"went_well": row.feedback_good, "to_improve": row.feedback_improve},
        "grader": grader,
        "submitted_at": row.submitted_at.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"),
        "revision": row.revision,
    }
