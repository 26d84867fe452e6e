"""The TOTP second factor (RFC 6238, OWASP ASVS 2.8): enrolment, checking codes, who must have it.

Vendor admins and client managers may enrol; a tenant's `require_second_factor` setting makes it
required for its client managers, who then enrol at their next login. A code is accepted for
the current 30-second step or one either side (clock drift), and each step at most once:
`totp_last_step` only moves forward, in one conditional UPDATE, so that two requests racing
with the same code cannot both win.
"""

from __future__ import annotations

import hmac

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import or_, update

from vendor_qa import clock
from vendor_qa.auth.models import Role, User
from vendor_qa.extensions import db

ISSUER = "vendor_qa"
OFFERED_TO = (Role.VENDOR_ADMIN, Role.CLIENT_MANAGER)


def offered(user: User) -> bool:
    return user.has_role(*OFFERED_TO)


def required(user: User) -> bool:
    return user.role == Role.CLIENT_MANAGER and bool(user.tenant and user.tenant.setting("require_second_factor"))


def asked_at_login(user: User) -> bool:
    """After the password: a code, or an enrolment when the tenant requires one and there is none."""
    return user.totp_secret is not None or required(user)


def new_secret() -> str:
    return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, user: User) -> str:
    """The otpauth:// URI an authenticator app reads (from the QR code, or typed)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code(uri: str) -> Markup:
    """The URI as an inline SVG QR code (segno: pure Python, no image library)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, title="Scan with your authenticator app"))


def matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code this is, or None."""
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.now())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_code(user: User, code: str) -> bool:
    """True when the code is the user's and was not used before; it cannot be used again."""
    step = matching_step(user.totp_secret, code) if user.totp_secret else None
    if step is None:
        return False
    moved = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    return moved.rowcount == 1


def may_turn_off(user: User) -> bool:
    """A user may drop their own second factor unless their tenant requires it."""
    return user.totp_secret is not None and not required(user)


def remove(user: User) -> None:
    """Forget the user's second factor (they turn it off, or a vendor admin resets it after a lost
    phone); the caller commits, which ends the user's sessions (sessions.py)."""
    user.totp_secret = None
    user.totp_last_step = None


def enrol(user: User, secret: str, code: str) -> bool:
    """Turn the second factor on when the code proves the app holds the secret (the caller commits)."""
    step = matching_step(secret, code)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step  # the code that proved it is used up
    return True
