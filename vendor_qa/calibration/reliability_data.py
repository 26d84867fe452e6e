"""What the reliability figures are computed from, loaded set-based, and the vendor admin's rows.

Two queries, whatever the number of graders and tenants: the double-graded calls (the
submitted sample and double evaluations of each call that has a submitted double grade) and
the closed calibration sessions (their participants' submitted evaluations, with the
session's expert). The figures themselves are the pure functions of `reliability`. Run in a
scope that covers the tenants asked about (`tenants_scope` or the named `all_tenants`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from itertools import groupby
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import aliased

from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.calibration import agreement, reliability
from vendor_qa.calibration.models import CalibrationParticipant, CalibrationSession
from vendor_qa.calibration.reliability import Figures, GradedCall, Sheet, Thresholds
from vendor_qa.extensions import db
from vendor_qa.grading.models import Assignment, Evaluation
from vendor_qa.scorecards.models import Criterion
from vendor_qa.tenants.models import Tenant

PAIRED_REASONS = ("sample", "double")  # a sampled call and its blind second grade


def _month(moment: datetime) -> str:
    return reliability.month_key(moment.astimezone(timezone.utc).date())


def months_since(today: date, months: int = reliability.TREND_MONTHS) -> tuple[list[str], datetime]:
    """The trend's months (oldest first) and the UTC moment the oldest begins."""
    keys = reliability.last_months(today, months)
    year, month = map(int, keys[0].split("-"))
    return keys, datetime(year, month, 1, tzinfo=timezone.utc)


def double_graded_calls(since: datetime | None = None) -> list[tuple[int, GradedCall[int]]]:
    """(tenant id, call) of each call whose double grade was submitted since then."""
    double = aliased(Assignment)
    doubled = select(double.call_id).where(double.reason == "double", double.status == "submitted")
    if since is not None:
        doubled = doubled.where(double.submitted_at >= since)
    rows = db.session.execute(
        select(Assignment.tenant_id, Assignment.call_id, Evaluation.grader_id, Evaluation.answers, Evaluation.total,
               Evaluation.submitted_at)
        .join(Evaluation, Evaluation.assignment_id == Assignment.id)
        .where(Assignment.reason.in_(PAIRED_REASONS), Evaluation.status == "submitted",
               Assignment.call_id.in_(doubled))
        .order_by(Assignment.tenant_id, Assignment.call_id, Evaluation.id)).all()
    calls = []
    for (tenant_id, _), group in groupby(rows, key=lambda r: (r.tenant_id, r.call_id)):
        group = list(group)
        if len(group) < 2:
            continue  # the sample's evaluation is gone (e.g. withdrawn): nothing to compare
        sheets = tuple(Sheet(r.grader_id, r.answers or {}, r.total) for r in group)
        calls.append((tenant_id, GradedCall(_month(max(r.submitted_at for r in group)), sheets)))
    return calls


def calibration_calls(since: datetime | None = None, graders: Sequence[int] | None = None,
                      with_expert: bool = False) -> list[tuple[int, GradedCall[int]]]:
    """(tenant id, call) of each closed calibration session (closed since then; where one of
    `graders` took part; only those with an expert)."""
    stmt = (select(CalibrationSession.tenant_id, CalibrationSession.id, CalibrationSession.expert_id,
                   CalibrationSession.closed_at, Evaluation.grader_id, Evaluation.answers, Evaluation.total)
            .join(CalibrationParticipant, CalibrationParticipant.session_id == CalibrationSession.id)
            .join(Evaluation, Evaluation.assignment_id == CalibrationParticipant.assignment_id)
            .where(CalibrationSession.status == "closed", Evaluation.status == "submitted")
            .order_by(CalibrationSession.id, Evaluation.id))
    if since is not None:
        stmt = stmt.where(CalibrationSession.closed_at >= since)
    if graders is not None:
        stmt = stmt.where(CalibrationSession.id.in_(
            select(CalibrationParticipant.session_id).where(CalibrationParticipant.grader_id.in_(list(graders)))))
    if with_expert:
        stmt = stmt.where(CalibrationSession.expert_id.is_not(None))
    calls = []
    for (tenant_id, _, expert_id, closed_at), group in groupby(
            db.session.execute(stmt), key=lambda r: (r.tenant_id, r.id, r.expert_id, r.closed_at)):
        sheets = tuple(Sheet(r.grader_id, r.answers or {}, r.total) for r in group)
        calls.append((tenant_id, GradedCall(_month(closed_at), sheets, expert_id)))
    return calls


