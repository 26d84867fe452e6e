"""Pages of results: the page number a request asks for, and a page that is not a Flask-SQLAlchemy
query page (a list in memory, or rows a set-based query paginated itself). The latter has the same
names, so templates/partials/pagination.html serves both."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, request

# Far beyond the last page of any list (25 million rows at 25 a page), and small enough that
# page x page size stays well inside the 64-bit OFFSET of SQLite and PostgreSQL.
MAX_PAGE = 1_000_000


def requested_page() -> int:
    """The request's `?page=` as every list reads it, Flask-SQLAlchemy's `paginate` included.

    A value that is not a positive whole number (`abc`, `0`, `-3`) is ignored like any bad filter of a
    list page: the first page. One above MAX_PAGE never gets here (`refuse_pages_beyond_bound`).
    """
    return max(request.args.get("page", 1, type=int), 1)


def refuse_pages_beyond_bound() -> None:
    """400 for a page number above MAX_PAGE, each value of a repeated `page` (`input_guard` calls it).

    Refused rather than clamped: no list has that many pages, so it is a forged or broken link, and
    readers pass it on to the database as an OFFSET that overflows (a 500). Numbers are read as the
    readers read them (`int`), so "+99999999999999999999" and "1_000_000_000" are caught too.
    """
    for raw in request.args.getlist("page"):
        try:
            number = int(raw)
        except ValueError:  # not a number (ignored, as above), or more digits than int() reads
            number = MAX_PAGE + 1 if raw.strip().isdecimal() else 1
        if number > MAX_PAGE:
            abort(400, description=f"There is no page {raw[:40]}: page numbers go from 1 to at most {MAX_PAGE}. "
                                   "Use the page links, or start again from the first page.")


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
