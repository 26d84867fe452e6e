"""How reliable each grader is: pure functions of calls that several graders graded blind.

Two sources give such calls: a sampled call and its blind double grade (two graders), and a
closed calibration session (several graders, perhaps one named the expert). From them, for
one grader:

- *agreement with peers*: of the criteria the grader and another grader of the same call
  both answered, the share answered the same (pairwise: each peer of the call counts);
- *alignment with experts*: the same share against the session's expert, on calibration
  sessions with an expert (the expert is not measured against themself);
- *leniency*: the grader's total minus the mean total of their peers on the same call, in
  points, averaged over the calls (positive: scores higher than the others);

each with the number of calls behind it and its 95% interval over the calls (vendor_qa.stats:
a bootstrap over calls for the shares, Student's t over the per-call gaps for leniency).
Figures add up (`+`), so a month's figures and a period's are per-call figures put together. A
grader is *drifting* only when, with at least the tenant's minimum of calls behind a figure,
its interval lies wholly beyond the tenant's bound: below the agreement mark, or past the
leniency bound either way. A figure whose interval still reaches the bound is noise as far as
these calls can tell.

Which sampled calls get a double grade is decided here too: a stable share of calls, chosen
by a hash of the call's sample key that is independent of the SLA sampling's order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Generic, Hashable, Iterable, Mapping, TypeVar

from vendor_qa.stats.intervals import Interval, difference_interval, ratio_interval

G = TypeVar("G", bound=Hashable)  # whatever names a grader: an id in the app, a letter in tests
TREND_MONTHS = 6


# ---- which calls are double-graded ---------------------------------------------------------------

def double_grade_point(sample_key: int) -> Fraction:
    """A stable point in [0, 1) for the call, uniform over calls.

    The SLA sampling takes the lowest sample keys first, so the key itself is not uniform
    over sampled calls; a hash of it is.
    """
    digest = hashlib.sha256(f"double-grade:{sample_key}".encode()).digest()
    return Fraction(int.from_bytes(digest[:8], "big"), 2 ** 64)


def chosen_for_double(sample_key: int, share: Fraction | float) -> bool:
    """Whether a sampled call gets a blind second grade, for the tenant's share (0..1)."""
    return double_grade_point(sample_key) < Fraction(str(share))


# ---- the data ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Sheet(Generic[G]):
    """One grader's submitted answers (text, by criterion key) and total on a call."""

    grader: G
    answers: Mapping[str, str]
    total: Decimal | None


@dataclass(frozen=True)
class GradedCall(Generic[G]):
    """One call graded blind by several graders: a double grade or a calibration session."""

    month: str  # 'YYYY-MM' (UTC) of when the comparison became complete
    sheets: tuple[Sheet[G], ...]
    expert: G | None = None  # the calibration session's expert, if one was named


@dataclass(frozen=True)
class Share:
    """Criteria answered the same, of those compared, call by call: (same, compared) per call."""

    per_call: tuple[tuple[int, int], ...] = ()

    def __add__(self, other: "Share") -> "Share":
        return Share(self.per_call + other.per_call)

    @property
    def same(self) -> int:
        return sum(same for same, _ in self.per_call)

    @property
    def compared(self) -> int:
        return sum(compared for _, compared in self.per_call)

    @property
    def calls(self) -> int:
        return len(self.per_call)

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.same, self.compared) if self.compared else None

    @property
    def interval(self) -> Interval | None:
        return ratio_interval([s for s, _ in self.per_call], [c for _, c in self.per_call])


@dataclass(frozen=True)
class Leniency:
    """Each call's gap to the peers' mean total, in points."""

    gaps: tuple[Fraction, ...] = ()

    def __add__(self, other: "Leniency") -> "Leniency":
        return Leniency(self.gaps + other.gaps)

    @property
    def calls(self) -> int:
        return len(self.gaps)

    @property
    def value(self) -> Fraction | None:
        return sum(self.gaps, Fraction(0)) / self.calls if self.calls else None

    @property
    def interval(self) -> Interval | None:
        return difference_interval([float(g) for g in self.gaps])


@dataclass(frozen=True)
class Figures:
    agreement: Share = field(default_factory=Share)  # with peers
    alignment: Share = field(default_factory=Share)  # with experts
    leniency: Leniency = field(default_factory=Leniency)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.agreement + other.agreement, self.alignment + other.alignment,
                       self.leniency + other.leniency)

    @property
    def calls(self) -> int:
        """Calls behind any figure (the agreement's: every compared call has peers)."""
        return max(self.agreement.calls, self.leniency.calls)


# ---- per call ------------------------------------------------------------------------------------

def compare_answers(mine: Mapping[str, str], theirs: Mapping[str, str]) -> tuple[int, int]:
    """(criteria answered the same, criteria both answered)."""
    both = mine.keys() & theirs.keys()
    return sum(1 for key in both if mine[key] == theirs[key]), len(both)


