"""Procedure forms of online applications: declarative field definitions → WTForms classes.

The portal, the intake API (``POST /api/v1/applications``) and the form description
(``GET /api/v1/procedures/{code}``) all read the same definitions, so a browser and another
system meet the same validators and the same Japanese messages. Attachments are described
here (kinds, size, file-name rule) and checked by ``workflows.applications.files``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import jaconv
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from forms.choices import choices
from forms.fields import DateField, IntegerField
from japan.text import normalize_digits, normalize_kana, normalize_name

FIELD_TYPES = ("text", "name", "kana", "textarea", "digits", "email", "email_confirm", "tel",
               "date", "integer", "choice", "boolean", "attachment")
MB = 1024 * 1024
KIND_EXTENSIONS = {"xlsx": ("xlsx",), "xlsm": ("xlsm",), "pdf": ("pdf",), "jpeg": ("jpg", "jpeg"),
                   "png": ("png",)}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_KATAKANA = re.compile(r"^[\u30a0-\u30ff\u3000 ]*$")
_PHONE = re.compile(r"^0\d{9,10}$")


@dataclass(frozen=True)
class AttachmentRule:
    """What an attachment field accepts."""

    kinds: tuple[str, ...]  # xlsx, xlsm, pdf, jpeg, png (checked by content, not by name)
    max_bytes: int = 5 * MB
    # Regular expression over the normalised file name; its group 1 must equal filename_field.
    filename_pattern: str | None = None
    filename_example: str = ""
    filename_field: str | None = None
    workbook_check: bool = False  # claim rows checked for duplicates (error 9554)

    @property
    def accept(self) -> str:
        """The file input's accept attribute (a hint; the server checks the content)."""
        return ",".join(f".{ext}" for kind in self.kinds for ext in KIND_EXTENSIONS[kind])

    @property
    def max_mb(self) -> int:
        return self.max_bytes // MB

    def describe(self) -> dict:
        return {"kinds": list(self.kinds), "max_bytes": self.max_bytes,
                "filename_pattern": self.filename_pattern,
                "filename_example": self.filename_example or None,
                "filename_must_contain_field": self.filename_field,
                "checks": ["claim_rows_duplicate_9554"] if self.workbook_check else []}


@dataclass(frozen=True)
class FieldDef:
    """One input of a procedure form."""

    id: str
    label: object
    type: str
    required: bool = False
    max_length: int | None = None
    digits: int | None = None
    min: int | None = None
    max: int | None = None
    options: tuple[tuple[str, object], ...] = ()
    confirm_of: str | None = None
    help: object = ""
    group: object = None  # fields sharing a group are shown together (姓・名)
    attachment: AttachmentRule | None = None

    @property
    def is_attachment(self) -> bool:
        return self.type == "attachment"

    def describe(self) -> dict:
        """The JSON description other systems build their submissions from."""
        out: dict = {"id": self.id, "label": str(self.label), "type": self.type,
                     "required": self.required}
        for name in ("max_length", "digits", "min", "max", "confirm_of"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.options:
            out["choices"] = [{"value": v, "label": str(label)} for v, label in self.options]
        if self.help:
            out["help"] = str(self.help)
        if self.group:
            out["group"] = str(self.group)
        if self.type == "date":
            out["format"] = "YYYY-MM-DD"
        if self.attachment:
            out["attachment"] = self.attachment.describe()
        return out


@dataclass(frozen=True)
class ProcedureForm:
    """The fields of one procedure, in display order."""

    key: str
    fields: tuple[FieldDef, ...]
    subject_fields: tuple[str, ...]  # who applies, as shown on the case
    email_field: str | None = None  # where notices go when the applicant has no account
    by_id: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update({f.id: f for f in self.fields})

    def field(self, field_id: str) -> FieldDef | None:
        return self.by_id.get(field_id)

    @property
    def input_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if not f.is_attachment)

    @property
    def attachment_fields(self) -> tuple[FieldDef, ...]:
        return tuple(f for f in self.fields if f.is_attachment)

    def describe(self) -> dict:
        return {"key": self.key, "fields": [f.describe() for f in self.fields]}


PROCEDURE_FORMS: dict[str, ProcedureForm] = {}


def register_procedure_form(form: ProcedureForm) -> ProcedureForm:
    PROCEDURE_FORMS[form.key] = form
    return form


def procedure_form(key: str) -> ProcedureForm | None:
    _load()
    return PROCEDURE_FORMS.get(key)


def procedure_form_keys() -> list[str]:
    _load()
    return sorted(PROCEDURE_FORMS)


def _load() -> None:
    import forms.application_forms  # noqa: F401  (registers the built-in procedure forms)


# -- normalisation -----------------------------------------------------------------------

def clean_line(value):
    """One line of text: NFC, control characters and line breaks removed, spaces trimmed."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r", " ").replace("\n", " ")
    return _CONTROL.sub("", value.replace("\t", " ")).strip()


def clean_text(value):
    """Several lines: CRLF → LF, control characters removed, outer blank space trimmed."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def clean_name(value):
    return normalize_name(clean_line(value)) if isinstance(value, str) else value


