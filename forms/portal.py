"""Forms of the applicant portal: registration, sign-in, resend, correction actions."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from forms.application_fields import clean_digits, clean_email, clean_line
from forms.choices import choices
from models.applicant import APPLICANT_KIND_LABELS, APPLICANT_KINDS


def _password(form, field) -> None:
    minimum = max(current_app.config["PASSWORD_MIN_LENGTH"], 8)
    if len(field.data or "") < minimum:
        raise ValidationError(_l("Password must be at least %(min)d characters.", min=minimum))
    if len(field.data) > 200:
        raise ValidationError(_l("Password must be at most %(max)d characters.", max=200))


def _email_field(label):
    return EmailField(label, filters=[clean_email], validators=[
        DataRequired(_l("Enter your e-mail address.")),
        Email(_l("Enter a valid e-mail address."), check_deliverability=False),
        Length(max=254, message=_l("Enter at most %(max)d characters.", max=254))],
        render_kw={"autocomplete": "email"})


class RegisterForm(FlaskForm):
    email = _email_field(_l("E-mail address (your user ID)"))
    email_confirm = EmailField(_l("E-mail address (again)"), filters=[clean_email], validators=[
        DataRequired(_l("Enter your e-mail address.")),
        EqualTo("email", _l("The two e-mail addresses do not match."))])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), _password],
        render_kw={"autocomplete": "new-password"})
    password_confirm = PasswordField(_l("Password (again)"), validators=[
        DataRequired(_l("Enter your password.")),
        EqualTo("password", _l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"})
    kind = SelectField(_l("You are"), choices=choices(
        (k, APPLICANT_KIND_LABELS[k]) for k in APPLICANT_KINDS),
        validators=[DataRequired(_l("Choose one."))])
    display_name = StringField(_l("Name (person or business)"), filters=[clean_line], validators=[
        DataRequired(_l("Enter your name.")),
        Length(max=100, message=_l("Enter at most %(max)d characters.", max=100))],
        render_kw={"autocomplete": "name"})
    phone = TelField(_l("Phone number"), filters=[clean_digits], validators=[
        Optional(), Length(max=30, message=_l("Enter at most %(max)d characters.", max=30))])


class PortalLoginForm(FlaskForm):
    email = _email_field(_l("User ID (e-mail address)"))
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")),
        Length(max=200, message=_l("Password must be at most %(max)d characters."))],
        render_kw={"autocomplete": "current-password"})


class ResendForm(FlaskForm):
    email = _email_field(_l("E-mail address"))


def _new_password_fields():
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter your password.")), _password],
        render_kw={"autocomplete": "new-password"})
    again = PasswordField(_l("New password (again)"), validators=[
        DataRequired(_l("Enter your password.")),
        EqualTo("password", _l("The two passwords do not match."))],
        render_kw={"autocomplete": "new-password"})
    return password, again


class ForgotPasswordForm(FlaskForm):
    email = _email_field(_l("User ID (e-mail address)"))


class ResetPasswordForm(FlaskForm):
    password, password_confirm = _new_password_fields()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password.")),
        Length(max=200, message=_l("Password must be at most %(max)d characters."))],
        render_kw={"autocomplete": "current-password"})
    password, password_confirm = _new_password_fields()
