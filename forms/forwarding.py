"""Forms of the forwarding screens and API (validation only; operations do the writes)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.choices import choices
from forms.fields import DateField, IntegerField
from japan.text import normalize_digits, normalize_kana, normalize_name

MAX_LINES = 20
BLANK_ROWS = 5
_PHONE = re.compile(r"^0\d{1,4}-?\d{1,4}-?\d{3,4}$")
_KANA = re.compile(r"^[\u30a0-\u30ff\u3000 ]*$")  # katakana (after normalising), spaces


def submitter_choices():
    return choices([("individual", _l("Resident (individual)")),
                    ("business", _l("Business (事業者)"))])


def _known_type(form, field) -> None:
    valid = {c.value for c in field.choices} if field.choices else set()
    if field.data and field.data not in valid:
        raise ValidationError(_l("Unknown document type %(code)s.", code=field.data))


class LineForm(Form):
    """One document: its type and number of sheets; urgency and event date for the rules."""

    document_type = SelectField(_l("Document"), validate_choice=False,
                                validators=[Optional(), _known_type])
    sheets = IntegerField(_l("Sheets"), validators=[
        Optional(), NumberRange(min=1, max=999, message=_l("Enter the number of sheets "
                                                           "(1 to %(max)d).", max=999))])
    urgent = BooleanField(_l("Urgent"))
    event_date = DateField(_l("Date of the event"), validators=[Optional()])

    def validate_sheets(self, field) -> None:
        if self.document_type.data and field.data is None and not field.errors:
            raise ValidationError(_l("Enter the number of sheets (1 to %(max)d).", max=999))
        if field.data is not None and not self.document_type.data:
            raise ValidationError(_l("Choose the document for these sheets."))


class CounterForm(FlaskForm):
    """The custody receipt as the clerk fills it in at the counter."""

    resident_name = StringField(_l("Resident's name"), filters=[lambda v: normalize_name(v or "")],
                                validators=[
        InputRequired(_l("Enter the resident's name.")),
        Length(max=60, message=_l("Enter the name in at most %(max)d characters."))])
    resident_kana = StringField(_l("Name in kana"), filters=[lambda v: normalize_kana(v or "")],
                                validators=[
        Optional(), Length(max=60, message=_l("Enter the name in at most %(max)d characters."))])
    phone = StringField(_l("Phone"), filters=[lambda v: normalize_digits(v or "")], validators=[
        InputRequired(_l("Enter a phone number the resident can be reached at."))])
    submitter = SelectField(_l("Submitted by"), choices=submitter_choices, default="individual")
    remarks = TextAreaField(_l("Remarks"), validators=[
        Optional(), Length(max=200, message=_l("Enter at most %(max)d characters."))])
    lines = FieldList(FormField(LineForm), min_entries=BLANK_ROWS, max_entries=MAX_LINES)

    def set_types(self, pairs: list[tuple[str, str]]) -> None:
        """Give every line the document type choices (code, label)."""
        options = choices([("", "—")] + pairs)
        for entry in self.lines:
            entry.form.document_type.choices = options

    def validate_resident_kana(self, field) -> None:
        if field.data and not _KANA.match(field.data):
            raise ValidationError(_l("Enter the name in kana."))

    def validate_phone(self, field) -> None:
        if not _PHONE.match(field.data or ""):
            raise ValidationError(_l("Enter a phone number such as 044-123-4567."))

    def validate_lines(self, field) -> None:
        if not self.filled_lines():
            raise ValidationError(_l("Enter at least one document."))

    def filled_lines(self) -> list[LineForm]:
        return [entry.form for entry in self.lines if entry.form.document_type.data]


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason for cancelling"), validators=[
        InputRequired(_l("Give a reason for cancelling.")),
        Length(max=200, message=_l("Enter at most %(max)d characters."))])


class ReceiveForm(FlaskForm):
    """Ticking a bag's items; extra numbers found in the bag go one per line."""

    received_at = StringField(_l("Received at"), validators=[Optional()])
    extra = TextAreaField(_l("Items in the bag that are not on the list (one number per line)"),
                          validators=[Optional(), Length(max=2000)])


class ResolveMissingForm(FlaskForm):
    resolution = SelectField(_l("Result"), choices=lambda: choices([
        ("found", _l("Found: the documents are now at the department")),
        ("lost", _l("Not found: the documents are lost"))]),
        validators=[InputRequired(_l("Choose a result."))])
    note = TextAreaField(_l("What was done"), validators=[
        InputRequired(_l("Describe what was done.")),
        Length(max=500, message=_l("Enter at most %(max)d characters."))])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("What was found and done"), validators=[
        InputRequired(_l("Describe what was done.")),
        Length(max=500, message=_l("Enter at most %(max)d characters."))])


class DocumentTypeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[lambda v: (v or "").strip().upper()], validators=[
        InputRequired(_l("Enter the code.")),
        Length(max=10, message=_l("Enter at most %(max)d characters."))])
    name = StringField(_l("Name"), validators=[
        InputRequired(_l("Enter the name.")),
        Length(max=100, message=_l("Enter at most %(max)d characters."))])
    department_id = SelectField(_l("Responsible department"), coerce=int)
    forwardable = BooleanField(_l("On the forwarding list"), default=True)
    acceptance_date_matters = BooleanField(_l("The date of acceptance matters legally"))
    deadline_days = IntegerField(_l("Deadline (days after the event)"), validators=[
        Optional(), NumberRange(min=0, max=3650, message=_l("Enter a number in the allowed "
                                                            "range."))])
    deadline_basis = StringField(_l("Event the deadline counts from"), validators=[
        Optional(), Length(max=40, message=_l("Enter at most %(max)d characters."))])
    temporary_window = BooleanField(_l("Offered at temporary windows"))
    active = BooleanField(_l("In use"), default=True)
    position = IntegerField(_l("Display order"), default=0, validators=[
        NumberRange(min=0, max=999, message=_l("Enter a number in the allowed range."))])

    def validate_code(self, field) -> None:
        if not re.fullmatch(r"[A-Z0-9]{1,10}", field.data or ""):
            raise ValidationError(_l("Use 1–10 capital letters or digits."))


class DepartmentDaysForm(FlaskForm):
    receive_days = IntegerField(_l("Business days to receive"), validators=[
        InputRequired(_l("Enter a number.")),
        NumberRange(min=1, max=30, message=_l("Enter a number from %(min)s to %(max)s."))])
    ack_days = IntegerField(_l("Business days to return the receipt"), validators=[
        InputRequired(_l("Enter a number.")),
        NumberRange(min=1, max=30, message=_l("Enter a number from %(min)s to %(max)s."))])
