"""Helpers for portal templates: fields grouped as the form shows them (姓・名 together)."""

from __future__ import annotations

from dataclasses import dataclass, field

from forms.application_fields import FieldDef, ProcedureForm


@dataclass
class Block:
    group: str
    fields: list[FieldDef] = field(default_factory=list)


def blocks(spec: ProcedureForm, only: set[str] | None = None) -> list[Block]:
    """Consecutive fields of the same group in one block; ungrouped fields alone."""
    out: list[Block] = []
    for spec_field in spec.fields:
        if only is not None and spec_field.id not in only:
            continue
        group = str(spec_field.group or "")
        if group and out and out[-1].group == group:
            out[-1].fields.append(spec_field)
        else:
            out.append(Block(group, [spec_field]))
    return out


def apply_errors(form, errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Put an operation's per-field messages on the form; returns those for other fields."""
    rest = {}
    for name, messages in errors.items():
        if name in form:
            form[name].errors = list(messages)
        else:
            rest[name] = list(messages)
    return rest
