"""Portal: register (e-mail as user id), confirm the address, sign in and out."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from forms.portal import PortalLoginForm, RegisterForm, ResendForm
from models.login_session import PORTAL_COOKIE_KEY
from webapp.auth.routes import safe_next
from webapp.extensions import db
from webapp.portal import applicant_required, bp, sign_in, sign_out
from workflows.applications import applicants


def _next() -> str:
    target = safe_next(request.args.get("next"))
    return target if target.startswith("/portal") else url_for("portal.mypage")


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        applicants.register(email=form.email.data, password=form.password.data,
                            display_name=form.display_name.data, kind=form.kind.data,
                            phone=form.phone.data or "", ip=request.remote_addr)
        db.session.commit()
        return redirect(url_for("portal.check_mail"))
    return render_template("portal/register.html", form=form)


@bp.get("/register/sent")
def check_mail():
    return render_template("portal/check_mail.html", form=ResendForm())


@bp.post("/register/resend")
def resend():
    form = ResendForm()
    if form.validate_on_submit():
        applicants.resend_verification(form.email.data)
        db.session.commit()
    flash(_("If the address is registered and not yet confirmed, a new link is on its way."),
          "info")
    return redirect(url_for("portal.check_mail"))


@bp.get("/verify/<token>")
def verify(token: str):
    applicant = applicants.verify(token)
    db.session.commit()
    if applicant is None:
        flash(_("This confirmation link is invalid or has expired. Request a new one below."),
              "error")
        return redirect(url_for("portal.check_mail"))
    flash(_("Your e-mail address is confirmed. You can sign in now."), "success")
    return redirect(url_for("portal.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if g.applicant is not None:
        return redirect(_next())
    form = PortalLoginForm()
    if form.validate_on_submit():
        result = applicants.authenticate(form.email.data, form.password.data,
                                         ip=request.remote_addr)
        db.session.commit()
        if result.applicant is not None:
            sign_in(result.applicant, result.session_id)
            return redirect(_next())
        if result.locked:
            flash(_("Too many failed attempts. Try again in 15 minutes."), "error")
        elif result.unverified:
            flash(_("Your e-mail address is not confirmed yet. Open the link in the e-mail we "
                    "sent you, or request a new one."), "error")
        else:
            flash(_("The user ID or password is incorrect."), "error")
    return render_template("portal/login.html", form=form)


@bp.post("/logout")
@applicant_required
def logout():
    applicants.sign_out(g.applicant, session.get(PORTAL_COOKIE_KEY), ip=request.remote_addr)
    db.session.commit()
    sign_out()
    flash(_("You have signed out."), "info")
    return redirect(url_for("portal.home"))
