"""The data rows of a write-only sheet as SpreadsheetML text, written without cell objects.

openpyxl spends 15-30 µs on every cell (a cell object, type checks, one lxml element per
tag); the ledger's ~90,000 cells took 2.3-2.7 s of CPU that way. Each column gets one small
function that turns a value into the same ``<c>`` element openpyxl writes (inline string,
number or date serial, with the column's style id), and the rows go to a temporary file that
``splice_rows`` puts into the sheet openpyxl saved with the title and header rows.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import IO, Any

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.utils.datetime import to_excel

Encoder = Callable[[str, Any], str]  # (row number, value) -> <c> element

# Spreadsheet apps run a cell typed with these first characters as a formula (CSV/DDE injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_TEXT = 32767  # Excel's limit; openpyxl cuts longer text the same way
_EPOCH = date(1899, 12, 30).toordinal()  # Excel's day 0 (Windows 1900 date system)
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_NEEDS_ESCAPE = re.compile("[&<>\r]")
_CHUNK_ROWS = 1000
_EXACT = 10**15  # integers below this print the same with str() and "%.16g"


def clean_text(value: Any) -> str:
    """value as cell text: control characters dropped (they make openpyxl refuse the file)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_TEXT]


def needs_quote_prefix(text: str) -> bool:
    """True for text Excel would run as a formula or read as an error code."""
    return text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES


def excel_serial(value: date) -> float | int:
    """The Excel serial number of a naive date or datetime (as openpyxl's to_excel)."""
    days = value.toordinal() - _EPOCH
    if days <= 60:  # before 1900-03-01 Excel counts a 29 February that never was
        return to_excel(value)
    if isinstance(value, datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return days + (seconds + value.microsecond / 10**6) / 86400
    return days


def _style(style_id: int) -> str:
    return f' s="{style_id}"' if style_id else ""


def text_encoder(letter: str, quote_style_id: int) -> Encoder:
    """Cells of a text column: inline strings, formula-like text marked as typed with a '."""
    start, quoted = f'<c r="{letter}', _style(quote_style_id)

    def encode(row: str, value: Any) -> str:
        text = clean_text(value)
        if not text:
            return ""
        style = quoted if needs_quote_prefix(text) else ""
        space = ' xml:space="preserve"' if text != text.strip() else ""
        if _NEEDS_ESCAPE.search(text):
            text = text.translate(_ESCAPES)
        return f'{start}{row}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'

    return encode


def number_encoder(letter: str, style_id: int, convert: Callable[[Any], Any]) -> Encoder:
    """Cells of a numeric or date column: convert(value) gives a number or a naive date."""
    start = f'<c r="{letter}'
    end = f'"{_style(style_id)} t="n"><v>'

    def encode(row: str, value: Any) -> str:
        number = convert(value)
        if isinstance(number, date):
            text = f"{excel_serial(number):.16g}"
        elif type(number) is int and -_EXACT < number < _EXACT:
            text = str(number)  # what "%.16g" gives for it
        else:
            text = safe_string(number)  # NaN and infinities: empty, as openpyxl writes them
        return f"{start}{row}{end}{text}</v></c>"

    return encode


def write_rows(out: IO[bytes], rows: Iterable[Any], values: Callable[[Any], Iterable[Any]],
               encoders: list[Encoder], first_row: int) -> int:
    """Write <row> elements for rows to out, numbered from first_row; return the last number."""
    number, chunk = first_row - 1, []
    for number, row in enumerate(rows, first_row):
        r = str(number)
        cells = "".join([encode(r, v) for encode, v in zip(encoders, values(row), strict=True)
                         if v is not None])
        chunk.append(f'<row r="{r}">{cells}</row>')
        if len(chunk) == _CHUNK_ROWS:
            out.write("".join(chunk).encode())
            chunk = []
    out.write("".join(chunk).encode())
    return number


def splice_rows(xlsx: bytes, sheet_path: str, rows_xml: IO[bytes]) -> bytes:
    """Return the xlsx file with the rows in rows_xml appended to the sheet's data."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != sheet_path:
                target.writestr(info, data)
                continue
            head, end, tail = data.rpartition(b"</sheetData>")
            if not end:
                raise ValueError(f"No sheet data in {sheet_path}")
            part = zipfile.ZipInfo(info.filename, info.date_time)
            part.compress_type = zipfile.ZIP_DEFLATED
            with target.open(part, "w") as out:
                out.write(head)
                rows_xml.seek(0)
                shutil.copyfileobj(rows_xml, out)
                out.write(end + tail)
    return buffer.getvalue()
