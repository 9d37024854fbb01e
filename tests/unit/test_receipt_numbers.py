"""Receipt number formats: era and fiscal year, serial width, and formats that cannot work."""

from datetime import date
from types import SimpleNamespace

import pytest

from workflows.forwarding.numbering import (
    DEFAULT_FORMAT,
    NumberFormatError,
    check_format,
    format_number,
)

DAISHI = SimpleNamespace(short_name="大師", code="DAISHI")


@pytest.mark.parametrize(("day", "serial", "expected"), [
    (date(2025, 4, 1), 12, "大師-R7-HK-00012"),
    (date(2026, 3, 31), 99999, "大師-R7-HK-99999"),
    (date(2026, 4, 1), 1, "大師-R8-HK-00001"),
    (date(2019, 4, 1), 1, "大師-R1-HK-00001"),  # 平成31年4月 counts as 令和元年度
    (date(2019, 3, 31), 1, "大師-H30-HK-00001"),
])
def test_default_format_uses_the_fiscal_year_era(day, serial, expected):
    assert format_number(DEFAULT_FORMAT, office=DAISHI, type_code="HK", day=day,
                         serial=serial) == expected


def test_serial_beyond_the_width_still_prints_in_full():
    assert format_number(DEFAULT_FORMAT, office=DAISHI, type_code="HK", day=date(2026, 4, 1),
                         serial=123456) == "大師-R8-HK-123456"


def test_other_fields_are_available():
    fmt = "{branch_code}-{fy}-{type}-{serial:04d}"
    assert format_number(fmt, office=DAISHI, type_code="KN", day=date(2026, 5, 1),
                         serial=7) == "DAISHI-2026-KN-0007"


@pytest.mark.parametrize("fmt", [
    "{branch}-{serial:05d}",            # no type: two types would share numbers
    "{branch}-{type}-{serial:05d}",     # no fiscal year: April would repeat March's numbers
    "{branch}-{era_fy}-{type}",         # no serial
    "{branch}-{era_fy}-{type}-{nope}-{serial}",
    "{branch",
])
def test_formats_that_cannot_give_unique_numbers_are_refused(fmt):
    with pytest.raises(NumberFormatError):
        check_format(fmt)


def test_numbers_longer_than_the_column_are_refused():
    with pytest.raises(NumberFormatError):
        format_number("{type}-{era_fy}-{serial}-" + "x" * 40, office=DAISHI, type_code="HK",
                      day=date(2026, 4, 1), serial=1)
