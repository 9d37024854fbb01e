"""Printed receipts, bag lists, slips and ledgers: Japanese text with an embedded font;
the Excel ledger reads back with the right rows, real dates and Japanese names."""

import io
import logging
import shutil
import subprocess
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from reports import bag as bag_report
from reports import ledger as ledger_report
from reports import receipt as receipt_report
from tests.support import forwarding as support
from tests.support.forwarding import T0, dispatch, issue
from workflows.forwarding import bags, cancel
from workflows.forwarding.ledger import LedgerFilter, export_rows

# Shared fixtures, found by pytest under these names.
fw = support.fw

needs_poppler = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                   reason="poppler-utils (pdffonts, pdftotext) not installed")


@pytest.fixture(autouse=True)
def clean_fonts(caplog):
    """WeasyPrint's fontTools fallback and missing-glyph warnings fail the test."""
    with caplog.at_level(logging.WARNING):
        yield
    bad = [r.getMessage() for r in caplog.records
           if "fontTools instead of HarfBuzz" in r.getMessage() or ".notdef" in r.getMessage()
           or r.name == "reports.pdf"]
    assert not bad


def _poppler(tool: str, data: bytes, tmp_path) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(data)
    args = [tool, "-layout", str(path), "-"] if tool == "pdftotext" else [tool, str(path)]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _assert_font_embedded(data: bytes, tmp_path) -> None:
    fonts = [line for line in _poppler("pdffonts", data, tmp_path).splitlines()
             if "IPAex" in line]
    assert fonts and all(" yes yes " in line for line in fonts)  # embedded, subset


@needs_poppler
def test_receipt_pdf_has_both_parts_the_numbers_and_an_embedded_font(fw, tmp_path):
    [receipt] = issue(fw, ("HK", 2), ("IR", 1), name="川﨑 はなこ", kana="カワサキ ハナコ").receipts
    cancel.cancel_lines(fw["people"]["daishi"], receipt, "持ち帰り", [receipt.lines[1].id],
                        now=T0)
    view = receipt_report.receipt_view(receipt, "http://localhost/cases/R8-000001")
    data = receipt_report.render_receipts([view])
    assert data.startswith(b"%PDF-")
    _assert_font_embedded(data, tmp_path)
    text = _poppler("pdftotext", data, tmp_path)
    for label in ("預かり書（原本）", "預かり書（控え）", "大師-R8-HK-00001",
                  "大師-R8-IR-00001（取消）",
                  "川﨑 はなこ", "保険年金課", "受け取り日時", "2026-06-01 10:00（令和8年6月1日）"):
        assert label in text, label


@needs_poppler
def test_bag_list_and_slip_pdfs(fw, session, tmp_path):
    receipts = issue(fw, ("HK", 2)).receipts + issue(fw, ("IR", 1), name="田島 次郎").receipts
    bag = dispatch(fw, receipts)
    data = bag_report.render_bag(bag_report.bag_view(bag))
    _assert_font_embedded(data, tmp_path)
    text = _poppler("pdftotext", data, tmp_path)
    assert bag.number in text and "保険年金課" in text and "2件（3枚）" in text
    assert "大師-R8-IR-00001" in text and "田島 次郎" in text
    slip = receipt_report.render_slip(receipt_report.SlipView(
        "大師支所", "川崎区役所", "区民課", "転出届",
        "申請受理日が重要な書類のため、回送できません。",
        "", T0))
    text = _poppler("pdftotext", slip, tmp_path)
    assert "川崎区役所" in text and "区民課" in text and "転出届" in text


def _ledger_rows(fw, now):
    return list(export_rows(fw["people"]["sup"], LedgerFilter(), now))


@needs_poppler
def test_ledger_pdf_marks_overdue_lines(fw, session, tmp_path):
    [receipt] = issue(fw, ("HK", 1)).receipts
    late = T0 + timedelta(days=9)  # dispatch was due Tue 6/2; 6/10 is six business days on
    rows = _ledger_rows(fw, late)
    assert rows[0]["late_days"] == 6
    data = ledger_report.ledger_pdf(rows, title="回送管理簿", conditions="全件", printed_at=late)
    _assert_font_embedded(data, tmp_path)
    text = _poppler("pdftotext", data, tmp_path)
    assert "大師-R8-HK-00001" in text and "超過6営業日" in text and "預かり済" in text


def test_ledger_xlsx_reads_back_with_rows_dates_and_japanese_names(fw, session):
    receipts = issue(fw, ("HK", 2), ("KN", 1)).receipts
    bag = dispatch(fw, receipts[:1], now=T0 + timedelta(hours=1))
    bags.receive_bag(fw["people"]["hoken"], bag, receipts[0].numbers,
                     now=T0 + timedelta(hours=3))
    cancel.cancel_lines(fw["people"]["daishi"], receipts[1], "本人が持ち帰り", now=T0)
    session.commit()
    data = ledger_report.ledger_xlsx(_ledger_rows(fw, T0 + timedelta(hours=4)),
                                     title="回送管理簿", conditions="支所：すべて")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "回送管理簿"
    header = [c.value for c in ws[3]]
    assert header == ["受付番号", "状態", "担当課", "書類", "枚数", "氏名", "預かり日時",
                      "受取日時", "完了日", "超過営業日数", "備考"]
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:K5"
    assert ws["A1"].value == "回送管理簿" and ws["A2"].value == "支所：すべて"
    rows = [dict(zip(header, (c.value for c in row), strict=True))
            for row in ws.iter_rows(min_row=4)]
    assert [(r["受付番号"], r["状態"]) for r in rows] == [
        ("大師-R8-HK-00001", "受領済"), ("大師-R8-KN-00001", "取消")]
    assert rows[0]["受取日時"] == datetime(2026, 6, 1, 13, 0)  # JST wall-clock, a real date
    assert rows[0]["預かり日時"] == datetime(2026, 6, 1, 10, 0) and rows[0]["完了日"] is None
    assert rows[0]["枚数"] == 2 and rows[0]["超過営業日数"] is None
    assert rows[1]["備考"] == "取消理由：本人が持ち帰り（大師 花子）"
    assert ws.column_dimensions["A"].width >= 20
