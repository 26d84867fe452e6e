"""Input hygiene for every request: what no view can use is refused before any view sees it.

Each of these used to reach the database and come back as a 500; now the answer is a 4xx that
says what was wrong (the messages go through `errors`' handlers, as JSON under /api/):

- `<int:...>` in a route matches only ids within PostgreSQL's `integer` (up to 2**31-1, SQLite's
  is wider): a larger id names nothing, so it is the same 404 as any unknown id.
- A path segment (`<tenant>`, `<kind>`...) with a NUL character matches no route: 404.
- A `?page=` number above `pagination.MAX_PAGE`: 400. (A page that is not a positive whole number
  is ignored, the first page, like any bad filter: `pagination.requested_page`.)
- A NUL character (PostgreSQL text cannot hold one) or a lone surrogate (not encodable as UTF-8) in
  a query argument, a form field, an uploaded file's name, or a string or key of a JSON body: 400
  naming the field. Werkzeug already turns undecodable bytes of a query string or form into text,
  so a lone surrogate mostly arrives as a JSON escape ("\\ud800").
- A JSON body with a number that is not finite (NaN, Infinity, or 1e400, which Python reads as
  infinity; none of them is JSON) or nested too deeply to parse: 400.
"""

from __future__ import annotations

import math
from typing import Any, Iterator

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

from vendor_qa.pagination import refuse_pages_beyond_bound

MAX_ID = 2**31 - 1  # PostgreSQL's integer, the type of every id column
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class IdConverter(IntegerConverter):
    """`<int:...>`: a non-negative id that fits the database's integer column."""

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """`<name>` and `<string:...>`: one path segment, never with a NUL character."""

    def __init__(self, map: Map, minlength: int = 1, maxlength: int | None = None, length: int | None = None) -> None:
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: rules take their converters when they are added."""
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter)
    app.before_request(refuse_hostile_input)


def refuse_hostile_input() -> None:
    for label, value in _fields():
        problem = _problem(value)
        if problem:
            abort(400, description=f"{label} {problem}. Correct it and send again.")
    refuse_pages_beyond_bound()


def _problem(value: object) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number (NaN, Infinity and numbers beyond ±1.8e308 are not JSON)"
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "contains a NUL character (\\x00), which is not text that can be stored"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (half of a UTF-16 pair), which is not valid text"
    return None


def _fields() -> Iterator[tuple[str, object]]:
    """(label, value) of every name and value the request carries that a view may store or query with.

    A field's name comes before its value, so a bad name is refused (shown escaped) before a label
    would show it as it is.
    """
    for kind, fields in (("query argument", request.args), ("form field", request.form)):
        for name, value in fields.items(multi=True):
            yield f"The name of a {kind} ({name.encode('unicode_escape').decode('ascii')[:60]})", name
            yield f"The {kind} `{name}`", value
    for name, upload in request.files.items(multi=True):
        yield f"The file name sent in `{name}`", upload.filename or ""
    for path, value in _json_values(_json_body()):
        where = f"`{path}`" if path else "(the whole body)"
        if isinstance(value, dict):
            yield from ((f"A key of the JSON object {where}", key) for key in value)
        else:
            yield f"The JSON field {where}", value


def _json_body() -> Any:
    """The body as JSON unless it is a form (the API reads it whatever its Content-Type); None if it is not JSON."""
    if request.mimetype in FORM_TYPES:
        return None
    try:
        return request.get_json(force=True, silent=True)  # cached, and the body with it, for the view
    except RecursionError:
        abort(400, description="The JSON body is nested too deeply. Send a flatter document.")


def _json_values(document: Any) -> Iterator[tuple[str, Any]]:
    """(path, value) of the document and of everything in it, depth first in document order, without recursion."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(reversed([(f"{path}.{key}" if path else str(key), item) for key, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{index}]", item) for index, item in enumerate(value)]))