def _share(sheet: Sheet, others: Iterable[Sheet]) -> Share:
    same = compared = 0
    for other in others:
        s, c = compare_answers(sheet.answers, other.answers)
        same, compared = same + s, compared + c
    return Share(((same, compared),) if compared else ())


def _leniency(sheet: Sheet, peers: Iterable[Sheet]) -> Leniency:
    totals = [Fraction(p.total) for p in peers if p.total is not None]
    if sheet.total is None or not totals:
        return Leniency()
    return Leniency((Fraction(sheet.total) - sum(totals) / len(totals),))


def call_figures(call: GradedCall[G]) -> dict[G, Figures]:
    """Each grader's figures on one call."""
    expert = next((s for s in call.sheets if call.expert is not None and s.grader == call.expert), None)
    found: dict[G, Figures] = {}
    for sheet in call.sheets:
        peers = [s for s in call.sheets if s.grader != sheet.grader]
        aligned = _share(sheet, [expert]) if expert is not None and sheet.grader != expert.grader else Share()
        found[sheet.grader] = Figures(_share(sheet, peers), aligned, _leniency(sheet, peers))
    return found


# ---- over many calls -----------------------------------------------------------------------------

def monthly_figures(calls: Iterable[GradedCall[G]]) -> dict[G, dict[str, Figures]]:
    """grader -> month -> figures of that month's calls."""
    found: dict[G, dict[str, Figures]] = {}
    for call in calls:
        for grader, figures in call_figures(call).items():
            months = found.setdefault(grader, {})
            months[call.month] = months.get(call.month, Figures()) + figures
    return found


def total(months: Mapping[str, Figures]) -> Figures:
    return sum(months.values(), Figures())


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_months(today: date, count: int = TREND_MONTHS) -> list[str]:
    """The `count` months up to and including today's, oldest first, as 'YYYY-MM'."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def trend(months: Mapping[str, Figures], keys: Iterable[str]) -> list[tuple[str, Figures]]:
    """The figures of each of `keys` (empty figures for a month without calls)."""
    return [(key, months.get(key, Figures())) for key in keys]


# ---- drifting ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Thresholds:
    min_agreement: Fraction  # for agreement with peers and alignment with experts alike
    max_leniency: Fraction  # points, either way
    min_calls: int  # calls behind a figure before it can flag anyone (and sessions before certifying)

    @classmethod
    def of(cls, min_agreement, max_leniency, min_calls) -> "Thresholds":
        return cls(Fraction(str(min_agreement)), Fraction(str(max_leniency)), int(min_calls))


def shown_below(share: Share, mark: Fraction) -> bool:
    """Whether the share is below the mark at 95%: its whole interval lies under it."""
    interval = share.interval
    return interval is not None and interval.high < mark


def drift(figures: Figures, limits: Thresholds) -> list[str]:
    """Why the grader is drifting, in words; empty when they are not (or the calls cannot tell)."""
    reasons = []
    for label, share in (("agreement with peers", figures.agreement), ("alignment with experts", figures.alignment)):
        if share.calls >= limits.min_calls and shown_below(share, limits.min_agreement):
            reasons.append(f"{label} {percent(share.value)} (95% interval {interval_percent(share.interval)}) "
                           f"below {percent(limits.min_agreement)}")
    leniency, bound = figures.leniency, float(limits.max_leniency)
    interval = leniency.interval
    if leniency.calls >= limits.min_calls and interval is not None and (interval.low > bound or interval.high < -bound):
        way = "more lenient" if leniency.value > 0 else "stricter"
        reasons.append(f"{points(leniency.value, signed=False)} points {way} than peers "
                       f"(95% interval {interval_points(interval)}; bound {points(limits.max_leniency, signed=False)})")
    return reasons


def interval_percent(interval: Interval | None) -> str:
    return "—" if interval is None else f"{round(interval.low * 100)}–{round(interval.high * 100)}%"


def interval_points(interval: Interval | None) -> str:
    if interval is None:
        return "—"
    return f"{points(Fraction(repr(interval.low)))} to {points(Fraction(repr(interval.high)))}"


def percent(value: Fraction | None) -> str:
    return "—" if value is None else f"{round(float(value) * 100)}%"


def points(value: Fraction | None, signed: bool = True) -> str:
    """Points with one decimal, signed where it matters: '+2.5', '-1.0', '0.0' ('2.5' unsigned)."""
    if value is None:
        return "—"
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"))
    if not shown:
        return "0.0"
    return f"{shown:+f}" if signed else f"{abs(shown):f}"


def direction(months: Iterable[tuple[str, Figures]]) -> str | None:
    """Where agreement with peers went: 'up', 'down' or 'steady' from the first month with calls to
    the last (a change under one percentage point is steady); None with fewer than two such months."""
    values = [f.agreement.value for _, f in months if f.agreement.value is not None]
    if len(values) < 2:
        return None
    change = values[-1] - values[0]
    if abs(change) < Fraction(1, 100):
        return "steady"
    return "up" if change > 0 else "down"
