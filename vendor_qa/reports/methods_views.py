"""How each figure is computed: docs/methods.md, rendered as a page for whoever sees the figures.

The page is the same markdown file the repository documents the methods in, so the two never
drift apart. Every heading gets an id (its words, lower-cased and hyphenated), so a figure group
can link to its own section: "How is this computed?".
"""

from __future__ import annotations

import functools
import re
from itertools import pairwise
from pathlib import Path

from flask import Blueprint, current_app, render_template
from markdown_it import MarkdownIt
from markupsafe import Markup

from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role

bp = Blueprint("methods", __name__)

SOURCE = Path("docs") / "methods.md"  # beside vendor_qa/, in the repository and the deployment


def anchor(text: str) -> str:
    """A heading's id: "Bands and how sure they are" -> "bands-and-how-sure-they-are"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@functools.lru_cache(maxsize=1)
def rendered(path: Path) -> Markup:
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(path.read_text(encoding="utf-8"))
    for opening, inline in pairwise(tokens):
        if opening.type == "heading_open":
            opening.attrSet("id", anchor(inline.content))
    return Markup(parser.renderer.render(tokens, parser.options, {}))  # our own file, raw HTML off


@bp.get("/methods")
@roles(Role.VENDOR_ADMIN, Role.CLIENT_MANAGER)
def page():
    return render_template("reports/methods.html", body=rendered(Path(current_app.root_path).parent / SOURCE))
