"""Password hashing with Argon2id, the current recommendation for password storage."""

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
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
    """Whether `password` matches; raises PasswordChecksBusy when no turn at Argon2 frees in time."""
    with _turn():
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


class PasswordChecksBusy(ServiceUnavailable):
    """Every turn at Argon2 stayed taken for the whole wait: 503 with Retry-After, not counted as a failure."""


_POLL_SECONDS = 0.02


@contextmanager
def _turn() -> Iterator[None]:
    """One of PASSWORD_CHECKS_AT_ONCE turns of this machine. Argon2 holds a core for ~0.2 s per
    check, so a flood of logins would otherwise take every core from the other pages. The turns
    are file locks (flock), shared by every thread and web process of the machine, whose cores
    are what the bound protects; the kernel releases a killed process's lock. A login that waited
    PASSWORD_CHECK_WAIT_SECONDS in vain is refused rather than queued. The wait polls with short
    sleeps: a timed lock wait never ends under the shifted clock of CI's libfaketime pass."""
    config = current_app.config
    folder = Path(config["PASSWORD_TURNS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"turn-{n}.lock" for n in range(config["PASSWORD_CHECKS_AT_ONCE"])]
    deadline = time.monotonic() + config["PASSWORD_CHECK_WAIT_SECONDS"]
    while (held := _take_any(paths)) is None:
        if time.monotonic() >= deadline:
            raise PasswordChecksBusy("Many logins are being checked right now. Try again in a few seconds.",
                                     retry_after=2)
        time.sleep(_POLL_SECONDS)
    try:
        yield
    finally:
        os.close(held)  # closing the descriptor releases its lock


def _take_any(paths: list[Path]) -> int | None:
    """A descriptor holding the lock of a free turn, or None when every turn is taken."""
    for path in paths:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            continue
        return descriptor
    return None
