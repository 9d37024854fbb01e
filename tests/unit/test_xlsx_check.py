"""The attachment validation matrix: workbooks, hostile files and file-name rules (no DB)."""

import io
import random
import time
import zipfile

import pytest

from forms.application_forms import KAIGO_TORISAGE
from tests.support.applications import duplicate_rows, with_content_type, workbook
from workflows.applications import xlsx_check
from workflows.applications.files import Upload, UploadRejected, check_upload, sanitise_filename

RULE = KAIGO_TORISAGE.field("attachment").attachment
VALUES = {"office_number": "1234567890"}


def check(content: bytes, name: str = "kago(1234567890).xlsx", values=VALUES):
    return check_upload("attachment", RULE, Upload(name, content), values)


def rejected(content: bytes, name: str = "kago(1234567890).xlsx") -> str:
    with pytest.raises(UploadRejected) as info:
        check(content, name)
    return str(info.value)


def _sheet_zip(sheet_xml_chunks, *, extra=None) -> bytes:
    """A workbook whose first sheet is replaced by the given XML (streamed)."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w") as fh:
                    for chunk in sheet_xml_chunks:
                        fh.write(chunk)
            else:
                target.writestr(info, source.read(info))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def test_a_valid_workbook_passes_and_duplicate_claims_are_error_9554():
    assert check(workbook()).findings == []
    report = check(workbook(duplicate_rows()))
    assert report.kind == "xlsx" and report.content_type.endswith("spreadsheetml.sheet")
    [finding] = report.findings
    assert finding["code"] == "9554" and finding["rows"] == [2, 4]  # 2023/05 == 202305
    assert "9554" in xlsx_check.describe(finding) and "2、4" in xlsx_check.describe(finding)


def test_rows_naming_another_office_and_sheets_without_claims_are_reported():
    other = workbook([["9999999999", "202305", "141305", "0000000001", 1]])
    assert [f["code"] for f in check(other).findings] == ["office_mismatch"]
    no_table = workbook([["a", "b"]], header=["氏名", "金額"])
    assert [f["code"] for f in check(no_table).findings] == ["no_header"]


@pytest.mark.parametrize("name, message", [
    ("kago(1234567890).csv", "Excel"),
    ("kago1234567890.xlsx", "kago(1475600000).xlsx"),
    ("請求.xlsx", "kago(1475600000).xlsx"),
    ("kago(1234567891).xlsx", "1234567891"),
])
def test_wrong_or_mismatching_file_names_are_refused(name, message):
    assert message in rejected(workbook(), name)


def test_full_width_parentheses_and_xlsm_are_accepted():
    assert check(workbook(), "kago（1234567890）.xlsx").filename == "kago（1234567890）.xlsx"
    macro = with_content_type(workbook(), xlsx_check.XLSX_MAIN, xlsx_check.XLSM_MAIN)
    assert check(macro, "kago(1234567890).xlsm").kind == "xlsm"
    assert "macros" in rejected(macro)  # macro-enabled content under an .xlsx name


def test_renamed_executables_and_other_files_are_refused_by_content():
    assert "not an Excel workbook" in rejected(b"MZ\x90\x00" + b"\0" * 4000)
    assert "password" in rejected(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    docx = with_content_type(workbook(), xlsx_check.XLSX_MAIN,
                             b"application/vnd.openxmlformats-officedocument."
                             b"wordprocessingml.document.main+xml")
    assert "not an Excel workbook" in rejected(docx)
    assert "damaged" in rejected(b"PK\x03\x04" + b"\0" * 100)


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        bomb.writestr("[Content_Types].xml", xlsx_check.XLSX_MAIN)
        with bomb.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(64):
                fh.write(b"\0" * (1024 * 1024))  # 64 MB of zeros, a few hundred KB zipped
    started = time.perf_counter()
    assert "zip bomb" in rejected(out.getvalue())
    assert time.perf_counter() - started < 0.5


def test_a_million_row_sheet_is_refused_with_a_row_message():
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:A1000000"/>'
            b"<sheetData>")
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
                    for n in range(1, 1001))
    content = _sheet_zip([head, *([rows] * 1000), b"</sheetData></worksheet>"])
    assert "more than 10000 rows" in rejected(content)
    # Without a <dimension> the rows are counted while reading, and reading stops at the cap.
    small = xlsx_check.Limits(max_rows=50)
    head_no_dim = head.replace(b'<dimension ref="A1:A1000000"/>', b"")
    with pytest.raises(xlsx_check.WorkbookRejected, match="more than 50 rows"):
        xlsx_check.inspect_workbook(_sheet_zip([head_no_dim, rows, b"</sheetData></worksheet>"]),
                                    "xlsx", limits=small)


def test_parts_with_a_dtd_are_refused():
    evil = _sheet_zip([b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                       b'2006/main"><sheetData/></worksheet>'])
    assert "not allowed" in rejected(evil)


def test_images_and_pdfs_are_checked_by_content():
    from forms.application_forms import JUMINHYO

    rule = JUMINHYO.field("id_document").attachment
    ok = check_upload("id_document", rule, Upload("card.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10),
                      {})
    assert ok.kind == "png" and ok.content_type == "image/png"
    with pytest.raises(UploadRejected, match="not PDF"):
        check_upload("id_document", rule, Upload("card.pdf", b"MZ" + b"\0" * 10), {})
    with pytest.raises(UploadRejected, match="larger than 10 MB"):
        check_upload("id_document", rule, Upload("big.pdf", b"%PDF-" + b"0" * (11 << 20)), {})


def test_file_names_are_sanitised():
    assert sanitise_filename("C:\\Users\\x\\..\\kago(1).xlsx") == "kago(1).xlsx"
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename('a<b>"c".pdf') == "a_b_c_.pdf"
    assert sanitise_filename("") == "file"
    long = sanitise_filename("あ" * 300 + ".xlsx")
    assert len(long) == 100 and long.endswith(".xlsx")


HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData>')


# Values vary so that the files compress like real ones (ratio ~20, under the zip-bomb check).
CELLS = b"".join(b"<c><v>%d</v></c>" % random.Random(n).randrange(10) for n in range(10_000))


def wide_sheet(rows: int, cells: int) -> bytes:
    """rows × cells numeric cells, written streamed (10,000 × 200 is 32 MB of XML)."""
    row = b"<row>" + (CELLS * (cells // 10_000 + 1))[:cells * 16] + b"</row>"
    return _sheet_zip([HEAD, *(row for _ in range(rows)), b"</sheetData></worksheet>"])


def one_row(cells: int) -> bytes:
    return _sheet_zip([HEAD + b'<row r="1">', *(CELLS for _ in range(cells // 10_000)),
                       b"</row></sheetData></worksheet>"])


def _refused_quickly(content: bytes) -> str:
    started = time.process_time()
    message = rejected(content)
    assert time.process_time() - started < 1.0  # openpyxl needed 7–10 s for these
    return message


@pytest.mark.parametrize("make", [lambda: wide_sheet(10_000, 200), lambda: one_row(2_200_000)],
                         ids=["10000x200", "1x2.2M"])
def test_the_issues_workbooks_are_refused_from_the_central_directory(make):
    # 32 MB and 35 MB of sheet XML in files under the 5 MB limit: openpyxl took 7–10 s.
    content = make()
    assert len(content) < 5 * 1024 * 1024
    assert "more than 20 MB of data" in _refused_quickly(content)


def test_cells_are_counted_before_parsing_within_the_size_limits():
    content = wide_sheet(7_000, 150)  # 1,050,000 cells in 16.8 MB of XML
    assert "more than 100000 cells" in _refused_quickly(content)


def test_a_row_of_a_million_cells_is_refused_without_building_the_row():
    assert "more than 1000 columns" in _refused_quickly(one_row(1_200_000))  # 19.2 MB


def test_cells_are_counted_under_any_prefix_and_in_any_part():
    prefixed = _sheet_zip([HEAD, b"<x:row>", b'<x:c\nr="A1"><x:v>1</x:v></x:c>' * 1200,
                           b"</x:row></sheetData></worksheet>"])
    assert "more than 1000 columns" in _refused_quickly(prefixed)
    strings = b"<sst>" + b"<si><t>a</t></si>" * 100_001 + b"</sst>"
    hidden = _sheet_zip([HEAD, b"</sheetData></worksheet>"], extra={"xl/other.xml": strings})
    assert "more than 100000 cells" in _refused_quickly(hidden)


def test_a_wide_dimension_is_refused_from_the_first_bytes():
    content = _sheet_zip([HEAD.replace(b"<sheetData>", b'<dimension ref="A1:AMM2"/><sheetData>'),
                          b"</sheetData></worksheet>"])
    assert "more than 1000 columns" in _refused_quickly(content)


def test_a_workbook_within_the_limits_is_read_up_to_the_column_limit():
    wide = workbook([["1234567890", "202305", "141305", "0000000001", 1200, *range(100)]])
    assert check(wide).findings == []
