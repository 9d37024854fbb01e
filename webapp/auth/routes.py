"""Routes: load, check access, validate, call one operation, redirect or render."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from forms.auth import ChangePasswordForm, LoginForm
from models.login_session import COOKIE_KEY
from webapp import accounts
from webapp.auth import bp
from webapp.extensions import db


def safe_next(target: str | None) -> str:
    """Only local paths are honoured as redirect targets (no open redirects)."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.username.data, form.password.data,
                                       ip=request.remote_addr)
        db.session.commit()
        if result.user is not None:
            session.clear()  # a fresh session at sign-in: nothing carried over
            login_user(result.user)
            session[COOKIE_KEY] = result.session_id
            return redirect(safe_next(request.args.get("next")))
        if result.locked:
            flash(_("Too many failed attempts. Try again in 15 minutes."), "error")
        else:
            flash(_("The user ID or password is incorrect."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    accounts.sign_out(current_user, session.get(COOKIE_KEY), ip=request.remote_addr)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not accounts.change_own_password(current_user, form.current_password.data,
                                            form.new_password.data,
                                            keep_session=session.get(COOKIE_KEY)):
            form.current_password.errors.append(_("The current password is incorrect."))
        else:
            db.session.commit()
            # The nonce changed: re-issue this session's login id (with the real object, not
            # the proxy, which would then point at itself).
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
