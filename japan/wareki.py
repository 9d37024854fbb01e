"""Japanese era dates (和暦): 令和7年1月6日, R7, 令和7年度."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from japan.calendar import fiscal_year, to_jst


class Era(NamedTuple):
    """One era with its first day in the Gregorian calendar."""

    name: str
    letter: str
    start: date


# Newest first. Dates before 明治 (1868-10-23) are labelled 明治 too: the back office never
# handles them, and a label beats an exception in a printed ledger.
ERAS: tuple[Era, ...] = (
    Era("令和", "R", date(2019, 5, 1)),
    Era("平成", "H", date(1989, 1, 8)),
    Era("昭和", "S", date(1926, 12, 25)),
    Era("大正", "T", date(1912, 7, 30)),
    Era("明治", "M", date(1868, 10, 23)),
)


def era_of(d: date) -> Era:
    """Return the era in effect on d."""
    for era in ERAS:
        if d >= era.start:
            return era
    return ERAS[-1]


def era_year(d: date) -> tuple[str, int]:
    """Return (era name, year in era) for d, e.g. ("令和", 7)."""
    era = era_of(d)
    return era.name, max(d.year - era.start.year + 1, 1)


def _year_text(year: int) -> str:
    return "元" if year == 1 else str(year)


def format_wareki(d: date) -> str:
    """Format d as 令和7年1月6日 (令和元年5月1日 for the first year)."""
    name, year = era_year(d)
    return f"{name}{_year_text(year)}年{d.month}月{d.day}日"


def era_short(d: date) -> str:
    """Return the short era form of d's year, e.g. R7, H31, S64."""
    era = era_of(d)
    return f"{era.letter}{era_year(d)[1]}"


def _fiscal_anchor(fy: int) -> date:
    # Convention: a fiscal year takes the era in effect at the end of the calendar year it starts
    # in. So FY2019 (from 2019-04-01, still 平成31) is 令和元年度 = R1, as the city used it after
    # May 2019, while FY1988 (to 1989-03-31, already 平成) stays 昭和63年度.
    return date(fy, 12, 31)


def fiscal_era_short(d: date) -> str:
    """Return the short era form of d's fiscal year: 2026-03-31 → R7, 2026-04-01 → R8."""
    return era_short(_fiscal_anchor(fiscal_year(d)))


def format_fiscal_year(fy: int) -> str:
    """Format fiscal year fy as 令和7年度 (令和元年度 for FY2019)."""
    name, year = era_year(_fiscal_anchor(fy))
    return f"{name}{_year_text(year)}年度"


def format_date_ja(d: date) -> str:
    """Format d as 2025-01-06（令和7年1月6日）."""
    return f"{d.isoformat()}（{format_wareki(d)}）"


def format_datetime_ja(dt: datetime) -> str:
    """Format dt in Tokyo time as 2025-01-06 09:30（令和7年1月6日）; naive means UTC."""
    local = to_jst(dt)
    return f"{local:%Y-%m-%d %H:%M}（{format_wareki(local.date())}）"
