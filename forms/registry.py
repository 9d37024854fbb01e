"""Form keys (camunda:formKey in BPMN) resolved to WTForms classes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from forms.dynamic import form_class

FORMS: dict[str, type[FlaskForm]] = {}


def register(key: str) -> Callable[[type[FlaskForm]], type[FlaskForm]]:
    """Class decorator: make a form available to BPMN user tasks under key."""

    def decorator(cls: type[FlaskForm]) -> type[FlaskForm]:
        FORMS[key] = cls
        return cls

    return decorator


def known_keys() -> set[str]:
    """Every registered form key (deploy validation checks BPMN against these)."""
    _load_builtin_forms()
    return set(FORMS)


def resolve(form_key: str | None, fields: Sequence = ()) -> type[FlaskForm]:
    """The form class for a task: its registered key, else one built from its fields."""
    _load_builtin_forms()
    if form_key and form_key in FORMS:
        return FORMS[form_key]
    return form_class(tuple(fields))


def to_formdata(data: dict) -> MultiDict:
    """Turn JSON task data into form input, so the API and the UI share validators."""
    items = []
    for key, value in (data or {}).items():
        if isinstance(value, bool):
            if value:
                items.append((key, "y"))
        elif isinstance(value, list):
            items.extend((key, "" if v is None else str(v)) for v in value)
        elif value is not None:
            items.append((key, str(value)))
    return MultiDict(items)


def form_output(form: FlaskForm) -> dict:
    """Validated form data as JSON-able case data (dates as ISO strings)."""
    out = {}
    for name, field in form._fields.items():
        if name == "csrf_token" or field.type in ("SubmitField", "FileField"):
            continue
        value = field.data
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def _load_builtin_forms() -> None:
    # Feature form modules register themselves on import; importing here keeps the
    # registry complete without import-time side effects elsewhere.
    import forms.forwarding_tasks  # noqa: F401
    import forms.tasks  # noqa: F401
