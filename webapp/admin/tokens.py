"""Admin: API tokens (created here or with `flask --app wsgi tokens create`)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

from forms.choices import choices
from models.api_token import ApiToken
from models.user import User
from webapp import accounts
from webapp.access import get_or_404, roles_required
from webapp.admin import bp
from webapp.extensions import db


class TokenForm(FlaskForm):
    user_id = SelectField(_l("User"), coerce=int)
    name = StringField(_l("Purpose"), validators=[
        Length(max=80, message=_l("Purpose must be at most %(max)d characters."))])


@bp.route("/tokens", methods=["GET", "POST"])
@roles_required("admin")
def tokens():
    form = TokenForm()
    form.user_id.choices = choices((u.id, f"{u.username}（{u.display_name}）")
                                   for u in accounts.list_users(status="active"))
    raw = None
    if form.validate_on_submit():
        user = get_or_404(User, form.user_id.data)
        _token, raw = accounts.create_token(current_user, user, form.name.data or "")
        db.session.commit()
        flash(_("Copy the token now: it will not be shown again."), "success")
    return render_template("admin/tokens.html", form=form, tokens=accounts.list_tokens(),
                           raw_token=raw)


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required("admin")
def token_revoke(token_id: int):
    token = get_or_404(ApiToken, token_id)
    accounts.revoke_token(current_user, token)
    db.session.commit()
    flash(_("The token was revoked."), "success")
    return redirect(url_for("admin.tokens"))
