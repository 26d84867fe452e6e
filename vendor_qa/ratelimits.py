"""The rate limits of the web UI, and the page that says when to try again.

Login: per client address (LOGIN_RATE_LIMIT, every attempt) and per account
(LOGIN_ACCOUNT_RATE_LIMIT, failures only, in a moving window, so a lockout ends by itself
at most one window after the last failure). Expensive actions (report builds, call imports,
exports): per user and per tenant, `<ACTION>_RATE_LIMIT_PER_USER` / `_PER_TENANT`.

A limit is checked before its view runs, so a refused request has saved nothing. The
refusal is a 429 with Retry-After, rendered by errors.render_error: a page, the htmx alert
bar, or JSON under /api/.
"""

from __future__ import annotations

from hashlib import sha256
from typing import Callable

from flask import Flask, Response, current_app, g, request, session
from flask_limiter import RateLimitExceeded
from flask_login import current_user

from vendor_qa import clock
from vendor_qa.auth.models import User
from vendor_qa.auth.sessions import PENDING_LOGIN
from vendor_qa.errors import render_error
from vendor_qa.extensions import db, limiter

LOGIN_FAILED = 422  # the login view's answer to a wrong e-mail or password


def login_limits(view: Callable) -> Callable:
    """The login's limits, on POST only: showing the form costs nothing.

    Shared by every step of a login (password, second-factor code, enrolment): a code guessed
    wrong spends the same allowance as a wrong password, per address and per account.
    """
    view = limiter.shared_limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], scope="login-account",
                                methods=["POST"], key_func=_login_account,
                                deduct_when=lambda response: response.status_code == LOGIN_FAILED,
                                error_message="Too many failed logins to this account.")(view)
    return limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="login-address",
                                methods=["POST"], error_message="Too many logins from your address.")(view)


def expensive(action: str, what: str) -> Callable[[Callable], Callable]:
    """Limits of `action` (a prefix of settings, e.g. REPORT_BUILD) per user and per tenant.

    Shared by scope: every view decorated with the same `action` spends the same allowance.
    Put it under the role guard, so that the user and the tenant are known.
    """
    def decorate(view: Callable) -> Callable:
        for who, key_func in (("TENANT", _tenant), ("USER", _user)):
            view = limiter.shared_limit(_setting(f"{action}_RATE_LIMIT_PER_{who}"), scope=f"{action}-{who}".lower(),
                                        key_func=key_func,
                                        error_message=f"Too many {what} {'in your company' if who == 'TENANT' else 'by you'}.")(view)
        return view

    return decorate


def init_app(app: Flask) -> None:
    app.register_error_handler(RateLimitExceeded, _refused)


def _refused(error: RateLimitExceeded) -> Response:
    # Retry-After itself is added by the limiter (RATELIMIT_HEADERS_ENABLED), from the same window.
    current = limiter.current_limit
    wait = max(1, current.reset_at - int(clock.now().timestamp())) if current else 60
    return render_error(429, error.name, f"{error.description} Try again in {_duration(wait)}.")


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} minutes"  # Retry-After has the exact seconds


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _login_account() -> str:
    """The account a login names, normalised as the view looks it up: the e-mail typed at the
    password step, or the account whose password was given already at the code step (so that
    second-factor codes are limited per account too, not only per address). Hashed: the counter's
    key stays short whatever is typed, and Redis holds no e-mail addresses. Empty: not counted."""
    email = (request.form.get("email") or "").strip().lower() or _pending_email()
    return "account:" + sha256(email.encode()).hexdigest() if email else ""


def _pending_email() -> str:
    pending = session.get(PENDING_LOGIN)
    user = db.session.get(User, pending.get("user")) if isinstance(pending, dict) else None
    return user.email.strip().lower() if user is not None else ""


def _user() -> str:
    return f"user:{current_user.id}"


def _tenant() -> str:
    return f"tenant:{g.tenant.id}"
