"""Admin form for a procedure's postal terms (enclosures, fee, deadline rule, letter timings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.application_fields import clean_line
from forms.choices import choices
from forms.fields import IntegerField
from models.postal import DEADLINE_RULE_LABELS

MAX_ENCLOSURES = 30


def enclosure_lines(text: str | None) -> list[str]:
    """The checklist typed one item per line (blank lines and repeats dropped, order kept)."""
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        item = clean_line(line)
        if item:
            seen.setdefault(item, None)
    return list(seen)


def _days(label, low: int, high: int, *, required: bool = True) -> IntegerField:
    first = InputRequired(_l("Enter a number.")) if required else Optional()
    return IntegerField(label, validators=[first, NumberRange(
        low, high, _l("Enter a number from %(min)d to %(max)d."))])


class PostalTermsForm(FlaskForm):
    enclosures = TextAreaField(_l("Enclosures to check (one per line)"), validators=[
        Length(max=3000, message=_l("Enter at most %(max)d characters."))])
    fee = IntegerField(_l("Fee (yen, 0 when free)"), validators=[
        InputRequired(_l("Enter a number.")),
        NumberRange(0, 100_000, _l("Enter a number from %(min)d to %(max)d."))])
    fee_note = StringField(_l("Fee note"), filters=[clean_line], validators=[
        Length(max=200, message=_l("Enter at most %(max)d characters."))])
    money_order_accepted = BooleanField(_l("Postal money orders (定額小為替) accepted"))
    deadline_rule = SelectField(_l("Deadline rule"), choices=choices(DEADLINE_RULE_LABELS.items()),
                                validators=[InputRequired(_l("Choose one."))])
    deadline_days = _days(_l("Deadline: days after the event (empty: no deadline)"), 0, 3650,
                          required=False)
    deadline_basis = StringField(_l("The event the deadline counts from"), filters=[clean_line],
                                 validators=[Length(max=60, message=_l(
                                     "Enter at most %(max)d characters."))])
    reminder_days = _days(_l("Reminder letter after (days)"), 1, 365)
    withdraw_days = _days(_l("Closed as withdrawn after (days)"), 2, 730)
    send_to = TextAreaField(_l("Where corrections are sent (printed on letters)"), validators=[
        Length(max=500, message=_l("Enter at most %(max)d characters."))])

    def validate_enclosures(self, field) -> None:
        if len(enclosure_lines(field.data)) > MAX_ENCLOSURES:
            raise ValidationError(_l("Enter at most %(max)d items.", max=MAX_ENCLOSURES))

    def validate_withdraw_days(self, field) -> None:
        if field.data is not None and self.reminder_days.data is not None \
                and field.data <= self.reminder_days.data:
            raise ValidationError(_l("The case can close only after the reminder letter: "
                                     "enter more days than for the reminder."))

    def validate_money_order_accepted(self, field) -> None:
        if field.data and not self.fee.data:
            raise ValidationError(_l("Money orders are accepted only for a procedure with a "
                                     "fee."))

    def validate_deadline_basis(self, field) -> None:
        if self.deadline_days.data is not None and not field.data:
            raise ValidationError(_l("Say what the deadline counts from (e.g. 転出日)."))
