"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from math import floor
from zoneinfo import ZoneInfo

from flask import Flask, g


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M", zone: str | None = None) -> str:
    """A UTC timestamp in the tenant's time zone (or the one given)."""
    if value is None:
        return "—"
    name = zone or (g.tenant.timezone if g.get("tenant") is not None else "UTC")
    return value.astimezone(ZoneInfo(name)).strftime(fmt)


def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# ---- numbers: one rounding rule for every page, PDF, CSV and e-mail -------------------------------
#
# Every number shown to people is rounded once, half-up (a half goes away from zero: 2.125 -> 2.13,
# -0.05 -> -0.1), from its exact value, by `rounded`. Python's round() and printf-style formats
# round a float half-even on its binary value (2.125 -> 2.12), so figures never use them (a test
# looks: tests/unit/test_one_rounding_rule.py).

Number = int | Decimal | Fraction | float | str
MAX_PLACES = 6  # the most decimals a share is given to tell it apart from its target


def exact_value(value: Number) -> Fraction:
    """The exact value of a figure: a float as its shortest text (2.125, not its binary neighbour),
    text as a decimal or a fraction ("97.33", "29199/300", as report snapshots keep them)."""
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    if isinstance(value, str):
        return Fraction(value.strip())
    return Fraction(value)


def rounded(value: Number, places: int) -> Decimal:
    """`value` rounded half-up (away from zero) to `places` decimals: the one rounding rule."""
    exact = exact_value(value)
    magnitude = floor(abs(exact) * 10**places + Fraction(1, 2))
    return Decimal(-magnitude if exact < 0 else magnitude).scaleb(-places)


def number(value: Number | None, places: int = 1, signed: bool = False) -> str:
    """A figure to `places` decimals, half-up, trailing zeros kept: 84.25 -> "84.3", 84 -> "84.0".

    signed: a gain shows its "+" ("+2.5"), as a loss shows its "-".
    """
    if value is None:
        return "—"
    shown = rounded(value, places)
    return ("+" if signed and shown > 0 else "") + format(shown, "f")


def points(value: Number | None) -> str:
    """Points earned or lost, to two decimals at most: 1 of 3 on a 5-point criterion shows "1.67"."""
    return "—" if value is None else format(rounded(value, 2).normalize(), "f")


def percent(value: Number | None, places: int = 1, against: Number | None = None) -> str:
    """A share of 1 as a percentage, half-up: 0.8125 -> "81.3%".

    `against`: the target the share is compared with. A share that is not its target never reads
    as the target: it gets more decimals until it does not (18 of 19 against a 95% target reads
    "94.7%" anyway, 1899 of 2000 reads "94.95%", not "95.0%"), so what people read agrees with
    the comparison, which is made on the exact values.
    """
    if value is None:
        return "—"
    share = exact_value(value)
    target = None if against is None else exact_value(against)
    shown = rounded(100 * share, places)
    while target is not None and share != target and shown == 100 * target and places < MAX_PLACES:
        places += 1
        shown = rounded(100 * share, places)
    return f"{format(shown, 'f')}%"


def register(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_filter(duration)
    app.add_template_filter(points)
    app.add_template_filter(number)
    app.add_template_filter(percent)

    @app.after_request
    def _vary_on_htmx(response):
        # A page and its fragment share a URL; caches must keep them apart.
        response.vary.add("HX-Request")
        return response
