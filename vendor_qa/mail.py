"""Sending e-mail: by SMTP when SMTP_URL is set, else as .eml files in OUTBOX_DIR.

SMTP_URL looks like smtp://user:password@host:587 (STARTTLS is used when the
server offers it) or smtps://user:password@host:465. The embedded default
writes each message to instance/outbox/ so that a fresh machine can show
what would have been sent.
"""

from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Iterable, NamedTuple
from urllib.parse import unquote, urlsplit

from flask import current_app

SMTP_TIMEOUT = 30


class Attachment(NamedTuple):
    filename: str
    content_type: str  # e.g. "application/pdf"
    data: bytes


def build_message(to: Iterable[str], subject: str, text: str, html: str | None = None,
                  attachments: Iterable[Attachment] = ()) -> EmailMessage:
    recipients = sorted(set(to))
    if not recipients:
        raise ValueError("an e-mail needs at least one recipient")
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="vendor-qa.local")
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


def send(to: Iterable[str], subject: str, text: str, html: str | None = None,
         attachments: Iterable[Attachment] = ()) -> EmailMessage:
    """Send one message to all recipients; returns it (tests read it back)."""
    message = build_message(to, subject, text, html, attachments)
    url = current_app.config.get("SMTP_URL")
    if url:
        _send_smtp(url, message)
    else:
        _write_outbox(Path(current_app.config["OUTBOX_DIR"]), message)
    return message


def _send_smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError("SMTP_URL must start with smtp:// or smtps://")
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    client_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with client_class(parts.hostname or "localhost", port, timeout=SMTP_TIMEOUT) as client:
        if not secure:
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls()
                client.ehlo()
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(message)


def _write_outbox(folder: Path, message: EmailMessage) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.eml"
    # Written under a temporary name and renamed: a reader never sees half a message.
    partial = path.with_suffix(".part")
    partial.write_bytes(bytes(message))
    partial.rename(path)
    return path
