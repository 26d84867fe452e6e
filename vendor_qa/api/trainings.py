"""GET /api/v1/trainings: the token's tenant's trainings and their verdicts (on the `api` blueprint).

Its OpenAPI description is in training_schema.py. A page reads each training's windows with one
query (vendor_qa.trainings.results), so pages are kept short.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vendor_qa.api.auth import api_token_required
from vendor_qa.api.evaluations import page_argument
from vendor_qa.api.training_schema import PAGE_SIZE
from vendor_qa.api.views import bp
from vendor_qa.extensions import db
from vendor_qa.stats.intervals import Interval
from vendor_qa.trainings import results, verdict
from vendor_qa.trainings.models import Trainee, Training


@bp.get("/trainings")
@api_token_required
def list_trainings():
    page = page_argument(request.args.get("page"))
    rows = list(db.session.scalars(
        select(Training).options(selectinload(Training.trainees).joinedload(Trainee.agent))
        .order_by(Training.given_on.desc(), Training.id.desc()).limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    more = len(rows) > PAGE_SIZE
    return jsonify({"trainings": [_training(results.result(g.tenant, t)) for t in rows[:PAGE_SIZE]],
                    "page": page, "page_size": PAGE_SIZE, "next_page": page + 1 if more else None})


def _range(interval: Interval | None) -> list[float] | None:
    return None if interval is None else [round(interval.low, 4), round(interval.high, 4)]


def _window(window: verdict.Window, span) -> dict[str, Any]:
    return {"first_day": span[0].isoformat(), "last_day": span[1].isoformat(), "applicable": window.applicable,
            "lost": window.lost, "loss_rate": None if window.rate is None else round(window.rate, 4),
            "loss_rate_interval": _range(window.rate_interval), "evaluations": window.scores.n,
            "score": None if window.score is None else round(float(window.score), 4),
            "score_interval": _range(window.score_interval)}


def _training(r: results.Result) -> dict[str, Any]:
    t = r.training
    return {"id": t.id, "title": t.title, "criteria": list(t.criterion_keys), "topic": t.topic, "channel": t.channel,
            "given_on": t.given_on.isoformat(), "follow_up_until": t.follow_up_last.isoformat(),
            "expected_improvement_points": t.expected_improvement, "source": t.source,
            "status": "in_progress" if r.live else "finished", "agents": [a.agent.code for a in r.agents],
            "before": _window(r.before, r.before_span), "after": _window(r.after, r.after_span),
            "verdict": {"result": r.verdict.kind, "needed": r.verdict.needed,
                        "p_value": None if r.verdict.p_value is None else round(r.verdict.p_value, 6),
                        "coaching": [a.code for a in r.coaching]}}
