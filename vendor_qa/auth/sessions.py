"""Server-side validity of login sessions (OWASP ASVS 3.3).

The session cookie is signed, not stored, so ending a session means making the server refuse
its cookie. Each user has a `session_epoch`; a session (and a remember cookie) holds the epoch
it was opened in (`User.get_id`), and the user loader refuses any other. Raising the epoch ends
every session of that user at once, on every device and in every copy of the cookie:

- on logout, and when a vendor admin ends a user's sessions (`end_sessions`);
- automatically, at flush, when a user's password, role, tenant, active flag or second factor
  changes, or their tenant is deactivated, whichever code path made the change;

and the loader refuses an inactive user or a user of an inactive tenant anyway. A session idle
for longer than SESSION_IDLE_MINUTES is ended by the loader at its next request. A request that
a page makes of itself on a timer (htmx polling, header `X-Background`, set in static/js/app.js)
is served but is not activity: a board left open does not keep its session alive.
"""

from __future__ import annotations

from flask import current_app, flash, request, session
from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from vendor_qa import clock
from vendor_qa.auth.models import User
from vendor_qa.extensions import db, login_manager
from vendor_qa.tenants.models import Tenant

# What a change of which ends the user's sessions: who they are, what they may do, how they log in.
_SESSION_BOUND = ("password_hash", "role", "tenant_id", "tenant", "active", "totp_secret")
LAST_SEEN = "seen"
PENDING_LOGIN = "pending_login"  # between the password and the second factor: {user, epoch, at, next}
BACKGROUND = "X-Background"  # a request the page makes by itself, not the user


# Flask-Login's own keys of a logged-in session, and ours.
_SESSION_KEYS = ("_user_id", "_fresh", "_id", "_remember_seconds", LAST_SEEN)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session's user, or None (anonymous) when the session has ended or was idle too long.

    Flask-Login calls it once per request, at the first look at `current_user`.
    """
    if _idle_too_long():
        return None
    user_id, _, epoch = session_id.partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None  # a cookie from before epochs, or forged: no session
    user = db.session.get(User, int(user_id))
    if user is None or user.session_epoch != int(epoch) or not user.is_active:
        return None
    if BACKGROUND not in request.headers:
        mark_seen()
    return user


def end_sessions(user: User) -> None:
    """End every session of the user (the caller commits)."""
    user.session_epoch = User.session_epoch + 1  # in SQL: two ends at once both count


def mark_seen() -> None:
    """Start the idle clock of the current session (at login)."""
    session[LAST_SEEN] = clock.now().timestamp()


def _idle_too_long() -> bool:
    """True, and the session emptied, when its last request is older than SESSION_IDLE_MINUTES.

    A session without a last-seen time (a remember cookie, an old cookie) counts as idle.
    """
    seen = session.get(LAST_SEEN)
    idle_minutes = current_app.config["SESSION_IDLE_MINUTES"]
    if isinstance(seen, (int, float)) and clock.now().timestamp() - seen <= idle_minutes * 60:
        return False
    for key in _SESSION_KEYS:
        session.pop(key, None)
    flash(f"Your session ended after {idle_minutes} minutes without activity. Please log in again.", "info")
    return True


def _end_sessions_on_change(db_session: Session, flush_context, instances) -> None:
    for obj in db_session.dirty:
        if isinstance(obj, User) and _changed(obj, _SESSION_BOUND):
            end_sessions(obj)
        elif isinstance(obj, Tenant) and _changed(obj, ("active",)) and not obj.active:
            db_session.execute(update(User).where(User.tenant_id == obj.id)
                               .values(session_epoch=User.session_epoch + 1))


def _changed(obj: object, attributes: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes)


def listen() -> None:
    """End sessions on the changes that must end them, at every flush of any session."""
    if not event.contains(Session, "before_flush", _end_sessions_on_change):
        event.listen(Session, "before_flush", _end_sessions_on_change)
