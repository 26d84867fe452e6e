"""The reports' names for the statistical core (vendor_qa.stats): nothing is computed here.

Aggregates come out of SQL as sufficient statistics (count, sum, sum of squares); the core
turns them into a mean (exact), its 95% interval and band probabilities. See docs/methods.md.
"""

from vendor_qa.stats.estimates import EMPTY, Summary, mean, share, summarize
from vendor_qa.stats.intervals import Interval, rate_interval
from vendor_qa.stats.intervals import mean_interval as interval

__all__ = ["EMPTY", "Interval", "Summary", "interval", "mean", "rate_interval", "share", "summarize"]
