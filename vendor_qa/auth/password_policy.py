"""What a password must be (OWASP ASVS 2.1): long enough, and not common or easy to guess.

A pure function of the password and the words of its account, so that the admin form, the
CLI, the demo and the password change page refuse the same passwords with the same words.
No composition rules (ASVS 2.1.9): length and guessability are what make a password strong.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 12
MAX_LENGTH = 128  # ASVS 2.1.2: at least 64 allowed; the cap keeps hashing cheap to request
# zxcvbn's scale: 3 is "safely unguessable", about 10^8 guesses and up.
MIN_SCORE = 3
# zxcvbn refuses longer input; the strength of a prefix is a lower bound of the whole's.
_ZXCVBN_MAX = 72


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of leaked lists, as zxcvbn ships them."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, account_words: Iterable[str] = ()) -> str | None:
    """What is wrong with the password, said to its owner; None when it will do.

    `account_words` (e-mail, name) count as known to a guesser.
    """
    if len(password) < MIN_LENGTH:
        return f"at least {MIN_LENGTH} characters (this one has {len(password)})"
    if len(password) > MAX_LENGTH:
        return f"at most {MAX_LENGTH} characters (this one has {len(password)})"
    if password.lower() in common_passwords():
        return "this is one of the most common passwords; choose another"
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[w for w in account_words if w])
    if result["score"] < MIN_SCORE:
        why = result["feedback"]["warning"] or "it is easy to guess"
        return f"too easy to guess: {why.rstrip('.')}. Add a few uncommon words."
    return None
