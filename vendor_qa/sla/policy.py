"""A tenant's SLA policy as plain, immutable data (the stored `SlaPolicy` rows map onto it).

The defaults are the vendor's standard promise (docs/sla.md): 4 to 8 evaluations per agent per
ISO week aiming at 6, a customer rating of 2 or less reviewed within 24 hours, samples within
72 hours, calls under 180 seconds counted as short and half of the samples short, every
channel in scope, and 95% of agents at or above the minimum.

`validate()` returns every problem as a sentence a vendor admin can act on, so a form can show
them all at once; an empty list means the policy is usable.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

# The channels a call can have. Repeated from calls.models.CHANNELS because this module must not
# import SQLAlchemy; tests/unit/test_sla_sampling.py checks that the two stay equal.
CHANNELS: frozenset[str] = frozenset({"phone", "chat", "email", "social"})
RATINGS = range(1, 6)  # customer ratings are 1..5 (calls.models enforces it)


@dataclass(frozen=True)
class Policy:
    minimum: int = 4  # evaluations per agent per ISO week
    target: int = 6
    maximum: int = 8
    low_rating_threshold: int = 2  # a call rated at or below this gets a priority review
    priority_turnaround_hours: int = 24
    sample_turnaround_hours: int = 72
    short_call_seconds: int = 180  # a call shorter than this is "short"
    short_share: Fraction = Fraction(1, 2)  # share of the samples that are short calls
    channels: frozenset[str] = CHANNELS
    compliance_target: Fraction = Fraction(95, 100)  # share of agents at or above the minimum

    def is_low_rating(self, rating: int | None) -> bool:
        """True when a customer rating calls for a priority review (no rating never does)."""
        return rating is not None and rating <= self.low_rating_threshold

    def is_short(self, duration_seconds: int) -> bool:
        return duration_seconds < self.short_call_seconds

    def validate(self) -> list[str]:
        """Every reason this policy cannot be used; empty when it is fine."""
        problems = []
        if not 0 <= self.minimum <= self.target <= self.maximum:
            problems.append(
                "The quota must satisfy 0 ≤ minimum ≤ target ≤ maximum "
                f"(got {self.minimum}, {self.target}, {self.maximum})."
            )
        if self.maximum < 1:
            problems.append("The maximum must be at least 1 evaluation per agent per week.")
        if not RATINGS.start - 1 <= self.low_rating_threshold <= RATINGS.stop - 1:
            problems.append(
                f"The low-rating threshold must be between {RATINGS.start - 1} (no priority "
                f"reviews) and {RATINGS.stop - 1}; ratings run 1 to {RATINGS.stop - 1}."
            )
        for label, hours in (
            ("priority review", self.priority_turnaround_hours),
            ("sample", self.sample_turnaround_hours),
        ):
            if hours < 1:
                problems.append(f"The {label} turnaround must be at least 1 hour.")
        if self.short_call_seconds < 1:
            problems.append("The short-call boundary must be at least 1 second.")
        if not 0 <= self.short_share <= 1:
            problems.append("The share of short calls must be between 0% and 100%.")
        if not self.channels:
            problems.append("At least one channel must be in scope.")
        elif unknown := sorted(self.channels - CHANNELS):
            problems.append(
                f"Unknown channel(s): {', '.join(unknown)}; use {', '.join(sorted(CHANNELS))}."
            )
        if not 0 <= self.compliance_target <= 1:
            problems.append("The compliance target must be between 0% and 100%.")
        return problems
