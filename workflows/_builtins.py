"""The names sandboxed code may use: safe builtins, date helpers and the guard functions."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from japan import calendar as jp_calendar
from japan.wareki import format_wareki
from workflows._clock import JST, current_date, current_time
from workflows._guards import MAX_SEQUENCE, Guards, check_decimal, refuse

MAX_BUSINESS_DAYS = 3_660  # about ten years of business days


def _as_date(value: date) -> date:
    # Aware datetimes are read in Japanese time: a deadline is a day at the ward office.
    if isinstance(value, datetime):
        return (value.astimezone(JST) if value.tzinfo else value).date()
    if not isinstance(value, date):
        raise refuse(_("a date is needed"))
    return value


def add_business_days(d: date, n: int) -> date:
    """Return the n-th ward-office business day after d (0 <= n <= 3660)."""
    if not isinstance(n, int) or not 0 <= n <= MAX_BUSINESS_DAYS:
        raise refuse(_("the number of business days must be between 0 and %(max)d",
                       max=MAX_BUSINESS_DAYS))
    return jp_calendar.add_business_days(_as_date(d), n)


def is_business_day(d: date) -> bool:
    """Return True if the ward office is open on d."""
    return jp_calendar.is_business_day(_as_date(d))


def fiscal_year(d: date) -> int:
    """Return the fiscal year (April to March) containing d."""
    return jp_calendar.fiscal_year(_as_date(d))


def wareki(d: date) -> str:
    """Format d in the Japanese era, e.g. 令和7年1月6日."""
    return format_wareki(_as_date(d))


def today() -> date:
    """Return today's date in Japan by the engine clock."""
    return current_date()


def now() -> datetime:
    """Return the engine clock's time in Japan."""
    return current_time().astimezone(JST)


def bounded_range(*args: int) -> range:
    """range() that refuses more than MAX_SEQUENCE items."""
    result = range(*args)
    if len(result) > MAX_SEQUENCE:
        raise refuse(_("range is too long"))
    return result


def checked_decimal(value: Any = "0") -> Decimal:
    """Decimal() that refuses astronomically large or small exponents."""
    return check_decimal(Decimal(value))


def _safe_sum(values: Iterable[Any], start: Any = 0) -> Any:
    # sum(lists, []) would concatenate in C, out of reach of the guards.
    if not isinstance(start, (int, float, Decimal)):
        raise refuse(_("sum() only adds numbers"))
    return sum(values, start)


def _safe_int(value: Any = 0, *base: int) -> int:
    return int(check_decimal(value), *base)


_FIXED: dict[str, Any] = {
    "None": None, "True": True, "False": False,
    "len": len, "min": min, "max": max, "abs": abs, "round": round, "any": any, "all": all,
    "float": float, "bool": bool, "sum": _safe_sum, "int": _safe_int, "range": bounded_range,
    "date": date, "datetime": datetime, "timedelta": timedelta, "Decimal": checked_decimal,
    "add_business_days": add_business_days, "is_business_day": is_business_day,
    "fiscal_year": fiscal_year, "wareki": wareki, "today": today, "now": now,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
}


def _charged(guards: Guards, func: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return guards.built(func(*args, **kwargs))

    return call


def make_builtins(guards: Guards) -> dict[str, Any]:
    """Build the __builtins__ mapping for one sandboxed call."""
    names = dict(_FIXED)
    for name, func in (("str", str), ("list", list), ("tuple", tuple), ("sorted", sorted),
                       ("set", set), ("dict", dict)):
        names[name] = _charged(guards, func)
    names.update({
        "_getattr_": guards.getattr, "_getitem_": guards.getitem, "_getiter_": guards.getiter,
        "_write_": guards.write, "_inplacevar_": guards.inplace, "_apply_": guards.apply,
        "_mul_": guards.mul, "_pow_": guards.pow, "_lshift_": guards.lshift,
        "_add_": guards.add, "_mod_": guards.mod, "_format_": guards.format_value,
    })
    return names
