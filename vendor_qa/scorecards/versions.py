"""The life of a scorecard: drafts, publishing, immutability, comparison, archiving.

Only a draft can change. Editing a published scorecard starts a new draft that
copies the latest version (criterion keys included, so versions can be compared);
publishing the draft validates it, makes it the current version and retires the
one before. Functions here change the session and leave the commit to the caller,
so a view saves all or nothing.

Rule worth knowing: a critical criterion cannot allow N/A. A critical item is one
whose miss fails its scope; if graders could mark it N/A, the safeguard could be
skipped on any call, so it must always be judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vendor_qa import clock
from vendor_qa.calls.models import CHANNELS
from vendor_qa.extensions import db
from vendor_qa.scorecards.models import (
    CRITICAL_SCOPES, DEFAULT_PARTIAL_FRACTION, KINDS, Criterion, Scorecard, ScorecardVersion, Section,
)

MAX_WEIGHT = Decimal("1000")
MAX_SCALE = 100
CRITERION_FIELDS = ("text", "guidance_full", "guidance_partial", "guidance_zero", "kind", "weight",
                    "partial_fraction", "scale_max", "allow_na", "critical", "ability")


class VersionLocked(Exception):
    """A change to a version that is no longer a draft."""

    def __init__(self, version: ScorecardVersion) -> None:
        super().__init__(
            f"Version {version.number} is {version.status} and cannot be changed. "
            "Use “Edit” on the scorecard to start a new draft."
        )


class PublishRefused(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("This draft cannot be published yet: " + " ".join(problems))
        self.problems = problems


# ---- reading -------------------------------------------------------------------------------

def version_query():
    """Versions with their sections and criteria loaded in three queries, whatever their size."""
    return select(ScorecardVersion).options(
        selectinload(ScorecardVersion.sections).selectinload(Section.criteria),
        selectinload(ScorecardVersion.scorecard),
    )


def get_version(version_id: int) -> ScorecardVersion | None:
    return db.session.scalar(version_query().where(ScorecardVersion.id == version_id))


def current_version(scorecard_id: int) -> ScorecardVersion | None:
    """The published version new work uses; None before the first publish or once archived."""
    return db.session.scalar(
        version_query().join(ScorecardVersion.scorecard)
        .where(ScorecardVersion.scorecard_id == scorecard_id, ScorecardVersion.status == "published",
               Scorecard.archived_at.is_(None))
    )


def current_version_ids(tenant, channels: Iterable[str]) -> dict[str, int]:
    """{channel: id of the version new work on it uses} in `tenant` (the context's tenant).

    The version is the published one of the oldest active scorecard covering the channel.
    Channels no scorecard covers are left out: their calls cannot be evaluated. One query of
    ids, since planning, tracking and each poll of the SLA board ask for every tenant.
    """
    assert_tenant_in_context(tenant)
    wanted, found = set(channels), {}
    for version_id, covered in db.session.execute(
            select(ScorecardVersion.id, Scorecard.channels).join(ScorecardVersion.scorecard)
            .where(ScorecardVersion.status == "published", Scorecard.archived_at.is_(None))
            .order_by(Scorecard.id)):
        # Channels are a short JSON list; matching them here keeps one query on SQLite and PostgreSQL.
        for channel in wanted.intersection(covered or ()):
            found.setdefault(channel, version_id)
    return found


def current_version_for_channel(tenant, channel: str) -> ScorecardVersion | None:
    """The version new work on a call of `channel` uses in `tenant` (the context's tenant)."""
    version_id = current_version_ids(tenant, [channel]).get(channel)
    return None if version_id is None else get_version(version_id)


def assert_tenant_in_context(tenant) -> None:
    from vendor_qa.tenants.scoping import current_tenant_id

    if current_tenant_id() != tenant.id:
        raise ValueError("the tenant given is not the tenant in context")


def draft_of(scorecard: Scorecard) -> ScorecardVersion | None:
    return next((v for v in scorecard.versions if v.is_draft), None)


def latest_version(scorecard: Scorecard) -> ScorecardVersion | None:
    return max(scorecard.versions, key=lambda v: v.number, default=None)


# ---- creating and editing ------------------------------------------------------------------

def create_scorecard(tenant_id: int, name: str, channels: Sequence[str], description: str = "") -> ScorecardVersion:
    """A new scorecard and its first draft (version 1)."""
    scorecard = Scorecard(tenant_id=tenant_id, name=name.strip(), description=description.strip(),
                          channels=ordered_channels(channels))
    draft = ScorecardVersion(tenant_id=tenant_id, scorecard=scorecard, number=1, status="draft")
    db.session.add_all([scorecard, draft])
    db.session.flush()
    return draft


def ordered_channels(channels: Iterable[str]) -> list[str]:
    chosen = set(channels)
    unknown = chosen - set(CHANNELS)
    if unknown or not chosen:
        raise ValueError(f"choose one or more channels of {', '.join(CHANNELS)}")
    return [c for c in CHANNELS if c in chosen]


def ensure_draft(version: ScorecardVersion) -> None:
    if not version.is_draft:
        raise VersionLocked(version)


def start_draft(scorecard: Scorecard) -> ScorecardVersion:
    """The scorecard's draft: the existing one, or a new copy of its latest version."""
    existing = draft_of(scorecard)
    if existing is not None:
        return existing
    latest = latest_version(scorecard)
    sections = [_copy_section(s) for s in latest.sections] if latest else []  # loaded before the draft exists
    draft = ScorecardVersion(tenant_id=scorecard.tenant_id, scorecard=scorecard, sections=sections,
                             number=(latest.number + 1) if latest else 1, status="draft")
    db.session.add(draft)
    db.session.flush()
    return draft


def _copy_section(section: Section) -> Section:
    return Section(tenant_id=section.tenant_id, position=section.position, title=section.title,
                   criteria=[_copy_criterion(c) for c in section.criteria])


def _copy_criterion(criterion: Criterion) -> Criterion:
    values = {name: getattr(criterion, name) for name in CRITERION_FIELDS}
    return Criterion(tenant_id=criterion.tenant_id, position=criterion.position, key=criterion.key, **values)


def _next_position(rows: Sequence[Any]) -> int:
    return max((r.position for r in rows), default=0) + 1


def add_section(version: ScorecardVersion, title: str) -> Section:
    ensure_draft(version)
    section = Section(tenant_id=version.tenant_id, title=title.strip(), position=_next_position(version.sections))
    version.sections.append(section)
    db.session.flush()
    return section


def rename_section(section: Section, title: str) -> None:
    ensure_draft(section.version)
    section.title = title.strip()
    db.session.flush()


def delete_section(section: Section) -> None:
    ensure_draft(section.version)
    _delete(section, section.version, "sections")


def _delete(row: Any, parent: Any, collection: str) -> None:
    """Delete a row with its children through the session, then forget the parent's stale list."""
    db.session.delete(row)
    db.session.flush()
    db.session.expire(parent, [collection])


def add_criterion(section: Section, values: dict[str, Any]) -> Criterion:
    ensure_draft(section.version)
    criterion = Criterion(tenant_id=section.tenant_id, position=_next_position(section.criteria))
    assign(criterion, values)
    section.criteria.append(criterion)
    db.session.flush()
    return criterion


def update_criterion(criterion: Criterion, values: dict[str, Any]) -> None:
    ensure_draft(criterion.section.version)
    assign(criterion, values)
    db.session.flush()


def delete_criterion(criterion: Criterion) -> None:
    ensure_draft(criterion.section.version)
    _delete(criterion, criterion.section, "criteria")


def assign(criterion: Criterion, values: dict[str, Any]) -> None:
    """Set some or all of a criterion's fields, after checking the result as a whole.

    Fields its kind does not use are reset, so a former scale keeps no stale maximum.
    """
    merged = criterion_values(criterion) | values
    merged["partial_fraction"] = merged["partial_fraction"] or DEFAULT_PARTIAL_FRACTION
    merged["allow_na"] = bool(merged["allow_na"])
    merged["critical"] = merged["critical"] or None
    merged["ability"] = merged["ability"] or None
    for name in ("text", "guidance_full", "guidance_partial", "guidance_zero"):
        merged[name] = (merged[name] or "").strip()
    problems = criterion_problems(merged)
    if problems:
        raise ValueError("; ".join(problems.values()))
    if merged["kind"] != "graded":
        merged["partial_fraction"] = DEFAULT_PARTIAL_FRACTION
    if merged["kind"] != "scale":
        merged["scale_max"] = None
    for name in CRITERION_FIELDS:
        setattr(criterion, name, merged[name])


def move(row: Section | Criterion, direction: str) -> bool:
    """Swap a section or criterion with its neighbour above ("up") or below ("down").

    Returns False when it is already at that end. Positions are unique, so the swap
    goes through a free position (row-by-row unique checks would refuse a direct swap).
    """
    if isinstance(row, Section):
        ensure_draft(row.version)
        siblings = row.version.sections
    else:
        ensure_draft(row.section.version)
        siblings = row.section.criteria
    ordered = sorted(siblings, key=lambda r: r.position)
    index = ordered.index(row) + {"up": -1, "down": 1}.get(direction, 0)
    if index == ordered.index(row) or not 0 <= index < len(ordered):
        return False
    other = ordered[index]
    mine, theirs = row.position, other.position
    row.position = -1
    db.session.flush()
    other.position = mine
    db.session.flush()
    row.position = theirs
    db.session.flush()
    siblings.sort(key=lambda r: r.position)
    return True


# ---- validation and publishing -------------------------------------------------------------

def criterion_problems(values: dict[str, Any], ability_tags: Sequence[str] | None = None) -> dict[str, str]:
    """What is wrong with a criterion's values, by field name (empty when fine)."""
    problems: dict[str, str] = {}
    kind = values.get("kind")
    if not (values.get("text") or "").strip():
        problems["text"] = "Write what the grader checks."
    if kind not in KINDS:
        problems["kind"] = f"Choose a kind: {', '.join(KINDS)}."
    weight = values.get("weight")
    if not _finite(weight) or not 0 < Decimal(weight) <= MAX_WEIGHT or _places(weight) > 2:
        problems["weight"] = f"The weight is a number of points above 0 and up to {MAX_WEIGHT}, with at most 2 decimals."
    fraction = values.get("partial_fraction", DEFAULT_PARTIAL_FRACTION)
    if kind == "graded" and (not _finite(fraction) or not 0 < Decimal(fraction) < 1 or _places(fraction) > 3):
        problems["partial_fraction"] = "Partial credit is a share between 0 and 1 with at most 3 decimals, e.g. 0.5."
    scale_max = values.get("scale_max")
    if kind == "scale" and (scale_max is None or not 1 <= scale_max <= MAX_SCALE):
        problems["scale_max"] = f"A scale runs from 0 to a maximum of 1 to {MAX_SCALE}."
    critical = values.get("critical") or None
    if critical is not None and critical not in CRITICAL_SCOPES:
        problems["critical"] = "Critical applies to the call or to the section."
    if critical is not None and values.get("allow_na"):
        problems["allow_na"] = "A critical criterion cannot allow N/A: it must be judged on every call."
    ability = values.get("ability") or None
    if ability is not None and ability_tags is not None and ability not in ability_tags:
        problems["ability"] = f"Choose one of this tenant's abilities: {', '.join(ability_tags)}."
    return problems


def _finite(number: Any) -> bool:
    """A number at all: not missing, not NaN or infinite (which cannot even be compared)."""
    return number is not None and Decimal(number).is_finite()


def _places(number: Any) -> int:
    exponent = Decimal(number).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def criterion_values(criterion: Criterion) -> dict[str, Any]:
    return {name: getattr(criterion, name) for name in CRITERION_FIELDS}


def publish_problems(version: ScorecardVersion) -> list[str]:
    """Everything that stops a draft from being published, in words an admin can act on."""
    if not version.sections:
        return ["Add at least one section with at least one criterion."]
    problems = []
    for section in version.sections:
        if not section.title.strip():
            problems.append(f"Section {section.position} needs a title.")
        if not section.criteria:
            problems.append(f"Section “{section.title}” has no criteria: add one or delete the section.")
        for criterion in section.criteria:
            for message in criterion_problems(criterion_values(criterion)).values():
                problems.append(f"“{criterion.text}”: {message}")
    return problems


def publish(version: ScorecardVersion, user_id: int | None, note: str = "") -> None:
    """Make a valid draft the scorecard's current version and retire the one before."""
    ensure_draft(version)
    problems = publish_problems(version)
    if problems:
        raise PublishRefused(problems)
    for previous in version.scorecard.versions:
        if previous.status == "published":
            previous.status = "retired"
    db.session.flush()  # before the draft takes the published slot (one per scorecard)
    version.status = "published"
    version.published_at = clock.now()
    version.published_by_id = user_id
    version.note = note.strip()
    db.session.flush()


def discard_draft(version: ScorecardVersion) -> None:
    ensure_draft(version)
    scorecard = version.scorecard
    if len(scorecard.versions) == 1:
        db.session.delete(scorecard)  # a scorecard that never got published leaves nothing behind
        db.session.flush()
    else:
        _delete(version, scorecard, "versions")


def archive(scorecard: Scorecard) -> None:
    scorecard.archived_at = scorecard.archived_at or clock.now()
    db.session.flush()


def unarchive(scorecard: Scorecard) -> None:
    scorecard.archived_at = None
    db.session.flush()


# ---- comparing -----------------------------------------------------------------------------

COMPARED_FIELDS = {
    "text": "text", "section": "section", "kind": "kind", "weight": "weight",
    "partial_fraction": "partial credit", "scale_max": "scale maximum", "critical": "critical",
    "allow_na": "N/A allowed", "ability": "ability",
}


@dataclass(frozen=True)
class Change:
    field: str  # a label of COMPARED_FIELDS
    before: Any
    after: Any


@dataclass(frozen=True)
class CriterionDiff:
    before: dict[str, Any] | None  # None: added in the newer version
    after: dict[str, Any] | None  # None: removed
    changes: tuple[Change, ...] = ()


@dataclass
class Comparison:
    added: list[CriterionDiff] = field(default_factory=list)
    removed: list[CriterionDiff] = field(default_factory=list)
    changed: list[CriterionDiff] = field(default_factory=list)
    unchanged: int = 0


def _snapshot(criterion: Criterion) -> dict[str, Any]:
    values = criterion_values(criterion)
    values["section"] = criterion.section.title
    if criterion.kind != "graded":
        values["partial_fraction"] = None  # not used by the kind: never reported as a change
    return values


def compare(older: ScorecardVersion, newer: ScorecardVersion) -> Comparison:
    """What changed between two versions, matching criteria by their stable key."""
    before = {c.key: _snapshot(c) for c in older.criteria}
    after = {c.key: _snapshot(c) for c in newer.criteria}
    result = Comparison()
    for key, values in after.items():
        if key not in before:
            result.added.append(CriterionDiff(None, values))
            continue
        changes = tuple(Change(label, before[key][name], values[name])
                        for name, label in COMPARED_FIELDS.items() if before[key][name] != values[name])
        if changes:
            result.changed.append(CriterionDiff(before[key], values, changes))
        else:
            result.unchanged += 1
    result.removed = [CriterionDiff(values, None) for key, values in before.items() if key not in after]
    return result

