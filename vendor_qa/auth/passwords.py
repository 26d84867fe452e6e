"""Password hashing with Argon2id, the current recommendation for password storage."""

import os

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

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
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
