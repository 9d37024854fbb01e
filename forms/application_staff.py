"""Staff forms for online applications: the review decision, the 決裁, the catalogue."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from forms.application_fields import clean_line, clean_text
from forms.application_tasks import MESSAGE_MAX
from forms.choices import choices
from forms.fields import IntegerField
from models.procedure import AUDIENCE_LABELS, AUDIENCES, CHANNEL_LABELS, CHANNELS

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,39}$")


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReviewDecisionForm(FlaskForm):
    """The ward clerk's decision on the application page (fields_to_fix set per procedure)."""

    decision = SelectField(_l("Decision"), choices=choices([
        ("accept", _l("Accept")), ("reject", _l("Reject (to the supervisor for approval)")),
        ("return", _l("Return for correction"))]),
        validators=[InputRequired(_l("Choose a decision."))])
    message = TextAreaField(_l("Message to the applicant"), filters=[clean_text], validators=[
        Optional(), Length(max=MESSAGE_MAX, message=_l("Enter at most %(max)d characters."))])
    fields_to_fix = _Checkboxes(_l("Fields to correct"), choices=[], validators=[Optional()])
    version = HiddenField()


class RejectionDecisionForm(FlaskForm):
    approval = SelectField(_l("Decision"), choices=choices([
        ("approve", _l("Approve the rejection")), ("send_back", _l("Send back for review"))]),
        validators=[InputRequired(_l("Choose a decision."))])
    note = TextAreaField(_l("Note"), filters=[clean_text], validators=[
        Optional(), Length(max=1000, message=_l("Enter at most %(max)d characters."))])
    version = HiddenField()


def _code(form, field) -> None:
    if not CODE_RE.match(field.data or ""):
        raise ValidationError(_l("Use 2–40 capital letters, digits, '_' or '-'."))


def _text(label, maximum: int, required: bool = False):
    checks = [DataRequired(_l("Enter %(label)s.", label=label))] if required else [Optional()]
    return StringField(label, filters=[clean_line], validators=checks + [
        Length(max=maximum, message=_l("Enter at most %(max)d characters."))])


class ProcedureAdminForm(FlaskForm):
    code = StringField(_l("Code"), filters=[clean_line], validators=[
        DataRequired(_l("Enter %(label)s.", label=_l("Code"))), _code])
    name = _text(_l("Name"), 200, required=True)
    audience = SelectField(_l("Audience"), choices=choices(
        (a, AUDIENCE_LABELS[a]) for a in AUDIENCES))
    category = _text(_l("Category"), 60)
    organisation = _text(_l("Organisation (bureau / department)"), 100)
    department_id = SelectField(_l("Department that reviews"), coerce=int, validators=[Optional()])
    summary = TextAreaField(_l("About the procedure"), filters=[clean_text],
                            validators=[Length(max=4000)])
    how_to_apply = TextAreaField(_l("How to apply, deadlines, notes"), filters=[clean_text],
                                 validators=[Length(max=4000)])
    accept_from = DateTimeLocalField(_l("Accepted from"), validators=[Optional()])
    accept_until = DateTimeLocalField(_l("Accepted until (empty: at any time)"),
                                      validators=[Optional()])
    contact_name = _text(_l("Contact"), 100)
    contact_phone = _text(_l("Contact phone"), 30)
    channels = _Checkboxes(_l("Accepted channels"), choices=choices(
        (c, CHANNEL_LABELS[c]) for c in CHANNELS))
    process_id = _text(_l("Process id"), 100, required=True)
    form_key = SelectField(_l("Form"))
    correction_days = IntegerField(_l("Days to answer a return for correction"), validators=[
        InputRequired(_l("Enter a number.")),
        NumberRange(min=1, max=90, message=_l("Enter a number from %(min)d to %(max)d."))])
    position = IntegerField(_l("Position in the list"), default=0, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
