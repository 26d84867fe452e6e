"""What the SLA reads of a tenant's settings: the scorecard version of each channel."""

from __future__ import annotations

from decimal import Decimal

from vendor_qa import clock
from vendor_qa.calls.models import CHANNELS
from vendor_qa.extensions import db
from vendor_qa.scorecards import versions
from vendor_qa.sla.settings import versions_by_channel
from vendor_qa.tenants.scoping import tenant_scope


def _published(tenant, name: str, channels: list[str]):
    version = versions.create_scorecard(tenant.id, name, channels)
    versions.add_criterion(versions.add_section(version, "Opening"),
                           {"text": "Greets", "kind": "binary", "weight": Decimal(5)})
    versions.publish(version, None)
    db.session.commit()
    return version


def test_each_channel_gets_the_version_new_work_gets(build):
    tenant = build.tenant()
    with tenant_scope(tenant.id):
        archived = _published(tenant, "Old calls", ["phone", "email"])
        archived.scorecard.archived_at = clock.now()
        inbound = _published(tenant, "Inbound", ["phone", "chat"])
        everything = _published(tenant, "Everything", ["phone", "chat", "email"])
        versions.start_draft(inbound.scorecard)  # a draft is not used for new work
        db.session.commit()

        found = versions_by_channel(tenant, frozenset(CHANNELS))

        # The oldest active scorecard wins; archived ones and drafts never do; uncovered channels are absent.
        assert found == {"phone": inbound.id, "chat": inbound.id, "email": everything.id}
        assert versions.current_version_for_channel(tenant, "email").id == everything.id
        assert versions.current_version_for_channel(tenant, "social") is None
        assert versions_by_channel(tenant, frozenset({"chat"})) == {"chat": inbound.id}


def test_another_tenants_scorecards_are_not_seen(build):
    other = build.tenant()
    with tenant_scope(other.id):
        _published(other, "Theirs", ["social"])
    tenant = build.tenant()
    with tenant_scope(tenant.id):
        assert versions_by_channel(tenant, frozenset(CHANNELS)) == {}
