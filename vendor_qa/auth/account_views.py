"""A user's own account: change the password, turn the second factor on or off.

Both changes end every session of the user (sessions.py); the session that made the change
is opened again at once, in the new epoch, so that only the others end.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from vendor_qa.auth import second_factor, sessions
from vendor_qa.auth.accounts import AccountError, change_password
from vendor_qa.auth.forms import CodeForm, PasswordChangeForm, SecondFactorOffForm
from vendor_qa.auth.guards import roles
from vendor_qa.auth.models import Role, User
from vendor_qa.auth.passwords import verify_password
from vendor_qa.auth.views import bp, home_for
from vendor_qa.extensions import db

# The secret being enrolled, until a code confirms it.
ENROLLING = "totp_enrolling"


def _reopen(user: User) -> None:
    db.session.commit()
    login_user(user)
    sessions.mark_seen()


@bp.route("/account/password", methods=["GET", "POST"])
@roles(*Role)
def change_own_password():
    user: User = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append("This is not your current password.")
        else:
            try:
                change_password(user, form.new_password.data)
            except AccountError as error:
                problem = str(error).removeprefix("password: ")
                form.new_password.errors.append(problem[:1].upper() + problem[1:])
            else:
                _reopen(user)
                flash("Password changed. Your sessions elsewhere have ended.", "success")
                return redirect(home_for(user))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


@bp.route("/account/second-factor", methods=["GET", "POST"])
@roles(*second_factor.OFFERED_TO)
def second_factor_setup():
    user: User = current_user._get_current_object()
    if user.totp_secret is not None:
        return render_template("auth/enrol.html", user=user, enrolled=True, off_form=SecondFactorOffForm(),
                               may_turn_off=second_factor.may_turn_off(user))
    secret = session.setdefault(ENROLLING, second_factor.new_secret())
    form = CodeForm()
    if form.validate_on_submit():
        if second_factor.enrol(user, secret, form.code.data):
            session.pop(ENROLLING)
            _reopen(user)
            flash("Second factor on: logins now ask for a code. Your sessions elsewhere have ended.", "success")
            return redirect(home_for(user))
        form.code.errors.append("Wrong code. Check the app holds this key and enter the code it shows now.")
    return render_template("auth/enrol.html", form=form, secret=secret, user=user, required=False,
                           uri=(uri := second_factor.provisioning_uri(secret, user)),
                           qr=second_factor.qr_code(uri)), 422 if form.errors else 200


@bp.post("/account/second-factor/off")
@roles(*second_factor.OFFERED_TO)
def second_factor_off():
    user: User = current_user._get_current_object()
    if not second_factor.may_turn_off(user):
        flash("Your company requires a second factor: it stays on. A vendor admin can reset it if you lost your phone."
              if user.totp_secret else "Your second factor is already off.", "error")
        return redirect(url_for("auth.second_factor_setup"))
    form = SecondFactorOffForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data):
            form.password.errors.append("This is not your password.")
        elif not second_factor.accept_code(user, form.code.data):
            form.code.errors.append("Wrong code, or a code used already. Enter the code your app shows now.")
        else:
            second_factor.remove(user)
            _reopen(user)
            flash("Second factor off: logins ask for your password only. Your sessions elsewhere have ended.", "success")
            return redirect(home_for(user))
    db.session.rollback()
    return render_template("auth/enrol.html", user=user, enrolled=True, off_form=form, may_turn_off=True), 422
