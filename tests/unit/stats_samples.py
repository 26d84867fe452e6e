"""Bounded, skewed scores like the demo's, drawn with numpy, for the statistics' simulations."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from vendor_qa.stats.estimates import Summary


def _skewed(rng, shape):
    return 100 * rng.beta(5, 1.5, shape)


def _full_marks(rng, shape):
    """40% of calls at 100, the rest spread below."""
    return np.where(rng.random(shape) < 0.4, 100.0, 100 * rng.beta(6, 3, shape))


def _critical_fails(rng, shape):
    """10% critical fails at 0, 35% at 100, the rest spread high."""
    spread = np.where(rng.random(shape) < 0.35, 100.0, 100 * rng.beta(8, 3, shape))
    return np.where(rng.random(shape) < 0.1, 0.0, spread)


# name: (draw, true mean)
SCORES = {
    "skewed": (_skewed, 100 * 5 / 6.5),
    "full marks": (_full_marks, 100 * (0.4 + 0.6 * 6 / 9)),
    "critical fails": (_critical_fails, 100 * 0.9 * (0.35 + 0.65 * 8 / 11)),
}


def summary_of(values) -> Summary:
    """The Summary SQL would give for these scores (stored to four decimals, as Numeric(7, 4))."""
    stored = [Decimal(repr(float(v))).quantize(Decimal("0.0001")) for v in values]
    return Summary(len(stored), sum(stored, Decimal(0)), sum((v * v for v in stored), Decimal(0)))