def clean_kana(value):
    return normalize_kana(clean_line(value)) if isinstance(value, str) else value


def clean_digits(value):
    """Full-width digits to ASCII (０１２ → 012), spaces removed."""
    return normalize_digits(clean_line(value)).replace(" ", "") if isinstance(value, str) \
        else value


def clean_email(value):
    if not isinstance(value, str):
        return value
    return jaconv.z2h(clean_line(value), kana=False, ascii=True, digit=True).lower()


# -- validators --------------------------------------------------------------------------

def _phone(form, field) -> None:
    digits = (field.data or "").replace("-", "")
    if field.data and not _PHONE.match(digits):
        raise ValidationError(_l("Enter a phone number of 10 or 11 digits, e.g. 044-200-2077."))


def _katakana(form, field) -> None:
    if field.data and not _KATAKANA.match(field.data):
        raise ValidationError(_l("Enter the reading in katakana."))


class _DateField(DateField):
    """A date as YYYY-MM-DD (what <input type=date> sends), with the house message."""

    parse_message = _l("Enter a date as YYYY-MM-DD.")


def _required(spec: FieldDef) -> list:
    if not spec.required:
        return [Optional()]
    message = _l("Enter %(label)s.", label=spec.label)
    return [InputRequired(message) if spec.type in ("integer", "date") else DataRequired(message)]


def _length(spec: FieldDef) -> list:
    if spec.max_length is None:
        return []
    return [Length(max=spec.max_length, message=_l("Enter at most %(max)d characters.",
                                                   max=spec.max_length))]


def _wtfield(spec: FieldDef):
    label, kind = spec.label, spec.type
    if kind in ("text", "name", "kana"):
        cleaner = {"text": clean_line, "name": clean_name, "kana": clean_kana}[kind]
        extra = [_katakana] if kind == "kana" else []
        return StringField(label, filters=[cleaner],
                           validators=_required(spec) + _length(spec) + extra)
    if kind == "textarea":
        return TextAreaField(label, filters=[clean_text],
                             validators=_required(spec) + _length(spec))
    if kind == "digits":
        return StringField(label, filters=[clean_digits], validators=_required(spec) + [Regexp(
            rf"^\d{{{spec.digits}}}$", message=_l("Enter exactly %(n)d half-width digits.",
                                                 n=spec.digits))],
            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    if kind in ("email", "email_confirm"):
        # The confirmation is checked against the address only: once they match, the
        # address's own checks have judged it (email_validator costs ~70 µs a call).
        checks = [EqualTo(spec.confirm_of, _l("The two e-mail addresses do not match."))] \
            if kind == "email_confirm" else [
                Email(_l("Enter a valid e-mail address."), check_deliverability=False),
                Length(max=254, message=_l("Enter at most %(max)d characters.", max=254))]
        return EmailField(label, filters=[clean_email], validators=_required(spec) + checks,
                          render_kw={"autocomplete": "email"})
    if kind == "tel":
        return TelField(label, filters=[clean_digits], validators=_required(spec) + [_phone],
                        render_kw={"autocomplete": "tel"})
    if kind == "date":
        return _DateField(label, validators=_required(spec))
    if kind == "integer":
        return IntegerField(label, validators=_required(spec) + [NumberRange(
            min=spec.min, max=spec.max, message=_l("Enter a number from %(min)d to %(max)d.",
                                                   min=spec.min, max=spec.max))],
            render_kw={"inputmode": "numeric"})
    if kind == "choice":
        return SelectField(label, choices=choices([("", "—")] + list(spec.options)),
                           validators=_required(spec) + [_one_of(spec)])
    if kind == "boolean":
        return BooleanField(label, validators=[Optional()])
    raise ValueError(f"field {spec.id}: unknown type {kind}")


def _one_of(spec: FieldDef):
    allowed = {value for value, _label in spec.options}

    def check(form, field) -> None:
        if field.data and field.data not in allowed:
            raise ValidationError(_l("Choose one of the options."))

    return check


@lru_cache(maxsize=64)
def wtform_class(key: str) -> type[FlaskForm]:
    """The WTForms class of a procedure form (attachments excluded), built once per key."""
    spec = procedure_form(key)
    if spec is None:
        raise KeyError(key)
    attrs = {f.id: _wtfield(f) for f in spec.input_fields}
    return type(f"ProcedureForm_{key}", (FlaskForm,), attrs)


def field_value_text(spec: FieldDef, value) -> str:
    """A stored field value as the applicant and the clerk read it."""
    if value is None or value == "":
        return ""
    if spec.type == "boolean":
        return str(_l("Yes")) if value else str(_l("No"))
    if spec.type == "choice":
        return str(dict(spec.options).get(value, value))
    return str(value)
