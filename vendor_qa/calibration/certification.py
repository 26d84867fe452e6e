"""The certification gate: where a tenant turns it on, a new certification starts pending and
becomes active once the grader's alignment with the experts of the tenant's calibration set
(its closed calibration sessions with an expert, all of them) has been measured on at least the
tenant's minimum of sessions (`reliability_min_pairs`, the same minimum as the drift flags) and
is not shown below `certification_alignment` at 95% (the drift flags' rule: the interval over
the sessions lies wholly under the mark). So the gate lets through exactly the graders that
the reliability page would not flag, and a handful of sessions cannot pass or fail anyone by
luck alone.

A pending grader gets that tenant's calibration sessions only: no distribution, no claiming,
no tenant in their "certified for" list (`GraderCertification.working`). The check runs when a
calibration session closes and when a vendor admin opens the reliability page; each activation
is recorded in the audit trail. With the gate turned off, a pending certification is activated
at the next check, as if the gate had never been there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Sequence

from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.audit.models import record
from vendor_qa.auth.models import GraderCertification, User
from vendor_qa.calibration import reliability
from vendor_qa.calibration.reliability import Share
from vendor_qa.calibration.reliability_data import calibration_calls, figures_by_tenant
from vendor_qa.extensions import db
from vendor_qa.tenants.models import Tenant

SUBJECT = "grader_certification"


@dataclass(frozen=True)
class Pending:
    certification: GraderCertification
    grader: User
    tenant: Tenant
    alignment: Share  # with the experts of the tenant's calibration set, so far
    required: Fraction  # the tenant's certification_alignment
    min_sessions: int  # the tenant's reliability_min_pairs

    @property
    def reached(self) -> bool:
        return (self.alignment.calls >= self.min_sessions and self.alignment.value is not None
                and not reliability.shown_below(self.alignment, self.required))


def required_alignment(tenant: Tenant) -> Fraction:
    return Fraction(str(tenant.setting("certification_alignment")))


def min_sessions(tenant: Tenant) -> int:
    return int(tenant.setting("reliability_min_pairs"))


def pending(tenant_ids: Sequence[int] | None = None) -> list[Pending]:
    """The pending certifications of active graders, with their progress: two queries."""
    stmt = (select(GraderCertification, User, Tenant)
            .join(User, User.id == GraderCertification.grader_id)
            .join(Tenant, Tenant.id == GraderCertification.tenant_id)
            .where(GraderCertification.active.is_(True), GraderCertification.activated_at.is_(None),
                   User.active.is_(True))
            .order_by(Tenant.name, User.name, User.id))
    if tenant_ids is not None:
        stmt = stmt.where(GraderCertification.tenant_id.in_(list(tenant_ids)))
    found = db.session.execute(stmt).tuples().all()
    if not found:
        return []
    figures = figures_by_tenant(calibration_calls(graders=sorted({g.id for _, g, _ in found}), with_expert=True))
    return [Pending(c, g, t, reliability.total(figures.get(t.id, {}).get(g.id, {})).alignment, required_alignment(t),
                    min_sessions(t)) for c, g, t in found]


def activate_reached(tenant_ids: Sequence[int] | None = None, now: datetime | None = None) -> list[Pending]:
    """Activate the pending certifications whose alignment reached the mark (or whose tenant turned
    the gate off); those activated. The caller commits."""
    now = now or clock.now()
    activated = []
    for row in pending(tenant_ids):
        gate_on = bool(row.tenant.setting("certification_gate"))
        if gate_on and not row.reached:
            continue
        row.certification.activated_at = now
        record(row.tenant.id, "certification.activated", SUBJECT, row.grader.id, None,
               before={"status": "pending"},
               after={"status": "active", "alignment": _share_text(row.alignment), "sessions": row.alignment.calls,
                      "required": _share_text(row.required) if gate_on else "gate off"}, at=now)
        activated.append(row)
    return activated


def _share_text(value: Share | Fraction) -> str | None:
    share = value.value if isinstance(value, Share) else value
    return None if share is None else reliability.percent(share)

