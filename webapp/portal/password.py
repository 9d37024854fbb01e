"""Portal: forgotten password (a link by e-mail) and changing the password on My page."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from forms.portal import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm
from models.login_session import PORTAL_COOKIE_KEY
from webapp.extensions import db
from webapp.portal import applicant_required, bp, sign_in
from workflows.applications import passwords


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        passwords.request_reset(form.email.data, ip=request.remote_addr)
        db.session.commit()
        flash(_("If the address has an account, a link to set a new password is on its way. "
                "It works for one hour."), "info")
        return redirect(url_for("portal.login"))
    return render_template("portal/password_forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    if passwords.applicant_for_reset(token) is None:
        flash(_("This link is invalid, expired or already used. Ask for a new one below."),
              "error")
        return redirect(url_for("portal.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        passwords.reset_password(token, form.password.data, ip=request.remote_addr)
        db.session.commit()
        flash(_("Your new password is set. Sign in with it."), "success")
        return redirect(url_for("portal.login"))
    return render_template("portal/password_reset.html", form=form)


@bp.route("/mypage/password", methods=["GET", "POST"])
@applicant_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not passwords.change_password(g.applicant, form.current_password.data,
                                         form.password.data, ip=request.remote_addr,
                                         keep_session=session.get(PORTAL_COOKIE_KEY)):
            db.session.commit()  # the refused attempt stays in the audit trail
            form.current_password.errors.append(_("The current password is incorrect."))
        else:
            db.session.commit()
            sign_in(g.applicant)  # this session stays; every other one was signed out
            flash(_("Your password was changed."), "success")
            return redirect(url_for("portal.mypage"))
    return render_template("portal/password_change.html", form=form)
