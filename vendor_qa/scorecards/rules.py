"""A tenant's scoring rules kept in its settings: bands, pass mark and ability tags.

Settings are JSON, so numbers are stored as JSON numbers and read back exactly
through their decimal text (a stored 45.5 is 91/2, never a binary float).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Sequence

from vendor_qa.scorecards.scoring import Band, validate_bands

COLOR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")


def exact(value: Any) -> Fraction:
    return Fraction(str(value))


def json_number(value: Fraction | Decimal | int) -> int | float:
    """A settings value: an int when whole, else the float of its (one-decimal) text."""
    fraction = Fraction(value)
    return int(fraction) if fraction.denominator == 1 else float(Decimal(fraction.numerator) / fraction.denominator)


def tenant_bands(tenant) -> tuple[Band, ...]:
    return tuple(Band(b["name"], exact(b["min_score"]), b["color"]) for b in tenant.setting("bands"))


def tenant_pass_mark(tenant) -> Fraction:
    return exact(tenant.setting("pass_mark"))


def ability_tags(tenant) -> list[str]:
    return list(tenant.setting("ability_tags"))


def bands_setting(bands: Iterable[Band]) -> list[dict[str, Any]]:
    return [{"name": b.name, "min_score": json_number(b.min_score), "color": b.color.lower()} for b in bands]


def band_problems(bands: Sequence[Band], pass_mark: Fraction | Decimal | int) -> list[str]:
    """What is wrong with a tenant's bands and pass mark, in words an admin can act on."""
    problems = validate_bands(bands, pass_mark)
    problems += [f"“{b.name}”: the colour must look like #2e7d32." for b in bands if not COLOR_PATTERN.match(b.color or "")]
    return problems
