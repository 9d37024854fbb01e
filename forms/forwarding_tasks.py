"""Task forms of the branch_forwarding process (validation only).

Every step except the supervisor's escalation changes receipts, lines or bags as well as the
case, so it must go through a forwarding operation (counter, bags, receive, returns, filing
screens or the API). Those operations complete the task inside ``via_operation()``; the same
form used from the generic task page or ``/api/v1/tasks/<id>/complete`` refuses with a message
that names the right screen, so the ledger can never fall out of step with the case.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from forms.choices import choices
from forms.fields import IntegerField
from forms.registry import register
from forms.screens import OnlyViaScreens

only_via_screens = OnlyViaScreens("forwarding_operation", _l(
    "Do this step on the document forwarding screens (counter, internal mail, "
    "receive, returns, filing), not here."))
via_operation = only_via_screens.active


def iso_datetime(form, field) -> None:
    try:
        value = datetime.fromisoformat(field.data or "")
    except ValueError as exc:
        raise ValidationError(_l("Enter a date and time.")) from exc
    if value.tzinfo is None:
        raise ValidationError(_l("Enter a date and time."))


def _when(label):
    return StringField(label, validators=[InputRequired(_l("Enter a date and time.")),
                                          iso_datetime, only_via_screens])


def _count(label):
    return IntegerField(label, validators=[
        InputRequired(_l("Enter a number.")),
        NumberRange(min=0, max=999, message=_l("Enter a number in the allowed range."))])


@register("forwarding_issue")
class IssueStepForm(FlaskForm):
    receipt_id = IntegerField(_l("Receipt (issued on the Counter screen)"), validators=[
        InputRequired(_l("Enter a number.")), only_via_screens])
    line_count = _count(_l("Documents"))


@register("forwarding_dispatch")
class DispatchStepForm(FlaskForm):
    bag_number = StringField(_l("Internal-mail bag (use the Internal mail screen)"), validators=[
        InputRequired(_l("Enter the bag number.")),
        Length(max=30, message=_l("Enter at most %(max)d characters.")), only_via_screens])


@register("forwarding_receive")
class ReceiveStepForm(FlaskForm):
    received_at = _when(_l("Received at (use the Receive mail screen)"))
    received_count = _count(_l("Documents received"))
    missing_count = _count(_l("Documents missing"))


@register("forwarding_resolve_missing")
class ResolveMissingStepForm(FlaskForm):
    resolution = SelectField(_l("Result (use the Missing documents screen)"), choices=choices([
        ("found", _l("Found: the documents are now at the department")),
        ("lost", _l("Not found: the documents are lost"))]),
        validators=[InputRequired(_l("Choose a result.")), only_via_screens])
    note = TextAreaField(_l("What was done"), validators=[
        InputRequired(_l("Describe what was done.")),
        Length(max=500, message=_l("Enter at most %(max)d characters."))])


@register("forwarding_return")
class ReturnStepForm(FlaskForm):
    returned_at = _when(_l("Returned at (use the Return receipts screen)"))


@register("forwarding_file")
class FileStepForm(FlaskForm):
    filed_at = _when(_l("Filed at (use the Filing screen)"))
    matched = BooleanField(_l("The returned original matches the copy"))

    def validate_matched(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Check the returned original against the copy first."))


@register("forwarding_escalation")
class EscalationStepForm(FlaskForm):
    """The supervisor's follow-up when documents did not arrive in time (generic task page)."""

    note = TextAreaField(_l("Where are the documents? What was done?"), validators=[
        InputRequired(_l("Describe what was done.")),
        Length(max=1000, message=_l("Enter at most %(max)d characters."))])
