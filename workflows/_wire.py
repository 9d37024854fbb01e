"""What crosses between the parent and a sandbox process, seen from the parent.

- Requests: pickled by ``DataPickler``; values in the case data that are not plain data
  (which sandboxed code cannot use anyway) travel as ``Opaque`` placeholders, subclasses of
  str/int/dict/... as their base type.
- Answers: unpickled by a restricted Unpickler that knows only the plain data classes, then
  checked with ``check_data``, so even a child that escaped RestrictedPython cannot hand
  the parent an object or an exponentially shared structure.
- Messages arrive as (msgid, params), as the child's code passed them to gettext, and are
  translated here, in the caller's request and locale.
"""

from __future__ import annotations

import io
import pickle
import re
from datetime import date, datetime, timedelta, timezone
from datetime import time as dt_time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from workflows._datacheck import check_data, check_value
from workflows._sandbox_child import Opaque
from workflows.errors import ExpressionError

_PLAIN_CLASSES = frozenset({
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"), ("decimal", "Decimal"),
    ("zoneinfo", "ZoneInfo"),
})
_PLAIN_TYPES = frozenset({date, datetime, dt_time, timedelta, timezone, Decimal, ZoneInfo})
_BASES = (str, int, float, list, tuple, dict, set, frozenset)
_PICKLED_CLASSES = frozenset({*_PLAIN_TYPES, *_BASES, Opaque})
_ZONE_UNPICKLE = ZoneInfo._unpickle
_PLACEHOLDER = re.compile(r"%(?:%|\(\w+\)[sd])")


class DataPickler(pickle.Pickler):
    """Pickles the parent's data; values that are not plain data travel as Opaque."""

    def reducer_override(self, obj: Any) -> Any:
        # Not called for exact None/bool/int/float/str/bytes/list/tuple/dict/set/frozenset;
        # called for the classes that reductions name, too.
        if type(obj) in _PLAIN_TYPES or (isinstance(obj, type) and obj in _PICKLED_CLASSES) \
                or obj is getattr or _is_zone_unpickle(obj):
            return NotImplemented  # a ZoneInfo reduces to getattr(ZoneInfo, "_unpickle")(…)
        for base in _BASES:
            if isinstance(obj, base):  # a subclass (an enum, a Markup string) as its base
                return base, (base(obj),)
        return Opaque, (type(obj).__name__,)


def _is_zone_unpickle(obj: Any) -> bool:
    # Each access to ZoneInfo._unpickle makes a new bound method, so it cannot be compared by
    # identity; and ``==`` would run the __eq__ of whatever value the case data holds. The
    # exact type is checked first, so no code of the value's class runs.
    return type(obj) is type(_ZONE_UNPICKLE) and obj.__self__ is ZoneInfo \
        and obj.__name__ == "_unpickle"


def _zone_getattr(owner: Any, name: str) -> Any:
    # An aware datetime from now() pickles its ZoneInfo as getattr(ZoneInfo, "_unpickle")(…);
    # that one attribute is all an answer may reach this way.
    if owner is ZoneInfo and name == "_unpickle":
        return ZoneInfo._unpickle
    raise pickle.UnpicklingError(f"attribute {name!r} is not plain data")


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _zone_getattr
        if (module, name) in _PLAIN_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


class SandboxFault(ExpressionError):
    """The child's answer was not an ordinary result or ExpressionError: do not reuse it."""


def decode(answer: bytes, mode: str) -> Any:
    """Read a child's answer: its value (plain data, checked again) or its ExpressionError.

    Raises SandboxFault for anything but a value or an ordinary ExpressionError ("error"):
    a "failed" answer (out of memory, unreadable request) or a malformed answer.
    """
    try:
        status, value = _PlainUnpickler(io.BytesIO(answer)).load()
    except Exception as exc:  # noqa: BLE001 - anything unreadable is the same failure
        raise SandboxFault(_("The expression stopped its sandbox process.")) from exc
    if status == "error":
        raise ExpressionError(translate(value))
    if status == "failed":
        raise SandboxFault(translate(value))
    if status != "ok":
        raise SandboxFault(_("The expression stopped its sandbox process."))
    if mode == "exec":
        if not isinstance(value, dict):
            raise SandboxFault(_("The expression stopped its sandbox process."))
        check_data(value, storable=True)
    else:
        check_value(value)
    return value


def translate(message: Any) -> str:
    """Translate a (msgid, params) message from a child; refuse anything else."""
    if isinstance(message, tuple) and len(message) == 2 and isinstance(message[0], str) \
            and isinstance(message[1], dict) and len(message[0]) <= 500 \
            and not _PLACEHOLDER.sub("", message[0]).count("%"):
        params = {str(k): translate(v) if isinstance(v, tuple) else v
                  for k, v in message[1].items() if isinstance(v, (tuple, str, int))}
        try:
            return _(message[0], **params)[:4000]
        except (KeyError, TypeError, ValueError):
            pass
    elif isinstance(message, (str, int)):
        return str(message)[:4000]
    return _("The expression stopped its sandbox process.")
