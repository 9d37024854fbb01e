"""Registered task forms shared by built-in processes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from forms.choices import choices
from forms.registry import register


@register("acknowledge")
class AcknowledgeForm(FlaskForm):
    """A task that only needs to be confirmed, with an optional note."""

    note = TextAreaField(_l("Note"), validators=[
        Optional(), Length(max=1000, message=_l("Enter at most %(max)d characters."))])


@register("review_decision")
class ReviewDecisionForm(FlaskForm):
    """Accept, reject or return an application, with a reason when not accepting."""

    decision = SelectField(_l("Decision"), choices=choices([
        ("accept", _l("Accept")), ("reject", _l("Reject")),
        ("return", _l("Return for correction"))]),
        validators=[InputRequired(_l("Choose a decision."))])
    # No Optional() here: it would stop the chain before validate_reason for an empty reason.
    reason = TextAreaField(_l("Reason / message"), validators=[
        Length(max=2000, message=_l("Enter at most %(max)d characters."))])

    def validate_reason(self, field) -> None:
        from wtforms.validators import ValidationError

        if self.decision.data in ("reject", "return") and not (field.data or "").strip():
            raise ValidationError(_l("Give a reason when rejecting or returning."))
