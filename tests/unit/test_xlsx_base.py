"""The Excel base: ledgers open in Excel with Japanese headers, real dates and safe text."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from reports.xlsx import Column, display_width, safe_sheet_title, write_table_xlsx

COLUMNS = [
    Column(0, "回送番号"),
    Column(1, "受付日", kind="date"),
    Column(2, "受け取り日時", kind="datetime"),
    Column(3, "件数", kind="int"),
    Column(4, "備考", width=40),
]
ROWS = [
    ("大師-R7-HK-00012", date(2025, 1, 6), datetime(2025, 1, 6, 0, 30, tzinfo=UTC), 3, "なし"),
    ("大師-R7-HK-00013", date(2025, 1, 7), None, 1, '=HYPERLINK("http://evil","click")'),
    ("大師-R7-HK-00014", date(2025, 1, 8), None, 2, "-1+2"),
    ("大師-R7-HK-00015", None, None, 0, "@SUM(A1)"),
]


def _sheet(data: bytes) -> Worksheet:
    return load_workbook(io.BytesIO(data)).active


def test_header_frozen_and_filtered() -> None:
    ws = _sheet(write_table_xlsx("回送管理簿", COLUMNS, ROWS))
    assert ws.title == "回送管理簿"
    assert [c.value for c in ws[1]] == ["回送番号", "受付日", "受け取り日時", "件数", "備考"]
    assert ws["A1"].font.bold
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E5"


def test_dates_and_numbers_are_real_excel_values() -> None:
    ws = _sheet(write_table_xlsx("回送管理簿", COLUMNS, ROWS))
    assert ws["B2"].is_date and ws["B2"].value == datetime(2025, 1, 6)
    assert ws["B2"].number_format == "yyyy-mm-dd"
    # 00:30 UTC is 09:30 in Tokyo; Excel has no time zone so the Tokyo time is written.
    assert ws["C2"].is_date and ws["C2"].value == datetime(2025, 1, 6, 9, 30)
    assert ws["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["D2"].data_type == "n" and ws["D2"].value == 3
    assert ws["B5"].value is None


def test_formula_like_text_stays_text() -> None:
    ws = _sheet(write_table_xlsx("回送管理簿", COLUMNS, ROWS))
    for ref, text in [
        ("E3", '=HYPERLINK("http://evil","click")'),
        ("E4", "-1+2"),
        ("E5", "@SUM(A1)"),
    ]:
        assert ws[ref].value == text  # shown exactly as typed
        assert ws[ref].data_type == "s"
        assert ws[ref].quotePrefix  # Excel's mark for text typed with a leading apostrophe
    assert not ws["E2"].quotePrefix


def test_title_rows_move_header_freeze_and_filter_down() -> None:
    title_rows = ["回送管理簿 大師支所", ["出力日", date(2025, 1, 9)]]
    ws = _sheet(write_table_xlsx("回送管理簿", COLUMNS, ROWS, title_rows=title_rows))
    assert ws["A1"].value == "回送管理簿 大師支所"
    assert ws["B2"].is_date
    assert ws["A3"].value == "回送番号"
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:E7"


def test_column_widths_given_or_estimated_for_japanese() -> None:
    ws = _sheet(write_table_xlsx("回送管理簿", COLUMNS, ROWS))
    assert ws.column_dimensions["E"].width == 40
    # "大師-R7-HK-00012": 2 wide characters count double, 12 narrow ones single.
    assert ws.column_dimensions["A"].width >= display_width("大師-R7-HK-00012") == 16
    assert ws.column_dimensions["C"].width >= 17  # room for "2025-01-06 09:30"


def test_rows_as_mappings_or_objects_and_decimals() -> None:
    class Line:
        office = "田島支所"
        rate = Decimal("0.1")

    columns = [Column("office", "支所"), Column("rate", "負担割合", kind="decimal")]
    ws = _sheet(write_table_xlsx("一覧", columns, [{"office": "大師支所", "rate": "0.2"}, Line()]))
    assert [(ws[f"A{i}"].value, ws[f"B{i}"].value) for i in (2, 3)] == [
        ("大師支所", 0.2),
        ("田島支所", 0.1),
    ]


def test_empty_export_still_has_header_and_filter() -> None:
    ws = _sheet(write_table_xlsx("一覧", COLUMNS, []))
    assert ws["A1"].value == "回送番号"
    assert ws.auto_filter.ref == "A1:E1"


def test_control_characters_do_not_break_the_export() -> None:
    ws = _sheet(write_table_xlsx("一覧", [Column(0, "氏名")], [("山田\x00太郎\x1b",)]))
    assert ws["A2"].value == "山田太郎"


def test_sheet_title_drops_characters_excel_refuses() -> None:
    assert safe_sheet_title("回送管理簿[2025/01]") == "回送管理簿_2025_01_"
    assert len(safe_sheet_title("あ" * 40)) == 31


def test_markup_characters_spaces_and_line_breaks_read_back_exactly() -> None:
    texts = ["a & b <c> \"d\" 'e'", " 前後に空白　", "一行目\n二行目", "改行\r\n復帰", "</t></is>"]
    ws = _sheet(write_table_xlsx("一覧", [Column(0, "備考")], [(t,) for t in texts]))
    assert [ws[f"A{i}"].value for i in range(2, 2 + len(texts))] == texts


def test_many_rows_keep_order_dates_and_numbers() -> None:
    rows = [(f"大師-R7-HK-{i:05d}", date(2025, 4, 1 + i % 28), i) for i in range(3000)]
    columns = [Column(0, "番号"), Column(1, "日", kind="date"), Column(2, "件数", kind="int")]
    ws = _sheet(write_table_xlsx("一覧", columns, rows))
    assert ws.max_row == 3001 and ws.auto_filter.ref == "A1:C3001"
    got = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
    assert got == [(n, datetime.combine(d, datetime.min.time()), i) for n, d, i in rows]
    assert ws["B3000"].number_format == "yyyy-mm-dd"
