"""A page of results that is not a Flask-SQLAlchemy query page: a list in memory, or rows a
set-based query paginated itself. It has the same names, so templates/partials/pagination.html
serves both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @classmethod
    def of_list(cls, values: list[Any], page: int, per_page: int) -> "Page":
        page = max(page, 1)
        start = (page - 1) * per_page
        return cls(values[start:start + per_page], page, per_page, len(values))

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
