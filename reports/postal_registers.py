"""The postal registers as Excel and A4 landscape PDF: 郵送受付簿, 発送簿, 定額小為替受領日計表.

Rows are the dicts of ``workflows.postal.registers``; headers are Japanese because the
registers are official records kept in Japanese.
"""

from __future__ import annotations

from datetime import datetime

from reports.pdf import render_template_pdf
from reports.xlsx import Column, write_table_xlsx

PDF_MAX_ROWS = 2000

INTAKE_TITLE = "郵送受付簿"
DISPATCH_TITLE = "発送簿"
CASH_TITLE = "定額小為替受領日計表"

INTAKE_FIELDS = [
    ("intake_number", "受付番号", 14, "text"), ("arrival_date", "到着日", 11, "date"),
    ("postmark_date", "消印日", 11, "date"), ("kind", "区分", 6, "text"),
    ("department", "担当課", 13, "text"), ("procedure", "手続", 30, "text"),
    ("sender_name", "差出人", 16, "text"), ("sender_postal_code", "郵便番号", 10, "text"),
    ("sender_address", "住所", 36, "text"), ("enclosures", "同封書類", 40, "text"),
    ("money_orders", "小為替枚数", 9, "int"), ("money_order_total", "小為替金額", 10, "int"),
    ("return_envelope", "返信用封筒", 9, "text"), ("deadline_rule", "期限の扱い", 10, "text"),
    ("deadline", "提出期限", 11, "date"), ("late", "期限後", 7, "text"),
    ("case_number", "案件番号", 12, "text"), ("status", "状態", 16, "text"),
    ("remarks", "備考", 30, "text"),
]
DISPATCH_FIELDS = [
    ("sent_on", "発送日", 11, "date"), ("kind", "種別", 12, "text"),
    ("case_number", "案件番号", 12, "text"), ("department", "担当課", 13, "text"),
    ("procedure", "手続", 30, "text"), ("recipient_name", "宛名", 16, "text"),
    ("recipient_postal_code", "郵便番号", 10, "text"), ("recipient_address", "住所", 36, "text"),
    ("method", "発送方法", 11, "text"), ("tracking_number", "追跡番号", 16, "text"),
    ("due_date", "提出期限", 11, "date"), ("sent_by", "発送者", 12, "text"),
]
CASH_FIELDS = [
    ("intake_number", "受付番号", 14, "text"), ("sender_name", "差出人", 16, "text"),
    ("procedure", "手続", 30, "text"), ("number", "証書番号", 16, "text"),
    ("amount", "金額（円）", 10, "int"),
]


# The printed intake register leaves out what only Excel needs (A4 landscape has room for
# about a dozen columns).
_PDF_INTAKE = ("intake_number", "arrival_date", "postmark_date", "kind", "department",
               "procedure", "sender_name", "sender_address", "money_order_total",
               "return_envelope", "deadline", "late", "case_number", "status")


def _columns(fields) -> list[Column]:
    return [Column(key, header, width=width, kind=kind) for key, header, width, kind in fields]


def register_xlsx(kind: str, rows: list[dict], *, title: str, conditions: str) -> bytes:
    """One sheet: title rows, frozen header, auto-filter, real dates."""
    sheet, fields = _SPEC[kind]
    return write_table_xlsx(sheet, _columns(fields), rows, title_rows=[title, conditions])


def register_pdf(kind: str, rows: list[dict], *, title: str, conditions: str,
                 printed_at: datetime) -> bytes:
    """The register on A4 landscape pages; late envelopes shaded."""
    _sheet, fields = _SPEC[kind]
    if kind == "intake":
        fields = [f for f in fields if f[0] in _PDF_INTAKE]
    return render_template_pdf("postal/register.html", rows=rows, title=title,
                               conditions=conditions, printed_at=printed_at,
                               fields=[(key, header) for key, header, *_rest in fields],
                               total=sum(r["amount"] for r in rows) if kind == "cash" else None)


_SPEC = {"intake": (INTAKE_TITLE, INTAKE_FIELDS), "dispatch": (DISPATCH_TITLE, DISPATCH_FIELDS),
         "cash": (CASH_TITLE, CASH_FIELDS)}
