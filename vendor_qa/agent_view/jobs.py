"""E-mailing an agent their personal link: once per recipient, whatever the retries.

As report deliveries do (vendor_qa/reports/delivery.py): the delivery row is claimed in a
commit of its own (queued/failed -> sending, one conditional UPDATE) before the message is
handed over, and marked sent right after, so a rerun, a retry or a second worker skips what
was sent or is being sent. A failure is recorded and the job fails, so RQ retries it.
"""

from __future__ import annotations

import smtplib

import click
from flask import render_template
from rq import Retry
from sqlalchemy import select, update

from vendor_qa import clock
from vendor_qa.agent_view import links
from vendor_qa.agent_view.models import AgentLink, AgentLinkDelivery
from vendor_qa.extensions import db
from vendor_qa.jobs import tenant_job
from vendor_qa.mail import send
from vendor_qa.tenants.models import Tenant

MAX_ATTEMPTS = 4
TIMEOUT = 120
RETRY = Retry(max=MAX_ATTEMPTS - 1, interval=[60, 600, 3600])
ERROR_LENGTH = 500


class LinkNotSent(Exception):
    """Some recipient failed with attempts left: raised so that RQ retries the job."""


def _claim(delivery_id: int) -> bool:
    claimed = db.session.execute(
        update(AgentLinkDelivery)
        .where(AgentLinkDelivery.id == delivery_id, AgentLinkDelivery.status.in_(("queued", "failed")),
               AgentLinkDelivery.attempts < MAX_ATTEMPTS)
        .values(status="sending", attempts=AgentLinkDelivery.attempts + 1, updated_at=clock.now())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def _record(delivery_id: int, error: str | None) -> None:
    values = ({"status": "sent", "sent_at": clock.now(), "last_error": None} if error is None
              else {"status": "failed", "last_error": error[:ERROR_LENGTH]})
    db.session.execute(update(AgentLinkDelivery).where(AgentLinkDelivery.id == delivery_id)
                       .values(updated_at=clock.now(), **values).execution_options(synchronize_session=False))
    db.session.commit()


def message(link: AgentLink, tenant: Tenant) -> tuple[str, str]:
    """Subject and text of a link's e-mail. It names the company and the agent, never a grader."""
    text = render_template("agent_view/email.txt", agent=link.agent, tenant=tenant, url=links.public_url(link.id),
                           expires=link.expires_at.astimezone(tenant.zone))
    return f"Your quality feedback at {tenant.name}", text


@tenant_job
def send_agent_link(tenant_id: int, link_id: int) -> dict:
    link = db.session.scalar(select(AgentLink).where(AgentLink.id == link_id))
    if link is None or not link.usable(clock.now()):
        return {"sent": 0, "skipped": "link revoked or expired"}  # a newer link has its own e-mail
    subject, text = message(link, db.session.get(Tenant, tenant_id))
    rows = db.session.execute(select(AgentLinkDelivery.id, AgentLinkDelivery.recipient)
                              .where(AgentLinkDelivery.link_id == link_id).order_by(AgentLinkDelivery.id)).all()
    sent = failed = 0
    for delivery_id, recipient in rows:
        if not _claim(delivery_id):
            continue
        try:
            send([recipient], subject, text)
        except (smtplib.SMTPException, OSError) as error:
            _record(delivery_id, f"{type(error).__name__}: {error}")
            failed += 1
        else:
            _record(delivery_id, None)
            sent += 1
    if failed:
        raise LinkNotSent(f"{failed} recipient(s) failed; retrying those only")
    return {"sent": sent}


@click.command("send-link")
@click.argument("tenant_id", type=int)
@click.argument("link_id", type=int)
def send_link_command(tenant_id: int, link_id: int) -> None:
    """E-mail a personal link to its agent now (what the job does; sent recipients are skipped)."""
    click.echo(send_agent_link(tenant_id, link_id))
