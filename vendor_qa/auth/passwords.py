"""Password hashing with Argon2id, the current recommendation for password storage."""

import os
import threading
from contextlib import contextmanager
from typing import Iterator

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from werkzeug.exceptions import ServiceUnavailable

# The test suite creates hundreds of accounts; it uses Argon2's own cheap test profile.
_hasher = PasswordHasher.from_parameters(
    profiles.CHEAPEST if os.environ.get("APP_ENV") == "testing" else profiles.RFC_9106_LOW_MEMORY
)
# A fixed hash to verify against when the e-mail is unknown, so that a wrong
# e-mail and a wrong password take the same time.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; raises PasswordChecksBusy when this process has no free turn."""
    with _turn():
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


class PasswordChecksBusy(ServiceUnavailable):
    """Every turn at Argon2 stayed taken for the whole wait: 503 with Retry-After, not counted as a failure."""


_TURNS = "vendor_qa.password_turns"


@contextmanager
def _turn() -> Iterator[None]:
    """One of PASSWORD_CHECKS_AT_ONCE turns of this process. Argon2 holds a core for ~0.2 s per
    check (and releases the GIL), so a flood of logins would otherwise take every core from the
    other pages; bounded, the other requests keep the rest, and a login that waited
    PASSWORD_CHECK_WAIT_SECONDS in vain is refused rather than queued."""
    app = current_app
    turns = app.extensions.get(_TURNS) or app.extensions.setdefault(
        _TURNS, threading.BoundedSemaphore(app.config["PASSWORD_CHECKS_AT_ONCE"]))
    if not turns.acquire(timeout=app.config["PASSWORD_CHECK_WAIT_SECONDS"]):
        raise PasswordChecksBusy("Many logins are being checked right now. Try again in a few seconds.",
                                 retry_after=2)
    try:
        yield
    finally:
        turns.release()
