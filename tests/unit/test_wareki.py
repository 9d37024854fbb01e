"""Era dates as a clerk reads them on receipts and ledgers."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from japan.wareki import (
    era_short,
    era_year,
    fiscal_era_short,
    format_date_ja,
    format_datetime_ja,
    format_fiscal_year,
    format_wareki,
)


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 1, 6), "令和7年1月6日"),
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
        (date(1912, 7, 29), "明治45年7月29日"),
        (date(1912, 7, 30), "大正元年7月30日"),
        (date(1868, 1, 1), "明治元年1月1日"),
    ],
)
def test_format_wareki_era_boundaries(d: date, expected: str) -> None:
    assert format_wareki(d) == expected


def test_era_year_and_short_form() -> None:
    assert era_year(date(2025, 1, 6)) == ("令和", 7)
    assert era_short(date(2025, 1, 6)) == "R7"
    assert era_short(date(2019, 4, 30)) == "H31"
    assert era_short(date(1989, 1, 7)) == "S64"
    assert era_short(date(1920, 1, 1)) == "T9"
    assert era_short(date(1900, 1, 1)) == "M33"


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 3, 31), "R7"),
        (date(2026, 4, 1), "R8"),
        (date(2019, 4, 1), "R1"),  # 平成31年4月1日, but the fiscal year is 令和元年度
        (date(2020, 3, 31), "R1"),
        (date(2019, 3, 31), "H30"),
        (date(1989, 3, 31), "S63"),
    ],
)
def test_fiscal_era_short(d: date, expected: str) -> None:
    assert fiscal_era_short(d) == expected


def test_format_fiscal_year() -> None:
    assert format_fiscal_year(2025) == "令和7年度"
    assert format_fiscal_year(2019) == "令和元年度"
    assert format_fiscal_year(1989) == "平成元年度"


def test_format_date_ja_uses_full_width_parentheses() -> None:
    assert format_date_ja(date(2025, 1, 6)) == "2025-01-06（令和7年1月6日）"


def test_format_datetime_ja_converts_to_tokyo() -> None:
    utc = datetime(2025, 1, 6, 0, 30, tzinfo=UTC)
    assert format_datetime_ja(utc) == "2025-01-06 09:30（令和7年1月6日）"
    # 16:00 UTC on 30 April is already 1 May, the first day of 令和, in Tokyo.
    late = datetime(2019, 4, 30, 16, 0, tzinfo=UTC)
    assert format_datetime_ja(late) == "2019-05-01 01:00（令和元年5月1日）"


def test_format_datetime_ja_other_zone_and_naive_utc() -> None:
    paris = datetime(2025, 1, 6, 1, 30, tzinfo=timezone(timedelta(hours=1)))
    assert format_datetime_ja(paris) == "2025-01-06 09:30（令和7年1月6日）"
    assert format_datetime_ja(datetime(2025, 1, 6, 0, 30)) == "2025-01-06 09:30（令和7年1月6日）"
