"""Personal links: issued per agent, signed, expiring, revocable; resolved outside any login.

The token is the HMAC-SHA256 of the link's id under the app's SECRET_KEY: unguessable without
the key, and writable again by the mail job from the id alone (jobs take ids). The database keeps
only its SHA-256, which finds the row; the token is then compared with the one the id signs, in
constant time. One link per agent is live: issuing a new one revokes the others.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from vendor_qa import clock
from vendor_qa.agent_view.models import AgentLink, AgentLinkDelivery
from vendor_qa.calls.models import Agent
from vendor_qa.extensions import db
from vendor_qa.tenants.models import Tenant
from vendor_qa.tenants.scoping import all_tenants
from vendor_qa.work import outbox

LINK_DAYS = 30
TOKEN_LENGTH = 43  # 32 bytes of HMAC, base64url without padding
DIRECT = "direct"  # the tenant's feedback route: also to the agent directly (else through the team lead only)

# What a link's holder reads when the link no longer opens (views.py).
OK, UNKNOWN, EXPIRED, REVOKED = "ok", "unknown", "expired", "revoked"


def token_for(link_id: int) -> str:
    key = current_app.config["SECRET_KEY"]
    digest = hmac.new(key.encode() if isinstance(key, str) else key, f"agent-link:{link_id}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def public_url(link_id: int) -> str:
    """The link as the agent receives it (e-mail, demo output)."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/a/{token_for(link_id)}/"


def sends_directly(tenant: Tenant, agent: Agent) -> bool:
    return tenant.setting("agent_feedback_route") == DIRECT and bool(agent.email)


def issue(tenant: Tenant, agent: Agent, actor_id: int | None = None, now: datetime | None = None,
          send: bool = True) -> AgentLink:
    """A new live link for the agent (older ones revoked), e-mailed when the tenant sends directly
    (and `send`: the demo issues its links without a flood of e-mails).

    Added to the session; the caller commits (the e-mail's job goes out with that commit)."""
    now = now or clock.now()
    revoke(agent, now)
    link = AgentLink(tenant_id=agent.tenant_id, agent_id=agent.id, created_at=now,
                     expires_at=now + timedelta(days=LINK_DAYS), created_by_id=actor_id)
    db.session.add(link)
    db.session.flush()
    link.token_hash = _hash(token_for(link.id))
    if send and sends_directly(tenant, agent):
        db.session.add(AgentLinkDelivery(tenant_id=agent.tenant_id, link_id=link.id, recipient=agent.email.lower()))
        from vendor_qa.agent_view import jobs  # the job module imports this one

        outbox.schedule(jobs.send_agent_link, agent.tenant_id, link.id, job_id=f"agent-link-{link.id}",
                        timeout=jobs.TIMEOUT, retry=jobs.RETRY)
    return link


def revoke(agent: Agent, now: datetime | None = None) -> int:
    """Revoke the agent's live links; how many were live."""
    return db.session.execute(update(AgentLink).where(AgentLink.agent_id == agent.id, AgentLink.revoked_at.is_(None))
                              .values(revoked_at=now or clock.now()).execution_options(synchronize_session=False)
                              ).rowcount


def latest(agent_id: int) -> AgentLink | None:
    return db.session.scalar(select(AgentLink).where(AgentLink.agent_id == agent_id)
                             .order_by(AgentLink.id.desc()).limit(1))


@dataclass(frozen=True)
class Resolved:
    state: str
    link: AgentLink | None = None


def resolve(token: str, now: datetime | None = None) -> Resolved:
    """The link a token opens, and whether it opens now. No tenant is known before the token
    names one, so the lookup is the named opt-out of tenant scoping (as API tokens are)."""
    if len(token) != TOKEN_LENGTH:
        return Resolved(UNKNOWN)
    with all_tenants("agent link lookup by its token's hash"):
        link = db.session.scalar(select(AgentLink).where(AgentLink.token_hash == _hash(token)))
    if link is None or not hmac.compare_digest(token, token_for(link.id)):
        return Resolved(UNKNOWN)
    if link.revoked_at is not None:
        return Resolved(REVOKED, link)
    if (now or clock.now()) >= link.expires_at:
        return Resolved(EXPIRED, link)
    return Resolved(OK, link)