def figures_by_tenant(calls: Iterable[tuple[int, GradedCall[int]]]) -> dict[int, dict[int, dict[str, Figures]]]:
    """tenant id -> grader id -> month -> figures."""
    per_tenant: dict[int, list[GradedCall[int]]] = defaultdict(list)
    for tenant_id, call in calls:
        per_tenant[tenant_id].append(call)
    return {tenant_id: reliability.monthly_figures(found) for tenant_id, found in per_tenant.items()}


def criterion_agreements(tenant: Tenant, today: date) -> list[agreement.AcrossCalls]:
    """Each criterion's agreement over the tenant's double-graded and calibrated calls of the trend's
    months (in the tenant's scope): three queries."""
    _, since = months_since(today)
    calls = [call for tenant_id, call in [*double_graded_calls(since), *calibration_calls(since)]
             if tenant_id == tenant.id]
    keys = {key for call in calls for sheet in call.sheets for key in sheet.answers}
    if not keys:
        return []
    newest = {c.key: c for c in db.session.scalars(select(Criterion).where(Criterion.key.in_(keys))
                                                    .order_by(Criterion.id))}  # the newest version words it
    return agreement.across_calls(sorted(newest.values(), key=lambda c: c.text),
                                  [[sheet.answers for sheet in call.sheets] for call in calls])


def thresholds(tenant: Tenant) -> Thresholds:
    return Thresholds.of(tenant.setting("reliability_min_agreement"), tenant.setting("reliability_max_leniency"),
                         tenant.setting("reliability_min_pairs"))


# ---- the vendor admin's rows -----------------------------------------------------------------------

@dataclass(frozen=True)
class GraderRow:
    grader: User
    tenant: Tenant
    certification: GraderCertification
    figures: Figures  # over the trend's months
    trend: list[tuple[str, Figures]]  # per month, oldest first
    drifting: list[str]  # why the grader is flagged; empty when not

    @property
    def flagged(self) -> bool:
        return bool(self.drifting)

    @property
    def direction(self) -> str | None:
        return reliability.direction(self.trend)


def certifications(tenant_ids: Sequence[int] | None = None, grader_id: int | None = None):
    """Active certifications of active graders (pending ones too), with their grader and tenant."""
    stmt = (select(GraderCertification, User, Tenant)
            .join(User, User.id == GraderCertification.grader_id)
            .join(Tenant, Tenant.id == GraderCertification.tenant_id)
            .where(GraderCertification.active.is_(True), User.role == Role.GRADER.value, User.active.is_(True)))
    if tenant_ids is not None:
        stmt = stmt.where(GraderCertification.tenant_id.in_(list(tenant_ids)))
    if grader_id is not None:
        stmt = stmt.where(GraderCertification.grader_id == grader_id)
    return db.session.execute(stmt.order_by(Tenant.name, User.name, User.id)).tuples().all()


def grader_rows(today: date, tenant_ids: Sequence[int] | None = None, grader_id: int | None = None) -> list[GraderRow]:
    """One row per certified grader and tenant, flagged ones first: three queries in all."""
    months, since = months_since(today)
    figures = figures_by_tenant([*double_graded_calls(since), *calibration_calls(since)])
    rows = []
    for certification, grader, tenant in certifications(tenant_ids, grader_id):
        by_month = figures.get(tenant.id, {}).get(grader.id, {})
        trend = reliability.trend(by_month, months)
        total = reliability.total(dict(trend))
        rows.append(GraderRow(grader, tenant, certification, total, trend,
                              reliability.drift(total, thresholds(tenant))))
    return sorted(rows, key=lambda r: not r.flagged)  # stable: by tenant and grader name within
