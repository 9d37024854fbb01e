"""Sign-in and password forms."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError


class LoginForm(FlaskForm):
    username = StringField(_l("User ID"), validators=[
        DataRequired(_l("Enter your user ID.")),
        Length(max=60, message=_l("User ID must be at most %(max)d characters."))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")),
        Length(max=200, message=_l("Password must be at most %(max)d characters."))])


def password_policy(form, field) -> None:
    """Minimum length from the configuration; maximum to bound hashing cost."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(field.data or "") < minimum:
        raise ValidationError(_l("Password must be at least %(min)d characters.", min=minimum))
    if len(field.data) > 200:
        raise ValidationError(_l("Password must be at most %(max)d characters.", max=200))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))])
    new_password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")), password_policy])
    confirm = PasswordField(_l("New password (again)"), validators=[
        DataRequired(_l("Enter the new password again.")),
        EqualTo("new_password", _l("The two new passwords do not match."))])
