"""Client companies (tenants) and the API tokens their integrations use."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendor_qa import clock
from vendor_qa.extensions import db
from vendor_qa.models import TenantOwned, Timestamps
from vendor_qa.scorecards.scoring import DEFAULT_BANDS, DEFAULT_PASS_MARK

# What a tenant may decide about its own data; later features add their keys here.
DEFAULT_SETTINGS: dict[str, Any] = {
    "allow_agent_names": False,  # graders see agents by code unless the client allows names
    "show_customer_rating": False,  # the rating biases graders, so it is hidden by default
    "language": "en",
    "bands": [{"name": b.name, "min_score": int(b.min_score), "color": b.color} for b in DEFAULT_BANDS],
    "pass_mark": DEFAULT_PASS_MARK,
    "ability_tags": ["listening", "understanding", "problem solving", "attention to detail",
                     "product knowledge", "courtesy", "procedure"],
    "systemic_share": 0.3,  # a criterion lost by at least this share of agents is systemic (group training)
    "report_recipients": [],  # e-mails the scheduled reports go to; empty: the tenant's active client managers
    "calibration_every_days": 14,  # the cadence job starts a calibration session this often; 0: never
    "dispute_window_days": 7,  # a client manager may dispute an evaluation this many days after its submission
    "dispute_alert_days": 3,  # vendor admins are alerted of disputes open longer than this
    "require_second_factor": False,  # its client managers must log in with a TOTP code too
    # Grader reliability (vendor_qa.calibration.reliability): the share of sampled calls a second
    # grader grades blind, and when a grader is flagged as drifting (after this many graded pairs).
    "double_grade_share": 0.03,
    "reliability_min_agreement": 0.8,  # with peers and with experts, as a share of criteria
    "reliability_max_leniency": 5,  # points, either way, from the peers' mean total
    "reliability_min_pairs": 5,
    # The certification gate: a new certification waits until the grader's alignment with the
    # experts of this tenant's calibration sessions reaches the mark.
    "certification_gate": False,
    "certification_alignment": 0.8,
    # How feedback reaches agents (vendor_qa.agent_view): "team_lead" only, or "direct" as well
    # (agents with an e-mail are sent the personal link to their own page).
    "agent_feedback_route": "team_lead",
}

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"


def is_timezone(name: str) -> bool:
    return name in available_timezones()


class Tenant(Timestamps, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def setting(self, key: str) -> Any:
        return (self.settings or {}).get(key, DEFAULT_SETTINGS[key])

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(TenantOwned, db.Model):
    """A bearer token for one tenant's integrations; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    tenant: Mapped[Tenant] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, tenant: Tenant, name: str, created_by_id: int | None = None) -> tuple["ApiToken", str]:
        """A new token row and the secret, which is shown once and never stored."""
        secret = f"vqa_{secrets.token_urlsafe(32)}"
        row = cls(
            tenant_id=tenant.id,
            name=name,
            token_hash=hash_token(secret),
            prefix=secret[:10],
            created_by_id=created_by_id,
        )
        return row, secret
