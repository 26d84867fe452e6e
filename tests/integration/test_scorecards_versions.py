"""Scorecard versions: drafts, publishing, immutability, copies, comparison, archiving."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from vendor_qa.extensions import db
from vendor_qa.scorecards import versions
from vendor_qa.scorecards.models import ScorecardVersion
from vendor_qa.tenants.scoping import tenant_scope


def criterion(text: str, **values) -> dict:
    return {"text": text, "kind": "binary", "weight": Decimal("10"), **values}


@pytest.fixture
def tenant(build):
    return build.tenant()


@pytest.fixture
def scope(tenant):
    with tenant_scope(tenant.id):
        yield tenant


def small_draft(tenant, name="Inbound"):
    draft = versions.create_scorecard(tenant.id, name, ["phone"])
    opening = versions.add_section(draft, "Opening")
    versions.add_criterion(opening, criterion("Greets the customer"))
    versions.add_criterion(opening, criterion("Gives own name", weight=Decimal("5"), allow_na=True))
    closing = versions.add_section(draft, "Closing")
    versions.add_criterion(closing, criterion("Confirms the issue is solved", kind="graded", critical="call"))
    return draft


def published(tenant, name="Inbound"):
    draft = small_draft(tenant, name)
    versions.publish(draft, None, "first")
    db.session.commit()
    return draft


def test_publishing_makes_the_draft_current(scope):
    draft = small_draft(scope)
    assert versions.current_version(draft.scorecard_id) is None
    versions.publish(draft, None, "  first cut ")
    db.session.commit()
    current = versions.current_version(draft.scorecard_id)
    assert current.id == draft.id and current.status == "published"
    assert current.published_at is not None and current.note == "first cut"


def test_published_versions_refuse_every_change(scope):
    version = published(scope)
    section = version.sections[0]
    crit = section.criteria[0]
    attempts = [
        lambda: versions.add_section(version, "More"),
        lambda: versions.rename_section(section, "Hello"),
        lambda: versions.delete_section(section),
        lambda: versions.add_criterion(section, criterion("New")),
        lambda: versions.update_criterion(crit, criterion("Changed")),
        lambda: versions.delete_criterion(crit),
        lambda: versions.move(crit, "down"),
        lambda: versions.publish(version, None),
        lambda: versions.discard_draft(version),
    ]
    for attempt in attempts:
        with pytest.raises(versions.VersionLocked, match="cannot be changed"):
            attempt()
    db.session.rollback()
    assert [c.text for c in versions.get_version(version.id).criteria] == [
        "Greets the customer", "Gives own name", "Confirms the issue is solved"]


def test_editing_a_published_scorecard_copies_it_into_one_draft(scope):
    v1 = published(scope)
    v2 = versions.start_draft(v1.scorecard)
    db.session.commit()
    assert (v2.number, v2.status) == (2, "draft")
    assert versions.start_draft(v1.scorecard).id == v2.id  # one draft at a time
    assert [s.title for s in v2.sections] == ["Opening", "Closing"]
    assert [(c.key, c.text, c.weight, c.allow_na, c.critical) for c in v2.criteria] == [
        (c.key, c.text, c.weight, c.allow_na, c.critical) for c in v1.criteria]
    assert {c.id for c in v2.criteria}.isdisjoint({c.id for c in v1.criteria})
    versions.update_criterion(v2.criteria[0], criterion("Greets warmly"))
    db.session.commit()
    assert versions.get_version(v1.id).criteria[0].text == "Greets the customer"


def test_publishing_a_new_version_retires_the_previous_one(scope):
    v1 = published(scope)
    v2 = versions.start_draft(v1.scorecard)
    versions.publish(v2, None, "second")
    db.session.commit()
    statuses = dict(db.session.execute(select(ScorecardVersion.number, ScorecardVersion.status)).all())
    assert statuses == {1: "retired", 2: "published"}
    assert versions.current_version(v1.scorecard_id).number == 2


def test_the_database_refuses_two_drafts_of_one_scorecard(scope):
    v1 = small_draft(scope)
    db.session.add(ScorecardVersion(tenant_id=scope.id, scorecard=v1.scorecard, number=2, status="draft"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_publish_lists_what_is_missing(scope):
    draft = versions.create_scorecard(scope.id, "Empty", ["chat"])
    with pytest.raises(versions.PublishRefused) as refused:
        versions.publish(draft, None)
    assert refused.value.problems == ["Add at least one section with at least one criterion."]
    versions.add_section(draft, "Opening")
    assert versions.publish_problems(draft) == [
        "Section “Opening” has no criteria: add one or delete the section."]


def test_criterion_rules(scope):
    problems = versions.criterion_problems(
        {"text": " ", "kind": "scale", "weight": Decimal("0"), "scale_max": None, "critical": "call",
         "allow_na": True, "ability": "juggling"}, ability_tags=["courtesy"])
    assert set(problems) == {"text", "weight", "scale_max", "allow_na", "ability"}
    assert "critical criterion cannot allow N/A" in problems["allow_na"]
    assert versions.criterion_problems(criterion("Fine", kind="graded", partial_fraction=Decimal("1"))) == {
        "partial_fraction": "Partial credit is a share between 0 and 1 with at most 3 decimals, e.g. 0.5."}
    for weight in ("1.005", "NaN", "Infinity", "-1", "1001"):
        assert "weight" in versions.criterion_problems(criterion("Fine", weight=Decimal(weight)))
    draft = small_draft(scope)
    with pytest.raises(ValueError, match="cannot allow N/A"):
        versions.add_criterion(draft.sections[0], criterion("Bad", critical="section", allow_na=True))


def test_kind_change_clears_what_the_kind_does_not_use(scope):
    draft = small_draft(scope)
    crit = versions.add_criterion(draft.sections[0], criterion("Empathy", kind="scale", scale_max=5))
    versions.update_criterion(crit, criterion("Empathy", kind="binary", scale_max=5))
    assert crit.scale_max is None


def test_move_swaps_neighbours_and_stops_at_the_ends(scope):
    draft = small_draft(scope)
    opening, closing = draft.sections
    assert versions.move(closing, "up") is True
    db.session.commit()
    assert [s.title for s in versions.get_version(draft.id).sections] == ["Closing", "Opening"]
    assert versions.move(closing, "up") is False
    first, second = opening.criteria
    assert versions.move(first, "down") is True
    db.session.commit()
    assert [c.text for c in versions.get_version(draft.id).sections[1].criteria] == [
        "Gives own name", "Greets the customer"]


def test_delete_section_takes_its_criteria(scope):
    draft = small_draft(scope)
    versions.delete_section(draft.sections[0])
    db.session.commit()
    assert [c.text for c in versions.get_version(draft.id).criteria] == ["Confirms the issue is solved"]


def test_compare_matches_criteria_by_key_across_renames(scope):
    v1 = published(scope)
    v2 = versions.start_draft(v1.scorecard)
    greet, name, solved = v2.criteria
    versions.update_criterion(greet, criterion("Greets the customer warmly"))  # renamed only
    versions.update_criterion(solved, {"weight": Decimal("20"), "critical": None})
    versions.delete_criterion(name)
    versions.add_criterion(v2.sections[1], criterion("Offers more help"))
    versions.publish(v2, None)
    db.session.commit()

    diff = versions.compare(v1, v2)
    assert [d.after["text"] for d in diff.added] == ["Offers more help"]
    assert [d.before["text"] for d in diff.removed] == ["Gives own name"]
    changes = {d.after["text"]: {(c.field, c.before, c.after) for c in d.changes} for d in diff.changed}
    assert changes == {
        "Greets the customer warmly": {("text", "Greets the customer", "Greets the customer warmly")},
        "Confirms the issue is solved": {("weight", Decimal("10"), Decimal("20")), ("critical", "call", None)},
    }
    assert diff.unchanged == 0


def test_archived_scorecards_are_hidden_from_new_work(scope):
    inbound = published(scope, "Inbound")
    chat = versions.create_scorecard(scope.id, "Chat", ["chat", "email"])
    versions.add_criterion(versions.add_section(chat, "All"), criterion("Spells names right"))
    versions.publish(chat, None)
    db.session.commit()
    assert versions.current_version_for_channel(scope, "phone").id == inbound.id
    assert versions.current_version_for_channel(scope, "email").id == chat.id
    assert versions.current_version_for_channel(scope, "social") is None

    versions.archive(inbound.scorecard)
    db.session.commit()
    assert versions.current_version_for_channel(scope, "phone") is None
    assert versions.current_version(inbound.scorecard_id) is None
    assert versions.get_version(inbound.id).status == "published"  # still there for past evaluations
    versions.unarchive(inbound.scorecard)
    assert versions.current_version(inbound.scorecard_id).id == inbound.id


def test_discarding_a_first_draft_removes_the_scorecard(scope):
    draft = small_draft(scope)
    versions.discard_draft(draft)
    db.session.commit()
    assert versions.get_version(draft.id) is None
    v1 = published(scope, "Kept")
    v2 = versions.start_draft(v1.scorecard)
    versions.discard_draft(v2)
    db.session.commit()
    assert versions.current_version(v1.scorecard_id).id == v1.id


def test_versions_of_another_tenant_are_out_of_reach(build):
    own, other = build.tenant(), build.tenant()
    with tenant_scope(other.id):
        theirs = published(other)
    with tenant_scope(own.id):
        assert versions.get_version(theirs.id) is None
        assert versions.current_version(theirs.scorecard_id) is None
