"""Admin forms for staff users."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from forms.auth import password_policy
from forms.choices import choices
from models.user import ROLE_LABELS, ROLES

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,59}$")


def role_choices():
    return choices((role, ROLE_LABELS[role]) for role in ROLES)


def locale_choices():
    return choices([("ja", "日本語"), ("en", "English")])


def _username(form, field) -> None:
    if not USERNAME_RE.match(field.data or ""):
        raise ValidationError(_l("Use 2–60 lower-case letters, digits, '.', '_' or '-'."))


class _UserFields(FlaskForm):
    display_name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter the name.")),
        Length(max=60, message=_l("Name must be at most %(max)d characters."))])
    email = StringField(_l("E-mail"), validators=[
        Optional(), Email(_l("Enter a valid e-mail address.")),
        Length(max=254, message=_l("E-mail must be at most %(max)d characters."))])
    office_id = SelectField(_l("Office"), coerce=int, validate_choice=True)
    department_ids = SelectMultipleField(_l("Departments"), coerce=int)
    roles = SelectMultipleField(_l("Roles"), choices=role_choices, validators=[
        DataRequired(_l("Choose at least one role."))])
    locale = SelectField(_l("Language"), choices=locale_choices)


class UserCreateForm(_UserFields):
    username = StringField(_l("User ID"), validators=[
        DataRequired(_l("Enter the user ID.")), _username])
    password = PasswordField(_l("Initial password"), validators=[
        DataRequired(_l("Enter an initial password.")), password_policy])


class UserEditForm(_UserFields):
    active = BooleanField(_l("Active"))
    password = PasswordField(_l("New password (leave empty to keep)"), validators=[
        Optional(), password_policy])
