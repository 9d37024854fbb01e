"""Fiscal years, office business days and Tokyo time for Japanese city offices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import jpholiday

JST = ZoneInfo("Asia/Tokyo")

# Japanese municipal offices close for the year-end/new-year holidays (年末年始, 12/29–1/3)
# under their holiday ordinances (休日を定める条例); these are not national holidays.
_YEAR_END_START = (12, 29)
_NEW_YEAR_END = (1, 3)


def fiscal_year(d: date) -> int:
    """Return the fiscal year (年度, April–March) containing d; 2026-03-31 → 2025."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_bounds(fy: int) -> tuple[date, date]:
    """Return the first and last day of fiscal year fy (April 1 to March 31)."""
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def is_year_end_closure(d: date) -> bool:
    """Return True from December 29 to January 3, when city offices are closed."""
    md = (d.month, d.day)
    return md >= _YEAR_END_START or md <= _NEW_YEAR_END


@lru_cache(maxsize=4096)
def is_business_day(d: date) -> bool:
    """Return True if a ward office is open on d (weekday, not a holiday, not year end)."""
    if d.weekday() >= 5 or is_year_end_closure(d):
        return False
    # jpholiday covers national holidays including substitute (振替休日) and citizens' holidays.
    return not jpholiday.is_holiday(d)


def next_business_day(d: date) -> date:
    """Return d if it is a business day, otherwise the next business day."""
    while not is_business_day(d):
        d += timedelta(days=1)
    return d


def add_business_days(d: date, n: int) -> date:
    """Return the n-th business day after d; n=0 gives d or the next business day."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if n == 0:
        return next_business_day(d)
    while n:
        d += timedelta(days=1)
        if is_business_day(d):
            n -= 1
    return d


def business_days_between(a: date, b: date) -> int:
    """Count business days d with a < d <= b (negative if b is before a)."""
    if b < a:
        return -business_days_between(b, a)
    return sum(is_business_day(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


def now_utc() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_jst(dt: datetime) -> datetime:
    """Convert dt to Asia/Tokyo; a naive datetime is taken to be UTC (how we store times)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(JST)
