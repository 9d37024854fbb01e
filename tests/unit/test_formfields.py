"""Camunda form fields become plain FieldSpec dataclasses."""

from __future__ import annotations

import dataclasses
from datetime import date
from types import SimpleNamespace as NS

import pytest

from workflows.formfields import FieldSpec, FieldSpecError, field_from_camunda, fields_from_form


def field(**kwargs: object) -> NS:
    base = {"id": "f", "label": "ラベル", "type": "string", "default_value": None,
            "validation": [], "options": []}
    base.update(kwargs)
    return NS(**base)


def rule(name: str, config: str | None = None) -> NS:
    return NS(name=name, config=config)


def test_constraints_and_defaults_are_typed() -> None:
    spec = field_from_camunda(field(
        type="long", default_value="5",
        validation=[rule("required"), rule("min", "1"), rule("max", "10"), rule("readonly")]))
    assert spec == FieldSpec(id="f", label="ラベル", type="long", required=True, min=1, max=10,
                             default=5, readonly=True)
    text = field_from_camunda(field(validation=[rule("minlength", "2"), rule("maxlength", "9")]))
    assert (text.min_length, text.max_length, text.required) == (2, 9, False)
    flag = field_from_camunda(field(type="boolean", default_value="true"))
    assert flag.default is True
    day = field_from_camunda(field(type="date", default_value="06/01/2025",
                                   validation=[rule("min", "2025-01-01")]))
    assert (day.default, day.min) == (date(2025, 1, 6), date(2025, 1, 1))


def test_enum_choices_keep_their_order() -> None:
    spec = field_from_camunda(field(type="enum", options=[NS(id="b", name="B"),
                                                          NS(id="a", name=None)]))
    assert spec.choices == (("b", "B"), ("a", "a"))


def test_field_spec_is_frozen_and_plain() -> None:
    spec = field_from_camunda(field())
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.label = "x"  # type: ignore[misc]
    assert spec.label == "ラベル" and spec.default is None
    assert fields_from_form(None) == ()
    assert fields_from_form(NS(fields=[field(id="a"), field(id="b")]))[1].id == "b"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"type": "file"}, "type file"),
    ({"id": ""}, "no id"),
    ({"type": "enum"}, "at least one value"),
    ({"type": "long", "validation": [rule("min", "many")]}, "number"),
    ({"validation": [rule("maxlength", None)]}, "needs a value"),
    ({"validation": [rule("pattern", "x")]}, "unknown constraint"),
    ({"type": "long", "default_value": "abc"}, "default value"),
    ({"type": "date", "validation": [rule("max", "tomorrow")]}, "date"),
])
def test_unusable_fields_say_what_to_change(kwargs: dict, message: str) -> None:
    with pytest.raises(FieldSpecError, match=message):
        field_from_camunda(field(**kwargs))


def test_fields_from_a_parsed_fixture() -> None:
    from pathlib import Path

    from workflows.engine import parse_bundle

    path = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn" / "forwarding.bpmn"
    b = parse_bundle({"forwarding.bpmn": path.read_bytes()})
    (serial, note) = b.user_tasks["number_documents"].fields
    assert (serial.type, serial.required, serial.min, serial.max) == ("long", True, 1, 999999)
    assert (note.max_length, note.default) == (100, None)
    received, complete = b.user_tasks["receive_documents"].fields
    assert received.type == "date" and complete.default is True
    assert b.user_tasks["confirm_return"].fields[1].readonly is True
