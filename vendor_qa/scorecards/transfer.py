"""Scorecard versions as JSON documents: export one, import one as a new draft.

The format is described in docs/scorecard-format.md. A document is checked in two
steps: its shape against a JSON Schema, then each criterion against the same rules
the builder applies (versions.criterion_problems). Every error names its place in
the document (e.g. `sections/0/criteria/2/weight`).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import select

from vendor_qa.calls.models import CHANNELS
from vendor_qa.extensions import db
from vendor_qa.scorecards import versions
from vendor_qa.scorecards.models import KINDS, Criterion, Scorecard, ScorecardVersion, Section

FORMAT = "vendor_qa.scorecard/1"

_text = {"type": "string", "maxLength": 5000}
SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["format", "scorecard", "sections"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": FORMAT},
        "scorecard": {
            "type": "object",
            "required": ["name", "channels"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": _text,
                "channels": {"type": "array", "items": {"enum": list(CHANNELS)}, "minItems": 1, "uniqueItems": True},
            },
        },
        "version": {  # where the document came from; informative, ignored on import
            "type": "object",
            "properties": {
                "number": {"type": "integer"},
                "status": {"type": "string"},
                "published_at": {"type": ["string", "null"]},
                "note": {"type": "string"},
            },
        },
        "sections": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/section"}},
    },
    "$defs": {
        "section": {
            "type": "object",
            "required": ["title", "criteria"],
            "additionalProperties": False,
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 200},
                "criteria": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/criterion"}},
            },
        },
        "criterion": {
            "type": "object",
            "required": ["text", "kind", "weight"],
            "additionalProperties": False,
            "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": 500},
                "kind": {"enum": list(KINDS)},
                "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
                "partial_fraction": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
                "scale_max": {"type": ["integer", "null"], "minimum": 1, "maximum": 100},
                "allow_na": {"type": "boolean"},
                "critical": {"enum": [None, "call", "section"]},
                "ability": {"type": ["string", "null"], "maxLength": 60},
                "guidance": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"full": _text, "partial": _text, "zero": _text},
                },
            },
        },
    },
}
_validator = Draft202012Validator(SCHEMA)


class DocumentInvalid(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


# ---- export --------------------------------------------------------------------------------

def _number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()


def _criterion_document(criterion: Criterion) -> dict[str, Any]:
    document: dict[str, Any] = {
        "text": criterion.text,
        "kind": criterion.kind,
        "weight": _number(criterion.weight),
        "allow_na": criterion.allow_na,
        "critical": criterion.critical,
        "ability": criterion.ability,
        "guidance": {"full": criterion.guidance_full, "partial": criterion.guidance_partial,
                     "zero": criterion.guidance_zero},
    }
    if criterion.kind == "graded":
        document["partial_fraction"] = _number(criterion.partial_fraction)
    if criterion.kind == "scale":
        document["scale_max"] = criterion.scale_max
    return document


def export_document(version: ScorecardVersion) -> dict[str, Any]:
    scorecard = version.scorecard
    return {
        "format": FORMAT,
        "scorecard": {"name": scorecard.name, "description": scorecard.description, "channels": scorecard.channels},
        "version": {
            "number": version.number,
            "status": version.status,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "note": version.note,
        },
        "sections": [
            {"title": s.title, "criteria": [_criterion_document(c) for c in s.criteria]} for s in version.sections
        ],
    }


class _DecimalEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o) if o != o.to_integral_value() else int(o)
        return super().default(o)


def dumps(document: dict[str, Any]) -> str:
    # Weights have at most two decimals, so their float text is the exact decimal (2.5, 0.75).
    return json.dumps(document, cls=_DecimalEncoder, indent=2, ensure_ascii=False) + "\n"


def filename(version: ScorecardVersion) -> str:
    safe = re.sub(r"[^a-z0-9]+", "-", version.scorecard.name.lower()).strip("-")
    return f"{safe or 'scorecard'}-v{version.number}.json"


# ---- import --------------------------------------------------------------------------------

def _where(path) -> str:
    return "/".join(str(p) for p in path) or "(document)"


def parse(text: str | bytes) -> dict[str, Any]:
    """The document in `text`, checked; raises DocumentInvalid with every error found."""
    try:
        document = json.loads(text, parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentInvalid([f"This is not a JSON file: {exc}"]) from None
    errors = [f"{_where(e.absolute_path)}: {e.message}"
              for e in sorted(_validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))]
    if errors:
        raise DocumentInvalid(errors)
    for s, section in enumerate(document["sections"]):
        for c, criterion in enumerate(section["criteria"]):
            for name, message in versions.criterion_problems(_criterion_values(criterion)).items():
                errors.append(f"sections/{s}/criteria/{c}/{name}: {message}")
    if errors:
        raise DocumentInvalid(errors)
    return document


def _criterion_values(document: dict[str, Any]) -> dict[str, Any]:
    guidance = document.get("guidance") or {}
    return {
        "text": document["text"].strip(),
        "kind": document["kind"],
        "weight": Decimal(document["weight"]),
        "partial_fraction": Decimal(document.get("partial_fraction", "0.5")),
        "scale_max": document.get("scale_max"),
        "allow_na": document.get("allow_na", False),
        "critical": document.get("critical"),
        "ability": document.get("ability"),
        "guidance_full": guidance.get("full", ""),
        "guidance_partial": guidance.get("partial", ""),
        "guidance_zero": guidance.get("zero", ""),
    }


def name_taken(name: str) -> bool:
    """Whether the context's tenant already has a scorecard of that name."""
    return db.session.scalar(select(Scorecard.id).where(Scorecard.name == name.strip())) is not None


def create_draft(tenant_id: int, document: dict[str, Any], ability_tags: list[str],
                 name: str | None = None) -> tuple[ScorecardVersion, list[str]]:
    """A new scorecard whose first draft holds the document's sections; and warnings for the admin.

    Ability tags the tenant does not have are left empty (and reported) rather than refused, so
    a scorecard moves between tenants whose lists differ.
    """
    card = document["scorecard"]
    draft = versions.create_scorecard(tenant_id, name or card["name"], card["channels"], card.get("description", ""))
    warnings: list[str] = []
    for s, section_doc in enumerate(document["sections"], start=1):
        section = Section(tenant_id=tenant_id, position=s, title=section_doc["title"].strip())
        for c, criterion_doc in enumerate(section_doc["criteria"], start=1):
            values = _criterion_values(criterion_doc)
            if values["ability"] and values["ability"] not in ability_tags:
                warnings.append(f"sections/{s - 1}/criteria/{c - 1}/ability: “{values['ability']}” is not one "
                                "of this tenant's abilities and was left empty.")
                values["ability"] = None
            criterion = Criterion(tenant_id=tenant_id, position=c)
            versions.assign(criterion, values)
            section.criteria.append(criterion)
        draft.sections.append(section)
    db.session.flush()
    return draft, warnings
