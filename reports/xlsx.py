"""Excel export of one table per workbook: openpyxl's write-only mode writes the workbook
(styles, widths, frozen header, filter, title and header rows); the data rows, streamed through
a temporary file, are written as sheet XML by reports.xlsx_cells (a sixth of the CPU)."""

from __future__ import annotations

import io
import itertools
import operator
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from japan.calendar import to_jst
from reports.xlsx_cells import (
    FORMULA_PREFIXES,
    Encoder,
    clean_text,
    needs_quote_prefix,
    number_encoder,
    splice_rows,
    text_encoder,
    write_rows,
)

__all__ = ["DATETIME_FORMAT", "DATE_FORMAT", "FORMULA_PREFIXES", "Column", "display_width",
           "safe_sheet_title", "write_table_xlsx"]

Kind = Literal["text", "date", "datetime", "int", "decimal"]

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SAMPLE_ROWS = 200  # rows looked at to estimate column widths before streaming
_MAX_WIDTH = 60

_DEFAULT_FORMATS = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
_TITLE_FONT = Font(bold=True, size=14)


@dataclass(frozen=True)
class Column:
    """One exported column: where its value comes from, its header, width and type."""

    key: str | int  # index into a row sequence, or a mapping key / attribute name
    header: str
    width: float | None = None  # in Excel character units; estimated when None
    kind: Kind = "text"
    number_format: str | None = None  # overrides the default format of the kind

    def value_of(self, row: Any) -> Any:
        """Return this column's raw value in row."""
        if isinstance(self.key, int) or isinstance(row, Mapping):
            return row[self.key]
        return getattr(row, self.key)


def display_width(text: str) -> int:
    """Return the width of text in Excel character units, counting wide (CJK) characters as 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _text_cell(ws: WriteOnlyWorksheet, value: Any) -> Any:
    text = clean_text(value)
    if not needs_quote_prefix(text):
        return text
    # Kept as typed, stored as a string and marked like a cell typed with a leading ' in Excel,
    # so it shows as text and stays text when edited.
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _as_datetime(value: Any) -> Any:
    # Excel has no time zones: clerks read Tokyo wall-clock time.
    return to_jst(value).replace(tzinfo=None) if isinstance(value, datetime) else value


def _as_date(value: Any) -> Any:
    return to_jst(value).date() if isinstance(value, datetime) else value


def _as_decimal(value: Any) -> Any:
    return value if isinstance(value, int | float | Decimal) else Decimal(str(value))


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "date": _as_date, "datetime": _as_datetime, "int": int, "decimal": _as_decimal}


def _style_id(ws: WriteOnlyWorksheet, **style: Any) -> int:
    # Registers the style in the workbook once; data cells then only carry its number.
    cell = WriteOnlyCell(ws)
    for name, value in style.items():
        setattr(cell, name, value)
    return cell.style_id


def _encoder(ws: WriteOnlyWorksheet, column: Column, index: int) -> Encoder:
    letter = get_column_letter(index)
    if column.kind == "text":
        return text_encoder(letter, _style_id(ws, quotePrefix=True))
    number_format = column.number_format or _DEFAULT_FORMATS.get(column.kind)
    style_id = _style_id(ws, number_format=number_format) if number_format else 0
    return number_encoder(letter, style_id, _CONVERTERS[column.kind])


def _row_values(columns: list[Column]) -> Callable[[Any], Sequence[Any]]:
    keys = [column.key for column in columns]
    if len(keys) > 1 and all(isinstance(key, int) for key in keys):
        return operator.itemgetter(*keys)  # rows as tuples: one C call per row
    return lambda row: [column.value_of(row) for column in columns]


def _estimate_width(column: Column, sample: list[Sequence]) -> float:
    defaults = {"date": 12, "datetime": 17}
    widths = [display_width(column.header), defaults.get(column.kind, 0)]
    if column.kind in ("text", "int", "decimal"):
        widths += [display_width(str(column.value_of(r) or "")) for r in sample]
    return min(max(widths) + 2, _MAX_WIDTH)


def safe_sheet_title(title: str) -> str:
    """Return title without the characters Excel forbids in sheet names, cut to 31."""
    return _SHEET_TITLE_FORBIDDEN.sub("_", title)[:31] or "Sheet1"


def _styled_row(ws: WriteOnlyWorksheet, values: Sequence[Any], **style: Any) -> list[Cell]:
    cells = []
    for value in values:
        cell = _text_cell(ws, value) if isinstance(value, str) else value
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(ws, value=cell)
        for name, attr in style.items():
            setattr(cell, name, attr)
        cells.append(cell)
    return cells


def write_table_xlsx(
    sheet_title: str,
    columns: list[Column],
    rows: Iterable[Sequence],
    *,
    title_rows: Sequence[str | Sequence[Any]] | None = None,
) -> bytes:
    """Write rows as one Excel sheet with a frozen header and auto-filter; return the file."""
    rows_iter = iter(rows)
    sample = list(itertools.islice(rows_iter, _SAMPLE_ROWS))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(safe_sheet_title(sheet_title))
    header_row = len(title_rows or ()) + 1
    # Write-only sheets stream rows to disk, so views and widths must be set before any append.
    ws.freeze_panes = f"A{header_row + 1}"
    for index, column in enumerate(columns, 1):
        width = column.width or _estimate_width(column, sample)
        ws.column_dimensions[get_column_letter(index)].width = width
    for i, title in enumerate(title_rows or ()):
        values = [title] if isinstance(title, str) else list(title)
        ws.append(_styled_row(ws, values, **({"font": _TITLE_FONT} if i == 0 else {})))
    ws.append(
        _styled_row(
            ws,
            [c.header for c in columns],
            font=_HEADER_FONT,
            fill=_HEADER_FILL,
            alignment=Alignment(horizontal="center", vertical="center"),
        )
    )
    encoders = [_encoder(ws, column, index) for index, column in enumerate(columns, 1)]
    # The data rows skip openpyxl's cell objects (see reports.xlsx_cells) and are spliced into
    # the sheet openpyxl writes with the title and header rows, styles, widths and filter.
    with tempfile.TemporaryFile() as body:
        last_row = write_rows(body, itertools.chain(sample, rows_iter), _row_values(columns),
                              encoders, header_row + 1)
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{last_row}"
        buffer = io.BytesIO()
        wb.save(buffer)
        return splice_rows(buffer.getvalue(), ws.path.lstrip("/"), body)
