"""A report's CSV exports: its evaluations and its agents, gzipped for storage.

Both are written when the report is built, from the same set of evaluations as its
figures (`aggregates.counted`), so their totals match the report: the evaluations CSV has
one row per counted evaluation, and the agents CSV's evaluation counts add up to the same
number. Graders appear by the tenant's own pseudonym only (vendor_qa.auth.pseudonyms). They are
written through `csv_export`, which keeps names that start like a formula from running in a
spreadsheet; figures are passed as numbers, not text.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from sqlalchemy import select

from vendor_qa import csv_export
from vendor_qa.auth.pseudonyms import GraderPseudonym, ensure
from vendor_qa.calls.models import Agent, Call, Team
from vendor_qa.extensions import db
from vendor_qa.grading.models import Evaluation
from vendor_qa.periods import ReportPeriod
from vendor_qa.reports import aggregates
from vendor_qa.scorecards.models import Scorecard, ScorecardVersion
from vendor_qa.templating import rounded

EVALUATION_COLUMNS = ("evaluation_id", "submitted_at", "agent_code", "agent_name", "team", "channel", "topic",
                      "scorecard", "scorecard_version", "total", "passed", "auto_failed", "band", "grader")
AGENT_COLUMNS = ("agent_code", "agent_name", "team", "evaluations", "average", "ci_low", "ci_high", "band",
                 "previous_average", "change", "customer_rating")
READ_BATCH = 5000
AGENTS_PAGE = 500
FOUR_PLACES = 4


def _four(value: Decimal | float | None) -> Decimal | None:
    """A number to four decimals, as the totals are stored, by the one rounding rule (half-up:
    vendor_qa.templating); None (an empty cell) for none."""
    return None if value is None else rounded(value, FOUR_PLACES)


def _gzip_csv(header: Iterable[str], rows: Iterable[Iterable[csv_export.Cell]]) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as raw, \
            io.TextIOWrapper(raw, encoding="utf-8", newline="") as text:
        csv_export.write(text, header, rows)
    return buffer.getvalue()


def _evaluation_rows(tenant, period: ReportPeriod) -> Iterator[tuple]:
    ensure(tenant.id, db.session.scalars(
        select(Evaluation.grader_id).where(*aggregates.counted(tenant.id, period.bounds)).distinct()))
    stmt = (select(Evaluation.id, Evaluation.submitted_at, Agent.code, Agent.display_name, Team.name, Call.channel,
                   Call.topic, Scorecard.name, ScorecardVersion.number, Evaluation.total, Evaluation.passed,
                   Evaluation.auto_failed, Evaluation.band, GraderPseudonym.pseudonym)
            .join(Agent, Agent.id == Evaluation.agent_id).outerjoin(Team, Team.id == Agent.team_id)
            .join(Call, Call.id == Evaluation.call_id)
            .join(ScorecardVersion, ScorecardVersion.id == Evaluation.scorecard_version_id)
            .join(Scorecard, Scorecard.id == ScorecardVersion.scorecard_id)
            .join(GraderPseudonym, (GraderPseudonym.tenant_id == Evaluation.tenant_id)
                  & (GraderPseudonym.grader_id == Evaluation.grader_id))
            .where(*aggregates.counted(tenant.id, period.bounds))
            .order_by(Evaluation.submitted_at, Evaluation.id)
            .execution_options(yield_per=READ_BATCH))
    zone = tenant.zone
    for (id_, submitted, code, name, team, channel, topic, card, number, total, passed, auto_failed, band,
         grader) in db.session.execute(stmt):
        yield (id_, submitted.astimezone(zone).isoformat(timespec="seconds"), code, name,
               team or aggregates.UNTEAMED, channel, topic or "", card, number, _four(total),
               int(bool(passed)), int(auto_failed), band or "", grader or "")


def evaluations_csv(tenant, period: ReportPeriod) -> bytes:
    return _gzip_csv(EVALUATION_COLUMNS, _evaluation_rows(tenant, period))


def _agent_rows(tenant, period: ReportPeriod) -> Iterator[tuple]:
    page = 1
    while True:
        found = aggregates.agents_page(tenant, period, sort="name", page=page, per_page=AGENTS_PAGE)
        for row in found.items:
            interval = row.interval
            yield (row.code, row.name, row.team, row.evaluations, _four(row.average),
                   _four(interval.low if interval else None), _four(interval.high if interval else None),
                   row.band.name if row.band else "", _four(row.previous_average), _four(row.change),
                   _four(row.customer_rating))
        if not found.has_next:
            return
        page += 1


def agents_csv(tenant, period: ReportPeriod) -> bytes:
    return _gzip_csv(AGENT_COLUMNS, _agent_rows(tenant, period))
