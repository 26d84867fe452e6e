"""Delivering a built report by e-mail: one message per recipient, each recorded on its own row.

A recipient's message goes out at most once. Its ReportDelivery row is claimed in a
commit of its own (queued/failed -> sending, one conditional UPDATE, so two workers cannot
both claim it) before the message is handed to SMTP, and marked sent right after. A rerun,
an RQ retry or a second worker therefore skips everything sent or being sent. If the
process dies between the SMTP server accepting a message and the `sent` commit, the row
stays `sending`: nothing retries it by itself (it may have arrived), and a vendor admin
sees it and can resend deliberately.

A failure (refused recipient, unreachable server) is recorded with its reason and the
attempt count; the job then fails so that RQ retries it with backoff, up to
MAX_ATTEMPTS per recipient, and each retry handles only the rows still to send.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass

from flask import current_app, render_template
from sqlalchemy import select, update

from vendor_qa import clock
from vendor_qa.auth.models import Role, User
from vendor_qa.extensions import db
from vendor_qa.mail import Attachment, send
from vendor_qa.reports.models import Report, ReportDelivery

MAX_ATTEMPTS = 4  # the first try and three retries
ERROR_LENGTH = 500


class DeliveryIncomplete(Exception):
    """Some recipients failed and may be retried: raised so that RQ retries the job."""


@dataclass(frozen=True)
class DeliveryResult:
    sent: int
    failed: int
    skipped: int  # already sent, being sent, or out of attempts


def recipients(tenant) -> list[str]:
    """The tenant's report recipients; by default, the e-mails of its active client managers."""
    configured = tenant.setting("report_recipients")
    if configured:
        return sorted({address.strip().lower() for address in configured})
    return sorted(db.session.scalars(select(User.email).where(
        User.tenant_id == tenant.id, User.role == Role.CLIENT_MANAGER.value, User.active.is_(True))))


def archive_url(report: Report) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/t/{report.tenant.slug}/reports/{report.id}"


def add_recipients(report: Report, addresses: list[str]) -> None:
    """Queue a delivery row for each address that has none yet (existing rows are kept as they are)."""
    known = set(db.session.scalars(select(ReportDelivery.recipient).where(ReportDelivery.report_id == report.id)))
    db.session.add_all(ReportDelivery(tenant_id=report.tenant_id, report_id=report.id, recipient=address)
                       for address in addresses if address not in known)
    db.session.commit()


def _claim(delivery_id: int) -> bool:
    """Take the row for sending, in its own commit; False when it is not ours to send."""
    claimed = db.session.execute(
        update(ReportDelivery)
        .where(ReportDelivery.id == delivery_id, ReportDelivery.status.in_(("queued", "failed")),
               ReportDelivery.attempts < MAX_ATTEMPTS)
        .values(status="sending", attempts=ReportDelivery.attempts + 1, updated_at=clock.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _record(delivery_id: int, error: str | None) -> None:
    values = ({"status": "sent", "sent_at": clock.now(), "last_error": None} if error is None
              else {"status": "failed", "last_error": error[:ERROR_LENGTH]})
    db.session.execute(update(ReportDelivery).where(ReportDelivery.id == delivery_id)
                       .values(updated_at=clock.now(), **values).execution_options(synchronize_session=False))
    db.session.commit()


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
                         for address, (code, message) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {message}"
    return f"{type(error).__name__}: {error}"


def message_parts(report: Report) -> tuple[str, str, str, list[Attachment]]:
    """Subject, text, HTML and the attached PDF of a report's e-mail."""
    snapshot = report.snapshot
    context = {"report": report, "s": snapshot, "url": archive_url(report)}
    subject = f"Quality report {snapshot['period']['label']}: {snapshot['tenant']}"
    pdf = Attachment(f"quality-report-{report.tenant.slug}-{report.period}.pdf", "application/pdf", report.pdf)
    return (subject, render_template("report_archive/email.txt", **context),
            render_template("report_archive/email.html", **context), [pdf])


def deliver(report: Report) -> DeliveryResult:
    """Send the report to each of its queued (or failed, attempts left) recipients, once each."""
    subject, text, html, attachments = message_parts(report)
    rows = db.session.execute(select(ReportDelivery.id, ReportDelivery.recipient)
                              .where(ReportDelivery.report_id == report.id).order_by(ReportDelivery.id)).all()
    sent = failed = skipped = 0
    for delivery_id, recipient in rows:
        if not _claim(delivery_id):
            skipped += 1
            continue
        try:
            send([recipient], subject, text, html, attachments)
        except (smtplib.SMTPException, OSError) as error:
            _record(delivery_id, _reason(error))
            failed += 1
        else:
            _record(delivery_id, None)
            sent += 1
    return DeliveryResult(sent, failed, skipped)


def retry_left(report: Report) -> bool:
    """Whether some recipient failed and has attempts left."""
    return db.session.scalar(select(ReportDelivery.id).where(
        ReportDelivery.report_id == report.id, ReportDelivery.status == "failed",
        ReportDelivery.attempts < MAX_ATTEMPTS).limit(1)) is not None


def requeue(delivery: ReportDelivery) -> None:
    """A vendor admin's deliberate resend: the row goes back to the queue with fresh attempts."""
    delivery.status, delivery.attempts, delivery.last_error, delivery.sent_at = "queued", 0, None, None
    db.session.commit()
