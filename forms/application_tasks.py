"""Task forms of the online_application process (validation only).

Every step changes the application as well as the case (status, correction rounds, notices to
the applicant), so it must go through an application operation: the clerk's application page,
the supervisor's decision on it, or the applicant's portal. Those operations complete the task
inside ``via_application_screens()``; the same form used from the generic task page or
``/api/v1/tasks/<id>/complete`` refuses with a message naming the right screen, so the
application can never fall out of step with its case.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms.choices import choices
from forms.registry import register
from forms.screens import OnlyViaScreens

_FIELD_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MESSAGE_MAX = 2000


only_via_screens = OnlyViaScreens("application_operation", _l(
    "Do this step on the application page (online applications), not here: the "
    "applicant is notified from there."))
via_application_screens = only_via_screens.active


def _field_ids(form, field) -> None:
    if any(not _FIELD_ID.match(v or "") for v in field.data or []):
        raise ValidationError(_l("Unknown field."))


def _multi(label):
    # No Optional(): it would stop the chain before the form's validate_<field> checks.
    return SelectMultipleField(label, choices=[], validate_choice=False, validators=[_field_ids])


@register("application_review")
class ApplicationReviewForm(FlaskForm):
    """The ward clerk's decision: accept, reject (to the supervisor) or return for correction."""

    decision = SelectField(_l("Decision"), choices=choices([
        ("accept", _l("Accept")), ("reject", _l("Reject")),
        ("return", _l("Return for correction"))]),
        validators=[InputRequired(_l("Choose a decision.")), only_via_screens])
    message = TextAreaField(_l("Message to the applicant"), validators=[
        Length(max=MESSAGE_MAX, message=_l("Enter at most %(max)d characters."))])
    fields_to_fix = _multi(_l("Fields to correct"))

    def validate_message(self, field) -> None:
        if self.decision.data in ("reject", "return") and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason when rejecting or returning."))

    def validate_fields_to_fix(self, field) -> None:
        if self.decision.data == "return" and not field.data:
            raise ValidationError(_l("Choose at least one field the applicant must correct."))


@register("application_rejection")
class ApplicationRejectionForm(FlaskForm):
    """The supervisor approves a rejection (決裁) or sends the application back for review."""

    approval = SelectField(_l("Decision"), choices=choices([
        ("approve", _l("Approve the rejection")), ("send_back", _l("Send back for review"))]),
        validators=[InputRequired(_l("Choose a decision.")), only_via_screens])
    note = TextAreaField(_l("Note"), validators=[
        Optional(), Length(max=1000, message=_l("Enter at most %(max)d characters."))])


@register("application_correction")
class ApplicationCorrectionForm(FlaskForm):
    """The applicant's answer to a return: resubmit the corrected application, or withdraw."""

    action = SelectField(_l("Action"), choices=choices([
        ("resubmit", _l("Resubmit")), ("withdraw", _l("Withdraw"))]),
        validators=[InputRequired(_l("Choose an action.")), only_via_screens])
    changed_fields = _multi(_l("Changed fields"))
