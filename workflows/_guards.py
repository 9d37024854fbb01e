"""Run-time guards for sandboxed code: attribute allow-lists and size-checked operators."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from workflows.errors import ExpressionError

MAX_SEQUENCE = 100_000  # longest str/list/tuple one operation may build
MAX_INT_BITS = 8_192  # about 2,500 decimal digits
MAX_ALLOCATED = 2_000_000  # characters/items all operations of one call may build together
MAX_FORMAT_NUMBER = 1_000  # widths and precisions in format specs
MAX_DECIMAL_EXPONENT = 1_000  # Decimal('1e1000') is plenty for yen amounts

_SIZED = (str, bytes, list, tuple, dict, set, frozenset)

_STR_ATTRS = frozenset({
    "capitalize", "casefold", "center", "count", "endswith", "find", "index", "isalnum",
    "isalpha", "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper",
    "join", "ljust", "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace",
    "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines",
    "startswith", "strip", "swapcase", "title", "upper", "zfill",
})
_LIST_ATTRS = frozenset({
    "append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove",
    "reverse", "sort",
})
_DICT_ATTRS = frozenset({
    "clear", "copy", "get", "items", "keys", "pop", "setdefault", "update", "values",
})
_SET_ATTRS = frozenset({
    "add", "clear", "copy", "difference", "discard", "intersection", "isdisjoint", "issubset",
    "issuperset", "pop", "remove", "symmetric_difference", "union", "update",
})
_DATE_ATTRS = frozenset({
    "year", "month", "day", "weekday", "isoweekday", "isoformat", "isocalendar", "replace",
    "strftime", "toordinal",
})
_TIME_ATTRS = frozenset({
    "hour", "minute", "second", "microsecond", "isoformat", "replace", "strftime",
})
# Instances only: datetime.now/date.today would read the wall clock behind the engine clock.
_ATTRS_BY_TYPE: tuple[tuple[type, frozenset[str]], ...] = (
    (str, _STR_ATTRS),
    (list, _LIST_ATTRS),
    (dict, _DICT_ATTRS),
    ((set, frozenset), _SET_ATTRS),  # type: ignore[arg-type]
    (tuple, frozenset({"count", "index"})),
    (datetime, _DATE_ATTRS | _TIME_ATTRS | {"date", "time", "astimezone", "timestamp"}),
    (date, _DATE_ATTRS),
    (time, _TIME_ATTRS),
    (timedelta, frozenset({"days", "seconds", "microseconds", "total_seconds"})),
    (Decimal, frozenset({"quantize", "to_integral_value", "is_signed", "is_zero"})),
    (bool, frozenset()),
    ((int, float), frozenset({"is_integer"})),  # type: ignore[arg-type]
)
_CLASS_ATTRS: dict[type, frozenset[str]] = {
    date: frozenset({"fromisoformat", "fromordinal", "min", "max"}),
    datetime: frozenset({"fromisoformat", "combine", "min", "max"}),
    timedelta: frozenset({"min", "max"}),
}
_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[^a-zA-Z%]*")
_NUMBER = re.compile(r"\d+")


def refuse(reason: str) -> ExpressionError:
    """Build the error raised when sandboxed code asks for something it may not do."""
    return ExpressionError(_("Expression refused: %(reason)s", reason=reason))


def check_decimal(value: Any) -> Any:
    """Refuse Decimal values whose exponent would make later conversions explode."""
    if (isinstance(value, Decimal) and value.is_finite() and value
            and abs(value.adjusted()) > MAX_DECIMAL_EXPONENT):
        raise refuse(_("number would be too large"))
    return value


def _allowed_attrs(obj: Any) -> frozenset[str]:
    if isinstance(obj, type):
        return _CLASS_ATTRS.get(obj, frozenset())
    for kind, names in _ATTRS_BY_TYPE:
        if isinstance(obj, kind):
            return names
    return frozenset()


def _check_spec_numbers(spec: str) -> None:
    if "*" in spec or any(int(n) > MAX_FORMAT_NUMBER for n in _NUMBER.findall(spec)):
        raise refuse(_("format width or precision is too large"))


class Guards:
    """The guard functions for one sandboxed call, sharing one allocation budget."""

    def __init__(self) -> None:
        self.allocated = 0

    def charge(self, size: int) -> None:
        """Count size characters/items against the call's allocation budget."""
        if size > MAX_SEQUENCE:
            raise refuse(_("result would be too large"))
        self.allocated += size
        if self.allocated > MAX_ALLOCATED:
            raise refuse(_("the expression builds too much data"))

    def built(self, value: Any) -> Any:
        """Charge a freshly built value by its length and return it."""
        if isinstance(value, _SIZED):
            self.charge(len(value))
        return value

    def mul(self, a: Any, b: Any) -> Any:
        """a * b, refusing huge repeated sequences and huge integers."""
        if isinstance(a, int) and isinstance(b, _SIZED):
            a, b = b, a
        if isinstance(a, _SIZED) and isinstance(b, int):
            self.charge(len(a) * max(b, 0))
        elif isinstance(a, int) and isinstance(b, int):
            self._check_bits(a.bit_length() + b.bit_length())
        return check_decimal(a * b)

    def pow(self, a: Any, b: Any) -> Any:
        """a ** b, refusing integer results beyond MAX_INT_BITS before computing them."""
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
            self._check_bits(a.bit_length() * b)
        return check_decimal(a**b)

    def lshift(self, a: Any, b: Any) -> Any:
        """a << b with the same integer size limit."""
        if isinstance(a, int) and isinstance(b, int) and b > 0:
            self._check_bits(a.bit_length() + b)
        return a << b

    def add(self, a: Any, b: Any) -> Any:
        """a + b, counting concatenated sequences against the budget."""
        if isinstance(a, _SIZED) and isinstance(b, _SIZED):
            self.charge(len(a) + len(b))
        return a + b

    def mod(self, a: Any, b: Any) -> Any:
        """a % b; for '%' string formatting, refuse huge widths and precisions."""
        if isinstance(a, str):
            for spec in _PERCENT_SPEC.findall(a):
                _check_spec_numbers(spec)
            for arg in b if isinstance(b, tuple) else (b,):
                check_decimal(arg)
            return self.built(a % b)
        return a % b

    def _check_bits(self, bits: int) -> None:
        if bits > MAX_INT_BITS:
            raise refuse(_("number would be too large"))

    def inplace(self, op: str, a: Any, b: Any) -> Any:
        """Implement augmented assignment (x += y) through the same guarded operators."""
        guarded: dict[str, Callable[[Any, Any], Any]] = {
            "+=": self.add, "*=": self.mul, "**=": self.pow, "<<=": self.lshift, "%=": self.mod,
            "-=": operator.sub, "/=": operator.truediv, "//=": operator.floordiv,
            ">>=": operator.rshift, "|=": operator.or_, "&=": operator.and_, "^=": operator.xor,
        }
        if op not in guarded:
            raise refuse(op)
        return guarded[op](a, b)

    def format_value(self, value: Any, spec: str, conversion: int) -> str:
        """Format one f-string field ({x!r:>10}), refusing huge widths and precisions."""
        _check_spec_numbers(spec)
        convert = _CONVERSIONS.get(conversion)
        return self.built(format(convert(value) if convert else value, spec))

    def getattr(self, obj: Any, name: str, *default: Any) -> Any:
        """Attribute access: only allow-listed, non-private attributes of known types."""
        if name.startswith("_") or name not in _allowed_attrs(obj):
            raise refuse(_("attribute '%(name)s' is not available", name=name))
        value = getattr(obj, name)
        return self._wrap_method(obj, name, value) if callable(value) else value

    def _wrap_method(self, obj: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def checked(*args: Any, **kwargs: Any) -> Any:
            self._precheck(obj, name, args)
            result = method(*args, **kwargs)
            # String methods and copy() build new values; the others return existing ones.
            return self.built(result) if isinstance(obj, str) or name == "copy" else result

        return checked

    def _precheck(self, obj: Any, name: str, args: tuple[Any, ...]) -> None:
        # Methods that can grow data far beyond their inputs are checked before they run.
        if name in ("ljust", "rjust", "center", "zfill") and args and isinstance(args[0], int):
            self.charge(args[0])
        elif name == "replace" and len(args) >= 2 and isinstance(obj, str):
            self.charge(len(obj) + (len(obj) + 1) * len(str(args[1])))
        elif name == "join" and args:
            self._precheck_join(obj, args[0])
        elif name in ("extend", "update", "insert", "append", "add") and isinstance(obj, _SIZED):
            extra = args[-1] if args else ()
            added = len(extra) if name in ("extend", "update") and isinstance(extra, _SIZED) else 1
            if len(obj) + added > MAX_SEQUENCE:
                raise refuse(_("result would be too large"))
            self.charge(added)

    def _precheck_join(self, sep: str, parts: Any) -> None:
        if not isinstance(parts, (list, tuple)):
            raise refuse(_("join() needs a list"))
        lengths = [len(p) for p in parts if isinstance(p, str)]
        self.charge(sum(lengths) + len(sep) * max(len(parts) - 1, 0))

    def getitem(self, obj: Any, key: Any) -> Any:
        """Item access on plain containers; slices are charged like new sequences."""
        if not isinstance(obj, (dict, list, tuple, str, range)):
            raise refuse(_("items of this value are not available"))
        value = obj[key]
        return self.built(value) if isinstance(key, slice) else value

    def write(self, obj: Any) -> Any:
        """Allow item assignment and deletion on dicts, lists and sets only."""
        if isinstance(obj, (dict, list, set)):
            return obj
        raise refuse(_("this value cannot be changed"))

    @staticmethod
    def getiter(obj: Any) -> Iterable[Any]:
        """Iteration guard: plain iteration is harmless once attributes are guarded."""
        return iter(obj)

    @staticmethod
    def apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call with *args/**kwargs (RestrictedPython routes such calls through here)."""
        return func(*args, **kwargs)
