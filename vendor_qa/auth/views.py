"""Log in, log out, and the home page that sends each role to its own start."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from vendor_qa import clock
from vendor_qa.auth.forms import LoginForm
from vendor_qa.auth.guards import public
from vendor_qa.auth.models import Role, User
from vendor_qa.auth.passwords import verify_password
from vendor_qa.extensions import db, limiter, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


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
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if verify_password(user.password_hash if user else None, form.password.data) and user.active:
            login_user(user)
            user.last_login_at = clock.now()
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or home_for(user))
        form.password.errors.append("Wrong e-mail or password, or the account is disabled.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@public
@login_required
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
