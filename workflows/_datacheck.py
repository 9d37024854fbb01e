"""Size and type checks for data that sandboxed code hands back to the engine."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from workflows.errors import ExpressionError

MAX_DATA_UNITS = 500_000  # roughly bytes: characters of text plus 8 per other value
MAX_DEPTH = 50

_LEAVES = (type(None), bool, int, float, Decimal, date, time, timedelta)
_CONTAINERS = (list, tuple, dict, set, frozenset)


def _children(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    return list(value)


class UnsavableValue(ExpressionError):
    """check_data found a value of a type that cannot be saved (a function, a range, ...)."""

    def __init__(self, message: str, type_name: str) -> None:
        super().__init__(message)
        self.type_name = type_name


def check_data(data: dict[str, Any], *, storable: bool) -> None:
    """Refuse data above MAX_DATA_UNITS or MAX_DEPTH; with storable, also unsavable values."""
    units = 0
    # Iterative walk with an explicit stack: sandboxed code can build self-referencing or
    # very deep structures, which a recursive walk would not survive.
    stack: list[tuple[str, Any, int]] = [(str(k), v, 1) for k, v in data.items()]
    while stack:
        name, value, depth = stack.pop()
        units += len(value) if isinstance(value, str) else 8
        if units > MAX_DATA_UNITS:
            raise ExpressionError(_("The data produced is too large."))
        if depth > MAX_DEPTH:
            raise ExpressionError(_("The data produced is nested too deeply."))
        if isinstance(value, _CONTAINERS):
            stack.extend((name, child, depth + 1) for child in _children(value))
        elif storable and not isinstance(value, (str, *_LEAVES)):
            raise UnsavableValue(_(
                "Variable '%(name)s' holds a value that cannot be saved (%(type)s); "
                "convert it with list(), str() or int().", name=name, type=type(value).__name__),
                type(value).__name__)


def check_value(value: Any) -> None:
    """Refuse a value an expression gives if it is too large or not plain data.

    Plain data only, so that the value is the same whether the expression ran in this
    process or in a sandbox process (whose answers are unpickled as plain data only).
    """
    try:
        check_data({"result": value}, storable=True)
    except UnsavableValue as exc:
        raise ExpressionError(_("The expression gives a value that cannot be used (%(type)s).",
                                type=exc.type_name)) from None
