"""Build WTForms classes from field specs declared in BPMN (camunda:formData)."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forms.choices import choices
from forms.fields import DateField, IntegerField

TEXTAREA_THRESHOLD = 200  # longer strings get a multi-line box


def _required(spec) -> list:
    if spec.required:
        return [InputRequired(_l("Enter %(label)s.", label=spec.label or spec.id))]
    return [Optional()]


def _length(spec) -> list:
    if spec.min_length is None and spec.max_length is None:
        return []
    return [Length(min=spec.min_length or -1, max=spec.max_length or -1,
                   message=_length_message(spec))]


def _length_message(spec):
    if spec.min_length and spec.max_length:
        return _l("Enter %(min)d to %(max)d characters.", min=spec.min_length,
                  max=spec.max_length)
    if spec.max_length:
        return _l("Enter at most %(max)d characters.", max=spec.max_length)
    return _l("Enter at least %(min)d characters.", min=spec.min_length)


def _date_range(spec):
    def check(form, field) -> None:
        if field.data is None:
            return
        low = date.fromisoformat(str(spec.min)) if spec.min not in (None, "") else None
        high = date.fromisoformat(str(spec.max)) if spec.max not in (None, "") else None
        if (low and field.data < low) or (high and field.data > high):
            raise ValidationError(_l("Enter a date within the allowed range."))

    return check


def _field(spec):
    label = spec.label or spec.id
    kwargs = {"default": spec.default, "render_kw": {"readonly": True} if spec.readonly else {}}
    if spec.type == "long":
        rng = [NumberRange(min=spec.min, max=spec.max,
                           message=_l("Enter a number in the allowed range."))] \
            if spec.min is not None or spec.max is not None else []
        return IntegerField(label, validators=_required(spec) + rng,
                            **kwargs)
    if spec.type == "boolean":
        return BooleanField(label, validators=[Optional()], **kwargs)
    if spec.type == "date":
        return DateField(label, validators=_required(spec) + [_date_range(spec)],
                         **kwargs)
    if spec.type == "enum":
        return SelectField(label, choices=choices(spec.choices),
                           validators=_required(spec), **kwargs)
    cls = TextAreaField if (spec.max_length or 0) > TEXTAREA_THRESHOLD else StringField
    return cls(label, validators=_required(spec) + _length(spec), **kwargs)


@lru_cache(maxsize=512)
def form_class(fields: tuple) -> type[FlaskForm]:
    """A FlaskForm subclass with one field per spec, in order (cached per spec tuple)."""
    attrs = {spec.id: _field(spec) for spec in fields}
    return type("BpmnTaskForm", (FlaskForm,), attrs)


# Messages WTForms raises for badly typed input, rewritten so they are translatable.
for _cls, _msg in ((IntegerField, _l("Enter a whole number.")),
                   (DateField, _l("Enter a date as YYYY-MM-DD."))):
    _cls.default_error_message = _msg
