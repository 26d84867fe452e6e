"""Log in (password, then a TOTP code where the account has one), log out, and the home page
that sends each role to its own start. The account pages are in account_views.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth import second_factor, sessions
from vendor_qa.auth.forms import CodeForm, LoginForm
from vendor_qa.auth.guards import public
from vendor_qa.auth.models import Role, User
from vendor_qa.auth.passwords import verify_password
from vendor_qa.extensions import db
from vendor_qa.ratelimits import login_limits

bp = Blueprint("auth", __name__)
bp.record_once(lambda state: sessions.listen())

# Between the password and the code: who, in which epoch, since when, and where to go after.
PENDING = sessions.PENDING_LOGIN
PENDING_SECONDS = 300


def home_for(user: User) -> str:
    if user.role == Role.VENDOR_ADMIN:
        return url_for("tenants.index")
    if user.role == Role.GRADER:
        return url_for("grading.queue")
    return url_for("calls.home", tenant=user.tenant.slug)


def _safe_next(target: str | None) -> str | None:
    # Only a path on this site; anything with a scheme or host could send the user away.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
@public
@login_limits  # per address, and per account (failures only); vendor_qa/ratelimits.py
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if verify_password(user.password_hash if user else None, form.password.data) and user.is_active:
            next_ = _safe_next(request.args.get("next"))
            if second_factor.asked_at_login(user):
                session[PENDING] = {"user": user.id, "epoch": user.session_epoch,
                                    "at": clock.now().timestamp(), "next": next_}
                return redirect(url_for("auth.login_code"))
            return _logged_in(user, next_)
        form.password.errors.append("Wrong e-mail or password, or the account is disabled.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _logged_in(user: User, next_: str | None):
    """Open the session: in the user's current epoch (commit first: an enrolment raises it)."""
    session.pop(PENDING, None)
    user.last_login_at = clock.now()
    db.session.commit()
    login_user(user)
    sessions.mark_seen()
    return redirect(next_ or home_for(user))


def _pending_user() -> User | None:
    """The user who gave the right password moments ago, if still the same session and in time."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or clock.now().timestamp() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user"])
    if user is None or user.session_epoch != pending["epoch"] or not user.is_active:
        return None
    return user


def _start_again():
    session.pop(PENDING, None)
    flash("Log in again: the step after the password lasts at most 5 minutes.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/login/code", methods=["GET", "POST"])
@public
@login_limits
def login_code():
    user = _pending_user()
    if user is None:
        return _start_again()
    if user.totp_secret is None:
        return redirect(url_for("auth.login_enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.accept_code(user, form.code.data):
            return _logged_in(user, session[PENDING]["next"])
        db.session.rollback()
        form.code.errors.append("Wrong code, or a code used already. Enter the code your app shows now.")
    return render_template("auth/login_code.html", form=form), 422 if form.errors else 200


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
@login_limits
def login_enrol():
    """Enrolment at login, for a client manager whose tenant requires a second factor."""
    user = _pending_user()
    if user is None:
        return _start_again()
    if user.totp_secret is not None:
        return redirect(url_for("auth.login_code"))
    secret = session[PENDING].setdefault("secret", second_factor.new_secret())
    session.modified = True  # a change inside the dict
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.enrol(user, secret, form.code.data):
            return _logged_in(user, session[PENDING]["next"])
        form.code.errors.append("Wrong code. Check the app holds this key and enter the code it shows now.")
    return render_template("auth/enrol.html", form=form, secret=secret, user=user, required=True,
                           uri=(uri := second_factor.provisioning_uri(secret, user)),
                           qr=second_factor.qr_code(uri)), 422 if form.errors else 200


@bp.post("/logout")
@public
@login_required
def logout():
    # Every session of the user ends, not only this cookie (a copy of it may be elsewhere).
    sessions.end_sessions(current_user)
    db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


from vendor_qa.auth import account_views  # noqa: E402,F401  (its views join this blueprint)
