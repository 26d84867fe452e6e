"""Report delivery against a real SMTP server (aiosmtpd): one message per recipient, failures, reruns, crashes."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.integration import report_data
from vendor_qa.extensions import db
from vendor_qa.reports import delivery, jobs
from vendor_qa.reports.models import ReportDelivery
from vendor_qa.tenants.scoping import tenant_scope

REFUSED = "gone@client.example"
GOOD = ["anna@client.example", "bjorn@client.example"]


class Mailbox:
    """An SMTP handler that keeps what it accepts and refuses one mailbox with 550."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def received_by(self, address: str) -> int:
        return sum(address in to for to, _ in self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://qa.vendor.example")
    yield mailbox
    controller.stop()


@pytest.fixture
def world(build):
    world = report_data.october(build)
    world.tenant.settings = {**(world.tenant.settings or {}), "report_recipients": [*GOOD, REFUSED]}
    db.session.commit()
    return world


def _rows(world) -> dict[str, ReportDelivery]:
    with tenant_scope(world.tenant.id):
        db.session.expire_all()
        return {row.recipient: row for row in db.session.scalars(select(ReportDelivery))}


def test_each_good_recipient_gets_the_pdf_and_the_link_once_and_the_refusal_is_recorded(world, smtp):
    report_id = jobs.build_report(world.tenant.id, "2026-10")
    with pytest.raises(delivery.DeliveryIncomplete):
        jobs.deliver_report(world.tenant.id, report_id)

    assert len(smtp.messages) == 2 and all(smtp.received_by(address) == 1 for address in GOOD)
    link = f"https://qa.vendor.example/t/{world.tenant.slug}/reports/{report_id}"
    for to, message in smtp.messages:
        assert len(to) == 1 and message["To"] == to[0]
        pdfs = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
        assert len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
        assert link in message.get_body(("plain",)).get_content()
        assert link in message.get_body(("html",)).get_content()
    rows = _rows(world)
    assert all(rows[a].status == "sent" and rows[a].attempts == 1 and rows[a].sent_at for a in GOOD)
    assert rows[REFUSED].status == "failed" and rows[REFUSED].attempts == 1
    assert "550" in rows[REFUSED].last_error and "No such mailbox" in rows[REFUSED].last_error

    # A rerun (an RQ retry) tries the failed recipient again and nobody else.
    with pytest.raises(delivery.DeliveryIncomplete):
        jobs.deliver_report(world.tenant.id, report_id)
    assert len(smtp.messages) == 2
    assert _rows(world)[REFUSED].attempts == 2


def test_retries_stop_after_the_last_attempt(world, smtp):
    report_id = jobs.build_report(world.tenant.id, "2026-10")
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        with pytest.raises(delivery.DeliveryIncomplete):
            jobs.deliver_report(world.tenant.id, report_id)
    result = jobs.deliver_report(world.tenant.id, report_id)  # the last attempt: the job gives up quietly
    assert result["failed"] == 1 and jobs.deliver_report(world.tenant.id, report_id)["skipped"] == 3
    assert _rows(world)[REFUSED].attempts == delivery.MAX_ATTEMPTS
    assert len(smtp.messages) == 2


def test_a_crash_after_sending_to_some_never_sends_twice(world, smtp, monkeypatch):
    world.tenant.settings = {**world.tenant.settings, "report_recipients": GOOD + ["carl@client.example"]}
    db.session.commit()
    report_id = jobs.build_report(world.tenant.id, "2026-10")
    record, calls = delivery._record, []

    def crash_on_second(delivery_id, error):
        calls.append(delivery_id)
        if len(calls) == 2:  # the second message was accepted, then the worker died before noting it
            raise SystemExit("worker killed")
        record(delivery_id, error)

    monkeypatch.setattr(delivery, "_record", crash_on_second)
    with pytest.raises(SystemExit):
        jobs.deliver_report(world.tenant.id, report_id)
    monkeypatch.setattr(delivery, "_record", record)
    assert len(smtp.messages) == 2

    jobs.deliver_report(world.tenant.id, report_id)
    jobs.deliver_report(world.tenant.id, report_id)
    for address in GOOD + ["carl@client.example"]:
        assert smtp.received_by(address) == 1
    rows = _rows(world)
    assert rows[GOOD[1]].status == "sending"  # unconfirmed: shown to vendor admins, never retried by itself
    assert rows[GOOD[0]].status == rows["carl@client.example"].status == "sent"


def test_a_vendor_admin_resends_deliberately_and_sees_each_recipient(world, smtp, build, login):
    report_id = jobs.build_report(world.tenant.id, "2026-10")
    with pytest.raises(delivery.DeliveryIncomplete):
        jobs.deliver_report(world.tenant.id, report_id)
    row = _rows(world)[GOOD[0]]
    client = login(build.admin())
    page = client.get(f"/t/{world.tenant.slug}/reports/{report_id}").get_data(as_text=True)
    assert REFUSED in page and "No such mailbox" in page and GOOD[0] in page
    response = client.post(f"/t/{world.tenant.slug}/reports/{report_id}/deliveries/{row.id}/resend")
    assert response.status_code == 302
    with pytest.raises(delivery.DeliveryIncomplete):
        jobs.deliver_report(world.tenant.id, report_id)  # what the enqueued job does
    assert smtp.received_by(GOOD[0]) == 2 and smtp.received_by(GOOD[1]) == 1


def test_without_recipients_the_active_client_managers_get_it(build, smtp):
    world = report_data.october(build)
    report_id = jobs.build_report(world.tenant.id, "2026-10")
    assert jobs.deliver_report(world.tenant.id, report_id)["sent"] == 1
    assert smtp.received_by(world.tenant_manager.email) == 1
