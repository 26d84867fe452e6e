"""Role guards. Every view carries one: `roles(...)`, `public`, or the API's token guard.

A test walks the URL map and fails on a view that has none.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

from flask import abort, request, url_for, redirect
from flask_login import current_user

from vendor_qa.auth.models import Role


def roles(*allowed: Role) -> Callable:
    names = frozenset(Role(r).value for r in allowed)

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if current_user.role not in names:
                abort(403)
            return view(*args, **kwargs)

        guarded.access = names
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    view.access = "public"
    return view
