"""Fiscal years and ward-office business days."""

from datetime import UTC, date, datetime

import pytest

from japan.calendar import (
    JST,
    add_business_days,
    business_days_between,
    fiscal_year,
    fiscal_year_bounds,
    is_business_day,
    now_utc,
    to_jst,
)


def test_fiscal_year_rolls_over_on_april_first() -> None:
    assert fiscal_year(date(2026, 3, 31)) == 2025
    assert fiscal_year(date(2026, 4, 1)) == 2026
    assert fiscal_year(date(2025, 12, 31)) == 2025
    assert fiscal_year(date(2026, 1, 1)) == 2025


def test_fiscal_year_bounds() -> None:
    assert fiscal_year_bounds(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert fiscal_year_bounds(2027) == (date(2027, 4, 1), date(2028, 3, 31))


@pytest.mark.parametrize(
    ("d", "open_"),
    [
        (date(2025, 5, 2), True),  # Friday between holidays
        (date(2025, 5, 3), False),  # 憲法記念日 (Saturday)
        (date(2025, 5, 5), False),  # こどもの日
        (date(2025, 5, 6), False),  # 振替休日 for みどりの日 on Sunday
        (date(2024, 2, 12), False),  # 振替休日 for 建国記念の日 on Sunday
        (date(2025, 12, 29), False),  # year-end closure, a Monday
        (date(2026, 1, 2), False),  # new-year closure, a Friday
        (date(2026, 1, 5), True),
        (date(2025, 12, 26), True),
    ],
)
def test_is_business_day(d: date, open_: bool) -> None:
    assert is_business_day(d) is open_


def test_add_business_days_across_golden_week() -> None:
    monday = date(2025, 4, 28)
    assert add_business_days(monday, 1) == date(2025, 4, 30)  # 29th is 昭和の日
    assert add_business_days(monday, 3) == date(2025, 5, 2)
    assert add_business_days(monday, 4) == date(2025, 5, 7)  # 3rd–6th closed


def test_add_business_days_across_year_end() -> None:
    assert add_business_days(date(2025, 12, 26), 1) == date(2026, 1, 5)
    assert add_business_days(date(2025, 12, 26), 10) == date(2026, 1, 19)  # 1/12 成人の日


def test_add_zero_business_days() -> None:
    assert add_business_days(date(2025, 5, 2), 0) == date(2025, 5, 2)
    assert add_business_days(date(2025, 5, 3), 0) == date(2025, 5, 7)


def test_add_negative_business_days_is_refused() -> None:
    with pytest.raises(ValueError):
        add_business_days(date(2025, 5, 2), -1)


def test_business_days_between_matches_add() -> None:
    start = date(2025, 4, 28)
    assert business_days_between(start, date(2025, 5, 7)) == 4
    assert business_days_between(start, start) == 0
    assert business_days_between(date(2025, 5, 7), start) == -4
    assert business_days_between(date(2025, 12, 26), date(2026, 1, 5)) == 1


def test_to_jst_and_now_utc() -> None:
    assert to_jst(datetime(2025, 1, 5, 15, 0, tzinfo=UTC)) == datetime(2025, 1, 6, 0, 0, tzinfo=JST)
    assert to_jst(datetime(2025, 1, 5, 15, 0)).hour == 0  # naive is taken as UTC
    now = now_utc()
    assert now.utcoffset() is not None and now.utcoffset().total_seconds() == 0
