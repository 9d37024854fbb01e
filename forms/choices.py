"""Select options in the form WTForms 3.3 wants (SelectChoice, not tuples)."""

from collections.abc import Iterable

from wtforms import SelectChoice


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """[(value, label), …] → [SelectChoice(value, label), …]."""
    return [SelectChoice(value, label) for value, label in pairs]
