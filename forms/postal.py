"""Task forms of the postal_application process (validation only).

Every step also changes envelopes or the dispatch register (発送簿), so it is done on the
postal screens or the postal API; those complete the task inside ``via_postal_screens()``. The
same form used from the generic task page or ``/api/v1/tasks/<id>/complete`` refuses with a
message naming the right screen, so the registers never disagree with the case.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms.application_fields import ProcedureForm, register_procedure_form
from forms.choices import choices
from forms.fields import DateField, IntegerField
from forms.registry import register
from forms.screens import OnlyViaScreens
from models.postal import DISPATCH_METHOD_LABELS

MESSAGE_MAX = 2000

# Procedures applied for on paper only: no online form fields.
POSTAL_PAPER = register_procedure_form(ProcedureForm(key="postal_paper", fields=(),
                                                     subject_fields=()))


only_via_screens = OnlyViaScreens("postal_operation", _l(
    "Do this step on the postal application page (郵送申請), not here: the registers "
    "are kept from there."))
via_postal_screens = only_via_screens.active


def method_choices():
    return choices(DISPATCH_METHOD_LABELS.items())


class DispatchFields(FlaskForm):
    """When and how a letter or result was posted (the 発送簿 line)."""

    sent_on = DateField(_l("Sent on"), validators=[InputRequired(_l("Enter a date."))])
    method = SelectField(_l("Method"), choices=method_choices(),
                         validators=[InputRequired(_l("Choose how it was sent."))])
    tracking_number = StringField(_l("Tracking number (optional)"), validators=[
        Optional(), Length(max=30, message=_l("Enter at most %(max)d characters."))])


@register("postal_review")
class PostalReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=choices([
        ("complete", _l("Complete: process it and send the result")),
        ("incomplete", _l("Incomplete: ask for the missing items by letter")),
        ("reject", _l("Reject (goes to the supervisor)"))]),
        validators=[InputRequired(_l("Choose a decision.")), only_via_screens])
    missing = SelectMultipleField(_l("Missing or wrong items"), choices=[],
                                  validate_choice=False)
    message = TextAreaField(_l("What is missing or wrong (printed on the letter)"), validators=[
        Length(max=MESSAGE_MAX, message=_l("Enter at most %(max)d characters."))])

    def validate_message(self, field) -> None:
        if self.decision.data == "reject" and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason for the rejection."))
        if self.decision.data == "incomplete" and not (field.data or "").strip() \
                and not self.missing.data:
            raise ValidationError(_l("Tick the missing items or describe what is wrong."))


@register("postal_rejection")
class PostalRejectionForm(FlaskForm):
    approval = SelectField(_l("Decision"), choices=choices([
        ("approve", _l("Approve the rejection")), ("send_back", _l("Send back for review"))]),
        validators=[InputRequired(_l("Choose a decision.")), only_via_screens])
    note = TextAreaField(_l("Note"), validators=[
        Optional(), Length(max=1000, message=_l("Enter at most %(max)d characters."))])


@register("postal_letter")
class PostalLetterForm(DispatchFields):
    dispatch_id = IntegerField(_l("Dispatch register line"), validators=[
        InputRequired(_l("Enter a number.")), only_via_screens])


@register("postal_result")
class PostalResultForm(DispatchFields):
    dispatch_id = IntegerField(_l("Dispatch register line"), validators=[
        InputRequired(_l("Enter a number.")), only_via_screens])


@register("postal_reminder")
class PostalReminderForm(FlaskForm):
    action = SelectField(_l("Action"), choices=choices([
        ("sent", _l("The reminder letter was posted")),
        ("received", _l("The documents arrived before the reminder"))]),
        validators=[InputRequired(_l("Choose an action.")), only_via_screens])
    dispatch_id = IntegerField(_l("Dispatch register line"), validators=[Optional()])
    envelope_id = IntegerField(_l("Envelope"), validators=[Optional()])


@register("postal_await")
class PostalAwaitForm(FlaskForm):
    action = SelectField(_l("Action"), choices=choices([
        ("received", _l("The documents arrived (register the envelope)")),
        ("withdrawn", _l("The applicant withdrew the application"))]),
        validators=[InputRequired(_l("Choose an action.")), only_via_screens])
    envelope_id = IntegerField(_l("Envelope"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[
        Optional(), Length(max=1000, message=_l("Enter at most %(max)d characters."))])
