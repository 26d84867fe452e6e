"""Pages of results: the page number a request asks for, and a page that is not a Flask-SQLAlchemy
query page (a list in memory, or rows a set-based query paginated itself). The latter has the same
names, so templates/partials/pagination.html serves both.

A `Window` is a page of a list too long to count on every request (the calls of a tenant: millions
at scale): it reads one row more than it shows to know whether a next page exists, and its
`total` is None, so the pager offers "Next" without "page N of M"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, request
from sqlalchemy import Select

from vendor_qa.extensions import db

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


class _Steps:
    """The links to the neighbouring pages, for a page that knows its number."""

    page: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


@dataclass(frozen=True)
class Page(_Steps):
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
    def has_next(self) -> bool:
        return self.page < self.pages


@dataclass(frozen=True)
class Window(_Steps):
    items: list[Any]
    page: int
    per_page: int
    has_next: bool
    total: None = None  # not counted (see the module's docstring)


def window(statement: Select, page: int, per_page: int) -> Window:
    """The page of an ordered ORM statement's rows, and whether more follow, without counting them."""
    rows = list(db.session.scalars(statement.limit(per_page + 1).offset((max(page, 1) - 1) * per_page)))
    return Window(rows[:per_page], max(page, 1), per_page, len(rows) > per_page)
