"""Creating and changing accounts: the rules shared by the admin UI, the CLI and the demo."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth import pseudonyms
from vendor_qa.auth.models import GraderCertification, Role, User
from vendor_qa.auth.password_policy import MIN_LENGTH, password_problem
from vendor_qa.auth.passwords import hash_password
from vendor_qa.extensions import db
from vendor_qa.tenants.models import Tenant

MIN_PASSWORD_LENGTH = MIN_LENGTH  # what the forms' hints and length checks say


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalize_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"e-mail: {error}", field="email") from None


def check_password(password: str, email: str = "", name: str | None = None) -> None:
    """Refuse a password the policy refuses (password_policy), saying why."""
    words = [*re.split(r"[\W_]+", email), *(name or "").split()]
    if problem := password_problem(password, words):
        raise AccountError(f"password: {problem}", field="password")


def change_password(user: User, password: str) -> None:
    """Set a new password; this ends every session of the user (sessions.py, the caller commits)."""
    check_password(password, user.email, user.name)
    user.password_hash = hash_password(password)


def check_tenant(role: Role, tenant: Tenant | None) -> None:
    if role == Role.CLIENT_MANAGER and tenant is None:
        raise AccountError("a client manager needs a tenant", field="tenant")
    if role != Role.CLIENT_MANAGER and tenant is not None:
        raise AccountError("only client managers belong to a tenant", field="tenant")


def create_user(*, email: str, password: str, role: Role, name: str | None = None,
                tenant: Tenant | None = None, certify: list[Tenant] = ()) -> User:
    """Add a user to the session (the caller commits)."""
    email = normalize_email(email)
    check_password(password, email, name)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise AccountError(f"e-mail: {email} has an account already", field="email")
    check_tenant(role, tenant)
    if certify and role != Role.GRADER:
        raise AccountError("only graders are certified for tenants", field="certify")
    user = User(
        email=email,
        name=(name or email.split("@")[0]).strip(),
        password_hash=hash_password(password),
        role=role.value,
        tenant=tenant,
        pseudonym=pseudonyms.unused(db.session.connection()) if role == Role.GRADER else None,
    )
    user.certifications = [_started(GraderCertification(tenant=t), t) for t in certify]
    db.session.add(user)
    db.session.flush()
    for certified in certify:
        pseudonyms.give_in_session(certified.id, [user.id])
    return user


def update_user(user: User, *, name: str, active: bool, tenant: Tenant | None = None,
                password: str | None = None, acting: User | None = None) -> User:
    """Change what the admin UI may change; `acting` is who does it (the caller commits)."""
    if acting is not None and acting.id == user.id and not active:
        raise AccountError("you cannot deactivate your own account", field="active")
    check_tenant(Role(user.role), tenant)
    if password:
        change_password(user, password)
    user.name = name.strip() or user.name
    user.active = active
    user.tenant = tenant
    return user


def _certification(grader: User, tenant: Tenant) -> GraderCertification | None:
    return next((c for c in grader.certifications if c.tenant_id == tenant.id), None)


def certify(grader: User, tenant: Tenant) -> GraderCertification:
    """Certify a grader for a tenant, or renew a certification that was removed."""
    if grader.role != Role.GRADER:
        raise AccountError("only graders are certified for tenants", field="tenant")
    found = _certification(grader, tenant)
    if found is not None and found.active:
        raise AccountError(f"already certified for {tenant.name}", field="tenant")
    if found is None:
        found = GraderCertification(tenant=tenant)
        grader.certifications.append(found)
    pseudonyms.give_in_session(tenant.id, [grader.id])  # a renewed certification keeps its pseudonym
    return _started(found, tenant)


def _started(certification: GraderCertification, tenant: Tenant) -> GraderCertification:
    """A certification starting now: working at once, or pending behind the tenant's certification gate."""
    now = clock.now()
    certification.active = True
    certification.certified_at = now
    certification.activated_at = None if tenant.setting("certification_gate") else now
    return certification


def uncertify(grader: User, tenant: Tenant) -> bool:
    """End a certification; the row stays (inactive) as a record. False if there was none."""
    found = _certification(grader, tenant)
    if found is None or not found.active:
        return False
    found.active = False
    return True
