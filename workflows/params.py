"""Values from requests that reach SQL or date arithmetic: ids, page numbers, dates, codes.

One place for the bounds, so that every route gets them:

- integers: PostgreSQL's BIGINT and SQLite's INTEGER are 64-bit; a larger Python int bound as
  a parameter makes the driver raise (``OverflowError``/``DataError``), which was a 500;
- dates: ``date.max + timedelta(days=1)`` overflows, and filters and deadlines add days, so
  dates are kept to years any ward-office record can have (from 明治, as in 戸籍 extracts
  of 相続 cases, to 2199);
- codes (office, department, document type): only strings are codes; a list or an object
  bound as a parameter breaks the statement.
"""

from __future__ import annotations

from datetime import date
from typing import Any

MAX_ID = 2**63 - 1
MAX_PAGE = 100_000  # far past any list's end; keeps LIMIT/OFFSET small
MAX_LIMIT = 500
DATE_MIN = date(1868, 1, 1)
DATE_MAX = date(2199, 12, 31)
MAX_CODE = 40


def db_id(value: Any) -> int | None:
    """A positive 64-bit id from ASCII digits or an int; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not (value.isascii() and value.isdigit()) or len(value) > 19:
            return None
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


def _count(value: Any, maximum: int) -> int | None:
    """Non-negative ASCII digits as an int capped at maximum (never parsing a huge string)."""
    text = str(value if value is not None else "").strip().lstrip("0") or "0"
    if not (text.isascii() and text.isdigit()):
        return None
    return int(text) if len(text) <= len(str(maximum)) and int(text) <= maximum else maximum


def page_number(value: Any) -> int:
    """The page asked for, clamped to 1..MAX_PAGE; anything unreadable is page 1."""
    return max(_count(value, MAX_PAGE) or 1, 1)


def limit(value: Any, default: int, maximum: int = MAX_LIMIT) -> int:
    """A LIMIT from a query parameter: 1..maximum, the default when unreadable or zero."""
    return _count(value, maximum) or default


def in_date_range(day: date) -> bool:
    return DATE_MIN <= day <= DATE_MAX


def iso_date(value: Any) -> date | None:
    """A YYYY-MM-DD date within DATE_MIN..DATE_MAX; None when it is not one (or not text)."""
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    return day if in_date_range(day) else None


def date_error(text: str) -> str | None:
    """Why text is no date this application accepts (translated), or None when it is one."""
    from flask_babel import gettext as _

    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return _("Enter a date as YYYY-MM-DD.")
    return None if in_date_range(day) else _("Enter a date within the allowed range.")


def date_field(value: Any, name: str, errors: dict[str, list[str]], *,
               required: bool = False) -> date | None:
    """One date of a form, filter or JSON body, parsed once: YYYY-MM-DD (full-width digits
    too) within DATE_MIN..DATE_MAX; a problem goes into errors[name] and gives None."""
    from flask_babel import gettext as _

    from japan.text import normalize_digits

    text = normalize_digits(str(value)) if value is not None else ""
    if not text:
        if required:
            errors[name] = [_("Enter a date.")]
        return None
    problem = date_error(text)
    if problem:
        errors[name] = [problem]
        return None
    return date.fromisoformat(text)


def code(value: Any) -> str | None:
    """A code as sent: a non-empty string of at most MAX_CODE characters, else None."""
    if isinstance(value, str) and 0 < len(value) <= MAX_CODE and "\x00" not in value:
        return value
    return None


def not_text(body: dict, *names: str) -> list[str]:
    """The names among ``names`` that ``body`` gives a value other than a string (or null)."""
    return [name for name in names if body.get(name) is not None
            and not isinstance(body[name], str)]
