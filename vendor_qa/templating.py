"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
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


def points(value: Decimal | None) -> str:
    """Points earned or lost, to two decimals at most: 1 of 3 on a 5-point criterion shows "1.67"."""
    if value is None:
        return "—"
    return format(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize(), "f")


def register(app: Flask) -> None:
    app.add_template_filter(local_time)
    app.add_template_filter(duration)
    app.add_template_filter(points)

    @app.after_request
    def _vary_on_htmx(response):
        # A page and its fragment share a URL; caches must keep them apart.
        response.vary.add("HX-Request")
        return response
