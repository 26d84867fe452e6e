"""Export a version as JSON, import it as a new draft (same or another tenant), refuse bad documents clearly."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest

from vendor_qa.extensions import db
from vendor_qa.scorecards import demo, engine, transfer, versions
from vendor_qa.scorecards.models import Scorecard
from vendor_qa.tenants.scoping import tenant_scope


@pytest.fixture
def admin(build, login):
    user = build.admin()
    login(user)
    return user


def demo_versions(tenant):
    return demo.add_demo_scorecards(tenant)


def test_demo_scorecards_are_published_and_realistic(build):
    tenant = build.tenant()
    created = demo_versions(tenant)
    with tenant_scope(tenant.id):
        names = {v.scorecard.name: v.scorecard.channels for v in created}
        assert names == {"Inbound support (phone)": ["phone"], "Outbound sales (phone)": ["phone"],
                         "Chat support": ["chat"]}
        for version in created:
            assert versions.current_version(version.scorecard_id).id == version.id
            assert len(version.criteria) >= 7
            assert all(c.ability for c in version.criteria)
        assert versions.current_version_for_channel(tenant, "chat").scorecard.name == "Chat support"
        inbound = versions.get_version(created[0].id)
        perfect = {c.key: ("yes" if c.kind == "binary" else "full" if c.kind == "graded" else c.scale_max)
                   for c in inbound.criteria}
        assert engine.score_version(inbound, perfect, tenant).total == 100


def test_export_then_import_into_another_tenant_round_trips(build, admin, client):
    source, target = build.tenant(), build.tenant()
    version = demo_versions(source)[1]
    exported = client.get(f"/t/{source.slug}/scorecards/versions/{version.id}/export")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == 'attachment; filename="outbound-sales-phone-v1.json"'
    document = json.loads(exported.data)
    assert document["format"] == "vendor_qa.scorecard/1" and document["version"]["status"] == "published"

    response = client.post(f"/t/{target.slug}/scorecards/import",
                           data={"file": (io.BytesIO(exported.data), "sales.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    draft_id = int(re.search(r"/versions/(\d+)/edit", response.headers["Location"]).group(1))
    with tenant_scope(target.id):
        draft = versions.get_version(draft_id)
        assert (draft.status, draft.number, draft.tenant_id) == ("draft", 1, target.id)
        again = transfer.export_document(draft)
    original = transfer.export_document(version)
    for doc in (again, original):
        doc.pop("version")
    assert again == original


def test_import_into_the_same_tenant_needs_a_new_name(build, admin, client):
    tenant = build.tenant()
    version = demo_versions(tenant)[2]
    exported = client.get(f"/t/{tenant.slug}/scorecards/versions/{version.id}/export").get_data(as_text=True)
    clash = client.post(f"/t/{tenant.slug}/scorecards/import", data={"document": exported})
    assert clash.status_code == 422 and "already has a scorecard named “Chat support”" in clash.get_data(as_text=True)
    renamed = client.post(f"/t/{tenant.slug}/scorecards/import", data={"document": exported, "name": "Chat support 2"})
    assert renamed.status_code == 302
    with tenant_scope(tenant.id):
        assert db.session.query(Scorecard).filter_by(name="Chat support 2").count() == 1


def test_unknown_abilities_are_left_empty_with_a_warning(build, admin, client):
    tenant = build.tenant(settings={"ability_tags": ["courtesy"]})
    document = {"format": transfer.FORMAT, "scorecard": {"name": "Mail", "channels": ["email"]},
                "sections": [{"title": "All", "criteria": [
                    {"text": "Polite", "kind": "binary", "weight": 1, "ability": "courtesy"},
                    {"text": "Knows the product", "kind": "binary", "weight": 2.5, "ability": "product knowledge"}]}]}
    response = client.post(f"/t/{tenant.slug}/scorecards/import", data={"document": json.dumps(document)},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "sections/0/criteria/1/ability: “product knowledge” is not one of this tenant" in page
    with tenant_scope(tenant.id):
        draft = db.session.query(Scorecard).one().versions[0]
        assert [(c.ability, c.weight) for c in draft.criteria] == [("courtesy", Decimal("1")), (None, Decimal("2.5"))]


@pytest.mark.parametrize("document, expected", [
    ("{not json", "This is not a JSON file"),
    (json.dumps({"format": "other"}), "format: 'vendor_qa.scorecard/1' was expected"),
    (json.dumps({"format": transfer.FORMAT, "scorecard": {"name": "X", "channels": ["fax"]}, "sections": []}),
     "scorecard/channels/0: 'fax' is not one of"),
    (json.dumps({"format": transfer.FORMAT, "scorecard": {"name": "X", "channels": ["chat"]},
                 "sections": [{"title": "A", "criteria": [{"text": "t", "kind": "binary", "weight": 0}]}]}),
     "sections/0/criteria/0/weight: 0 is less than or equal to the minimum of 0"),
    (json.dumps({"format": transfer.FORMAT, "scorecard": {"name": "X", "channels": ["chat"]},
                 "sections": [{"title": "A", "criteria": [
                     {"text": "t", "kind": "binary", "weight": 1, "critical": "call", "allow_na": True}]}]}),
     "sections/0/criteria/0/allow_na: A critical criterion cannot allow N/A"),
    (json.dumps({"format": transfer.FORMAT, "scorecard": {"name": "X", "channels": ["chat"]},
                 "sections": [{"title": "A", "criteria": [{"text": "t", "kind": "scale", "weight": 1}]}]}),
     "sections/0/criteria/0/scale_max: A scale runs from 0 to a maximum"),
])
def test_bad_documents_are_refused_with_their_place(build, admin, client, document, expected):
    tenant = build.tenant()
    response = client.post(f"/t/{tenant.slug}/scorecards/import", data={"document": document})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    where, _, message = expected.partition(": ")
    if message:
        assert f"<code>{where}</code>" in page and message.replace("'", "&#39;") in page
    else:
        assert expected in page
    with tenant_scope(tenant.id):
        assert db.session.query(Scorecard).count() == 0  # nothing half-saved


def test_parse_lists_every_error():
    bad = json.dumps({"format": transfer.FORMAT, "scorecard": {"name": ""}, "sections": [], "extra": 1})
    with pytest.raises(transfer.DocumentInvalid) as invalid:
        transfer.parse(bad)
    assert len(invalid.value.errors) == 4  # extra key, empty name, no channels, no sections


def test_import_without_a_document_says_what_to_do(build, admin, client):
    tenant = build.tenant()
    response = client.post(f"/t/{tenant.slug}/scorecards/import", data={})
    assert response.status_code == 422
    assert "Choose a file or paste a scorecard document" in response.get_data(as_text=True)
