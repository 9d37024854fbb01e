"""Admin forms for offices and departments."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Regexp

from forms.fields import IntegerField

CODE = Regexp(r"^[A-Z0-9_]{2,20}$", message=_l("Use 2–20 capital letters, digits or '_'."))


class OfficeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter the name.")),
        Length(max=60, message=_l("Name must be at most %(max)d characters."))])
    short_name = StringField(_l("Short name"), validators=[
        DataRequired(_l("Enter the short name.")),
        Length(max=10, message=_l("Short name must be at most %(max)d characters."))])
    active = BooleanField(_l("Active"))


class DepartmentForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter the code.")), CODE])
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("Enter the name.")),
        Length(max=60, message=_l("Name must be at most %(max)d characters."))])
    position = IntegerField(_l("Display order"), default=0, validators=[
        NumberRange(min=0, max=999, message=_l("Enter a number from %(min)s to %(max)s."))])
    active = BooleanField(_l("Active"), default=True)
