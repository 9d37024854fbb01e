"""Safe inspection of an uploaded Excel workbook and its claim rows (pure: no database).

Order of checks, cheapest first, so that hostile files never reach the XML parser:

1. size cap, then the ZIP local-file signature (a renamed ``.exe`` or a password-protected
   OLE file stops here);
2. the ZIP central directory: number of entries, encrypted entries, compression methods,
   declared uncompressed sizes (total cap) and compression ratio (zip bombs). Python's
   ``zipfile`` refuses to inflate an entry beyond its declared size (CRC/size check), so the
   declared sizes really bound the work;
3. ``[Content_Types].xml`` must declare an OOXML workbook (``.xlsx``) or a macro-enabled one
   (``.xlsm``), matching the extension; no part may carry a DTD or entity declaration;
4. every part's rows, cells per row, cells and shared strings are counted from the raw XML
   (``xlsx_scan``, C-speed, stops at the first count over its limit), because openpyxl
   materialises whole rows and all shared strings whatever ``max_col`` says: with
   ``max_uncompressed`` this bounds the CPU spent on any accepted workbook (~0.75 s measured);
5. openpyxl in read-only mode with ``keep_vba=False`` (macros are never loaded, let alone run),
   ``data_only=True`` (cached values, no formulas evaluated) and ``keep_links=False``; rows
   past ``max_rows`` are never parsed (``iter_rows(max_row=…)`` stops), columns past
   ``max_columns`` are dropped from each row openpyxl has built.

Claim rows (seed 004, error 9554): rows with the same サービス提供年月, 請求自治体コード and
受給者証番号 are duplicates. Findings are data (code, rows, values) so they can be stored and
shown later in the reader's language (``describe``).
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from workflows.applications import xlsx_scan

XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
HEADER_SCAN_ROWS = 20
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:?([A-Z]*)(\d*)"')
_SPACES = re.compile(r"[\s\u3000《》<>()（）「」【】\[\]・:：]+")

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("サービス提供年月", "サービス提供月", "提供年月"),
    "municipality": ("請求自治体コード", "自治体コード", "市町村番号", "市町村コード",
                     "保険者番号"),
    "recipient": ("受給者証番号", "受給者番号", "被保険者番号"),
    "office": ("事業所番号", "事業者番号"),
}


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_entries: int = 300
    # Bounds what openpyxl parses besides the cells: 100,000 cells of long text stay ~0.7 s.
    max_uncompressed: int = 20 * 1024 * 1024
    max_ratio: int = 200  # per entry larger than ratio_floor
    ratio_floor: int = 1024 * 1024
    max_rows: int = 10_000
    max_columns: int = 60  # read for the claim check; more are allowed up to max_row_cells
    max_row_cells: int = 1_000
    # openpyxl needs ~8 µs a cell (shared strings included): at most ~0.8 s of CPU per file,
    # e.g. 10,000 rows of 10 columns or 2,000 rows of 50.
    max_cells: int = 100_000


DEFAULT_LIMITS = Limits()


class WorkbookRejected(ValueError):
    """The file is not a safe, readable workbook; the message says why (translated)."""


@dataclass
class WorkbookReport:
    kind: str  # xlsx | xlsm
    rows: int = 0
    claim_rows: int = 0
    findings: list[dict[str, Any]] = field(default_factory=list)


def looks_like_zip(content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04"


def check_container(content: bytes, extension: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Check the ZIP container and content types; return 'xlsx' or 'xlsm'."""
    if len(content) > limits.max_bytes:
        raise WorkbookRejected(_("The file is larger than %(mb)d MB.",
                                 mb=limits.max_bytes // (1024 * 1024)))
    if not looks_like_zip(content):
        raise WorkbookRejected(_("The file is not an Excel workbook (.xlsx/.xlsm), or it is "
                                 "protected with a password."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise WorkbookRejected(_("The file is damaged and cannot be opened.")) from exc
    _check_entries(infos, limits)
    kind = _content_kind(archive)
    _check_dimensions(archive, infos, limits)
    if sum(info.file_size for info in infos) > limits.max_uncompressed:
        raise WorkbookRejected(_("The workbook holds more than %(mb)d MB of data; attach only "
                                 "the claim rows.", mb=limits.max_uncompressed // (1024 * 1024)))
    if extension == "xlsx" and kind == "xlsm":
        raise WorkbookRejected(_("The file contains macros but is named .xlsx; save it as "
                                 ".xlsm or without macros."))
    _check_no_dtd(archive, infos)
    return kind


def _check_entries(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise WorkbookRejected(_("The file has too many parts to be a normal workbook."))
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookRejected(_("The file is protected with a password; remove the "
                                     "password and attach it again."))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookRejected(_("The file is damaged and cannot be opened."))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 4 * limits.max_uncompressed or (info.file_size > limits.ratio_floor
                                                            and ratio > limits.max_ratio):
            raise WorkbookRejected(_("The file expands to far more data than a workbook of "
                                     "its size should (possible zip bomb)."))


def _check_dimensions(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                      limits: Limits) -> None:
    """Refuse sheets that declare (in their <dimension> element) more rows than allowed."""
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            found = _DIMENSION.search(_read(archive, info, 4096))
            if found and found.group(2) and int(found.group(2)) > limits.max_rows:
                raise _too_many_rows(limits)
            if found and _column_number(found.group(1).decode()) > limits.max_row_cells:
                raise _too_wide(limits)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _check_counts(content: bytes, limits: Limits) -> None:
    """Refuse a workbook whose parts hold more rows or cells than openpyxl may be given."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    # A part of fewer bytes than 4 per cell (<c/>) and 6 per row (<row/>) cannot pass the row
    # limits, so small parts are only counted when their most possible cells could matter.
    small = min(4 * limits.max_row_cells, 6 * limits.max_rows)
    large = [i for i in archive.infolist() if i.file_size >= small]
    rest = [i for i in archive.infolist() if i.file_size < small]
    cells = _count_parts(archive, large, limits, 0)
    if cells + sum(i.file_size // 4 for i in rest) > limits.max_cells:
        _count_parts(archive, rest, limits, cells)


def _count_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits,
                 cells: int) -> int:
    """Count the parts; return the larger of the cell and shared-string totals so far."""
    strings = cells
    for info in infos:
        counts = xlsx_scan.count_part(_chunks(archive, info), max_rows=limits.max_rows,
                                      max_row_cells=limits.max_row_cells,
                                      max_cells=limits.max_cells - max(cells, strings))
        if counts.rows > limits.max_rows:
            raise _too_many_rows(limits)
        if counts.widest_row > limits.max_row_cells:
            raise _too_wide(limits)
        cells, strings = cells + counts.cells, strings + counts.strings
        if max(cells, strings) > limits.max_cells:
            raise WorkbookRejected(_("The workbook has more than %(max)d cells; attach only the "
                                     "claim rows and columns.", max=limits.max_cells))
    return max(cells, strings)


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(1 << 20):
                yield chunk
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, zlib.error) as exc:
        raise WorkbookRejected(_("The file is damaged and cannot be opened.")) from exc


def _content_kind(archive: zipfile.ZipFile) -> str:
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError as exc:
        raise WorkbookRejected(_("The file is not an Excel workbook (.xlsx/.xlsm).")) from exc
    if info.file_size > 1024 * 1024:
        raise WorkbookRejected(_("The file is not an Excel workbook (.xlsx/.xlsm)."))
    types = _read(archive, info)
    if XLSM_MAIN in types:
        return "xlsm"
    if XLSX_MAIN in types:
        return "xlsx"
    raise WorkbookRejected(_("The file is not an Excel workbook (.xlsx/.xlsm)."))


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int = -1) -> bytes:
    try:
        with archive.open(info) as fh:
            return fh.read(size)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise WorkbookRejected(_("The file is damaged and cannot be opened.")) from exc


def _check_no_dtd(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels", ".vml")) and \
                _DTD.search(_read(archive, info, 4096)):
            raise WorkbookRejected(_("The file contains XML declarations that are not allowed "
                                     "in a workbook."))


def inspect_workbook(content: bytes, extension: str, *, office_number: str | None = None,
                     limits: Limits = DEFAULT_LIMITS) -> WorkbookReport:
    """Check the container, open the workbook read-only and check its claim rows."""
    report = WorkbookReport(kind=check_container(content, extension, limits))
    _check_counts(content, limits)
    import openpyxl  # imported late: only needed once a file passed the container checks

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, keep_vba=False,
                                          data_only=True, keep_links=False)
            try:
                _scan(book, report, office_number, limits)
            finally:
                book.close()
    except WorkbookRejected:
        raise
    except Exception as exc:  # openpyxl raises many types for malformed parts
        raise WorkbookRejected(_("The file is damaged and cannot be opened.")) from exc
    return report


def _scan(book: Any, report: WorkbookReport, office_number: str | None,
          limits: Limits) -> None:
    columns: dict[str, int] | None = None
    seen: dict[tuple[str, str, str], list[int]] = {}
    mismatched: list[int] = []
    for sheet in book.worksheets:
        if (sheet.max_row or 0) > limits.max_rows:
            raise _too_many_rows(limits)
        rows = sheet.iter_rows(values_only=True, max_row=limits.max_rows + 1,
                               max_col=limits.max_columns)
        for number, row in enumerate(rows, start=1):
            report.rows += 1
            if report.rows > limits.max_rows:
                raise _too_many_rows(limits)
            if columns is None:
                if number <= HEADER_SCAN_ROWS:
                    columns = _header(row)
                continue
            key = tuple(_cell(row, columns.get(c)) for c in ("month", "municipality",
                                                               "recipient"))
            if not all(key):
                continue
            report.claim_rows += 1
            seen.setdefault(key, []).append(number)
            office = _cell(row, columns.get("office"))
            if office_number and office and office != office_number:
                mismatched.append(number)
        if columns is not None:
            break  # the claim sheet is the first one with the headings
    report.findings.extend(_findings(columns, seen, mismatched, office_number, report))


def _too_wide(limits: Limits) -> WorkbookRejected:
    return WorkbookRejected(_("A row of the sheet has more than %(max)d columns; remove the "
                              "columns that are not needed.", max=limits.max_row_cells))


def _too_many_rows(limits: Limits) -> WorkbookRejected:
    return WorkbookRejected(_("The sheet has more than %(max)d rows; split it or remove empty "
                              "rows.", max=limits.max_rows))


def _findings(columns: dict[str, int] | None, seen: dict[tuple[str, str, str], list[int]],
              mismatched: list[int], office_number: str | None,
              report: WorkbookReport) -> list[dict[str, Any]]:
    if columns is None:
        return [{"code": "no_header"}]
    out = [{"code": "9554", "rows": rows, "month": key[0], "municipality": key[1],
            "recipient": key[2]} for key, rows in seen.items() if len(rows) > 1]
    if mismatched:
        out.append({"code": "office_mismatch", "rows": mismatched[:50],
                    "expected": office_number})
    if report.claim_rows == 0:
        out.append({"code": "no_rows"})
    return out


def _norm(value: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", value))


_ALIASES = {name: tuple(_norm(a) for a in aliases) for name, aliases in COLUMN_ALIASES.items()}


def _header(row: tuple) -> dict[str, int] | None:
    found: dict[str, int] = {}
    for index, value in enumerate(row):
        if not isinstance(value, str):
            continue
        text = _norm(value)
        for name, aliases in _ALIASES.items():
            if name not in found and text in aliases:
                found[name] = index
    return found if {"month", "municipality", "recipient"} <= found.keys() else None


def _cell(row: tuple, index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _norm(str(value))
    digits = re.fullmatch(r"(\d{4})[/\-年.](\d{1,2})月?", text)
    return f"{digits.group(1)}{int(digits.group(2)):02d}" if digits else text


def describe(finding: dict[str, Any]) -> str:
    """A finding as a sentence in the current language."""
    code = finding.get("code")
    if code == "9554":
        rows = "、".join(str(r) for r in finding.get("rows", []))
        return _("Error 9554: duplicate claim (same service month %(month)s, municipality code "
                 "%(municipality)s and recipient number %(recipient)s) in rows %(rows)s.",
                 month=finding.get("month", ""), municipality=finding.get("municipality", ""),
                 recipient=finding.get("recipient", ""), rows=rows)
    if code == "office_mismatch":
        rows = "、".join(str(r) for r in finding.get("rows", []))
        return _("Rows %(rows)s name another office number than %(number)s.", rows=rows,
                 number=finding.get("expected", ""))
    if code == "no_header":
        return _("No claim table was found: the headings サービス提供年月, 請求自治体コード and "
                 "受給者証番号 are missing.")
    if code == "no_rows":
        return _("The claim table has no rows.")
    return str(code)
