"""Letters and registers: Japanese fonts embedded, case number and missing items, read back."""

import io
import logging
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from models.base import utcnow
from reports import postal_registers
from reports.postal_letters import render_letter
from tests.support import postal as support
from tests.support.postal import T0, register
from workflows.postal import dispatch, review
from workflows.postal.letters import letter_view
from workflows.postal.registers import RegisterFilter, dispatch_rows, intake_rows, money_order_rows

# Shared fixtures, found by pytest under these names.
postal = support.postal

needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdffonts, pdftotext) not installed")


@pytest.fixture(autouse=True)
def clean_fonts(caplog):
    """WeasyPrint's fontTools fallback and missing-glyph warnings fail the test."""
    with caplog.at_level(logging.WARNING):
        yield
    assert not [r for r in caplog.records if ".notdef" in r.getMessage()
                or "fontTools instead of HarfBuzz" in r.getMessage()]


def _poppler(tool: str, data: bytes, tmp_path) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(data)
    args = [tool, "-layout", str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _returned_case(postal, session):
    people = postal["people"]
    case = register(postal).outcome.case
    review.decide(case, people["hoken"], decision="incomplete",
                  missing=["年金手帳または基礎年金番号通知書の写し"],
                  message="申請書に署名がありません。", now=T0)
    session.commit()
    return case


@needs_poppler
@pytest.mark.parametrize("kind", ["correction", "reminder"])
def test_letters_show_the_case_number_missing_items_and_where_to_send(postal, session, tmp_path,
                                                                      kind):
    case = _returned_case(postal, session)
    data = render_letter(letter_view(case, kind, date(2026, 6, 1)))
    fonts = [line for line in _poppler("pdffonts", data, tmp_path).splitlines() if "IPAex" in line]
    assert fonts and all(" yes yes " in line for line in fonts)  # embedded, subset
    text = _poppler("pdftotext", data, tmp_path)
    for expected in (case.number, "郵R8-00001", "年金手帳または基礎年金番号通知書の写し",
                     "申請書に署名がありません。", "〒210-0001", "神奈川県川崎市川崎区本町",
                     "川崎 花子", "東田町8", "保険年金課"):
        assert expected in text
    assert ("令和8年6月15日" if kind == "correction" else "令和8年7月1日") in text
    assert ("再依頼" in text) == (kind == "reminder")


def test_registers_read_back_and_filter(postal, session):
    people = postal["people"]
    case = _returned_case(postal, session)
    dispatch.send(case, people["hoken"], sent_on=date(2026, 6, 1), method="recorded",
                  tracking_number="1234-5678", now=T0)
    register(postal, code="POST_KISAI_SHOMEI", sender={"name": "幸 一郎", "address": "川崎市"},
             money_orders=[{"number": "12-3456", "amount": 300}, {"number": "12-3457",
                                                                  "amount": 50}])
    session.commit()
    sup = people["sup"]
    rows = intake_rows(sup, RegisterFilter())
    data = postal_registers.register_xlsx("intake", rows, title="郵送受付簿", conditions="x")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "郵送受付簿"
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["受付番号", "到着日", "消印日"]
    numbers = [r[0].value for r in sheet.iter_rows(min_row=4)]
    assert numbers == ["郵R8-00001", "郵R8-00002"]
    assert sheet.cell(4, 2).value.date() == date(2026, 6, 1)  # a real date
    hoken = intake_rows(sup, RegisterFilter(department_id=postal["departments"]["HOKEN"].id))
    assert [r["intake_number"] for r in hoken] == ["郵R8-00001"]
    assert intake_rows(people["kourei"], RegisterFilter()) == []
    sent = dispatch_rows(sup, RegisterFilter(date_from=date(2026, 6, 1),
                                             date_to=date(2026, 6, 1)))
    assert [(r["kind"], r["method"], r["tracking_number"]) for r in sent] == [
        ("補正依頼", "特定記録", "1234-5678")]
    sheet = load_workbook(io.BytesIO(postal_registers.register_xlsx(
        "dispatch", sent, title="発送簿", conditions="x"))).active
    assert sheet.cell(4, 2).value == "補正依頼" and sheet.cell(4, 10).value == "1234-5678"
    cash = money_order_rows(sup, postal["departments"]["KUMIN"].id, date(2026, 6, 1))
    assert [(r["number"], r["amount"]) for r in cash] == [("12-3456", 300), ("12-3457", 50)]
    pdf = postal_registers.register_pdf("cash", cash, title="定額小為替受領日計表",
                                        conditions="x", printed_at=utcnow())
    assert pdf.startswith(b"%PDF-")


@needs_poppler
def test_register_pdf_lists_the_envelopes(postal, session, tmp_path):
    register(postal)
    rows = intake_rows(postal["people"]["sup"], RegisterFilter())
    data = postal_registers.register_pdf("intake", rows, title="郵送受付簿",
                                         conditions="担当課：すべて", printed_at=utcnow())
    text = _poppler("pdftotext", data, tmp_path)
    assert "郵送受付簿" in text and "郵R8-00001" in text and "川崎 花子" in text
