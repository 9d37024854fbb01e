"""Plain descriptions of user-task form fields, free of SpiffWorkflow types.

``forms/`` builds WTForms from ``FieldSpec`` objects without importing the engine. Field types
are Camunda's: ``string``, ``long``, ``boolean``, ``date`` and ``enum``. Constraints come from
``camunda:validation`` (``required``, ``minlength``, ``maxlength``, ``min``, ``max``,
``readonly``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

FIELD_TYPES = frozenset({"string", "long", "boolean", "date", "enum"})
Number = int | float
Default = str | int | float | bool | date | None


@dataclass(frozen=True)
class FieldSpec:
    """One form field of a user task."""

    id: str
    label: str
    type: str
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    min: Number | date | None = None
    max: Number | date | None = None
    choices: tuple[tuple[str, str], ...] = ()
    default: Default = None
    readonly: bool = False


class FieldSpecError(ValueError):
    """A form field definition cannot be used; the message says what to change."""


def _number(field_id: str, name: str, config: str | None, *, integer: bool) -> Number | None:
    if config is None or config == "":
        raise FieldSpecError(_("Field %(field)s: constraint %(name)s needs a value.",
                               field=field_id, name=name))
    try:
        return int(config) if integer else float(config) if "." in config else int(config)
    except ValueError as exc:
        raise FieldSpecError(_("Field %(field)s: constraint %(name)s must be a number, not "
                               "%(value)s.", field=field_id, name=name, value=config)) from exc


def _parse_date(text: str) -> date:
    # Camunda Modeler writes dd/MM/yyyy for date defaults; ISO dates are accepted too.
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _default(field_id: str, kind: str, raw: str | None) -> Default:
    if raw is None or raw == "":
        return None
    try:
        if kind == "long":
            return int(raw)
        if kind == "boolean":
            return raw.strip().lower() in ("true", "1", "yes")
        if kind == "date":
            return _parse_date(raw.strip())
    except ValueError as exc:
        raise FieldSpecError(_("Field %(field)s: the default value %(value)s does not fit the "
                               "type %(type)s.", field=field_id, value=raw, type=kind)) from exc
    return raw


def _bound(field_id: str, kind: str, name: str, config: str | None) -> Number | date | None:
    if kind != "date":
        return _number(field_id, name, config, integer=False)
    try:
        return _parse_date((config or "").strip())
    except ValueError as exc:
        raise FieldSpecError(_("Field %(field)s: constraint %(name)s must be a date like "
                               "2026-04-01, not %(value)s.", field=field_id, name=name,
                               value=config)) from exc


def _constraints(field: Any, kind: str) -> dict[str, Any]:
    found: dict[str, Any] = {"required": False, "readonly": False}
    for constraint in getattr(field, "validation", []):
        name = (constraint.name or "").lower()
        if name in ("required", "readonly"):
            found[name] = True
        elif name in ("minlength", "maxlength"):
            found[name] = _number(field.id, name, constraint.config, integer=True)
        elif name in ("min", "max"):
            found[name] = _bound(field.id, kind, name, constraint.config)
        else:
            raise FieldSpecError(_("Field %(field)s: unknown constraint %(name)s; use required, "
                                   "minlength, maxlength, min, max or readonly.",
                                   field=field.id, name=constraint.name))
    return found


def field_from_camunda(field: Any) -> FieldSpec:
    """Convert one parsed camunda:formField into a FieldSpec (FieldSpecError if unusable)."""
    field_id = field.id or ""
    kind = field.type or ""
    if not field_id:
        raise FieldSpecError(_("A form field has no id; give every field an id."))
    if kind not in FIELD_TYPES:
        raise FieldSpecError(_("Field %(field)s: type %(type)s is not supported; use string, "
                               "long, boolean, date or enum.", field=field_id, type=kind))
    found = _constraints(field, kind)
    choices = tuple((o.id, o.name or o.id) for o in getattr(field, "options", []))
    if kind == "enum" and not choices:
        raise FieldSpecError(_("Field %(field)s: an enum field needs at least one value.",
                               field=field_id))
    return FieldSpec(
        id=field_id, label=field.label or field_id, type=kind, required=found["required"],
        min_length=found.get("minlength"), max_length=found.get("maxlength"),
        min=found.get("min"), max=found.get("max"), choices=choices,
        default=_default(field_id, kind, field.default_value), readonly=found["readonly"],
    )


def fields_from_form(form: Any) -> tuple[FieldSpec, ...]:
    """Convert a parsed camunda form (task_spec.form) into FieldSpecs, in form order."""
    if form is None:
        return ()
    return tuple(field_from_camunda(field) for field in form.fields)
