"""The forwarding ledger (回送管理簿) as an Excel sheet or an A4 landscape PDF.

Rows are the plain dicts of ``workflows.forwarding.ledger.export_rows``; labels are Japanese
because the ledger is an official record kept in Japanese.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from japan.calendar import to_jst
from reports.pdf import render_template_pdf
from reports.xlsx import Column, write_table_xlsx

SHEET_TITLE = "回送管理簿"
STATUS_JA = {"held": "預かり済", "in_transit": "回送中", "received": "受領済",
             "returning": "返送中", "filed": "完了", "cancelled": "取消"}
# A printed ledger is for reading; longer ones belong in Excel.
PDF_MAX_ROWS = 2000

# Dates of the routine steps are whole days; the two times that matter are kept to the
# minute (taken in, received by the department). Fewer styled date-time cells keep a
# 10,000-line export under two seconds.
# Eleven columns: every cell costs openpyxl 15-30 µs, so each extra column adds 0.15-0.3 s per
# 10,000 lines. The branch is the prefix of the receipt number (大師-…); the bag, dispatch and
# return dates are on the receipt's page; 期限 matters only once passed (超過営業日数).
_FIELDS = [
    ("number", "受付番号", 22, "text"),
    ("status_ja", "状態", 9, "text"),
    ("department", "担当課", 15, "text"),
    ("type_name", "書類", 36, "text"),
    ("sheets", "枚数", 6, "int"),
    ("resident", "氏名", 16, "text"),
    ("issued_at", "預かり日時", None, "datetime"),
    ("received_at", "受取日時", None, "datetime"),
    ("filed_on", "完了日", None, "date"),
    ("late_days", "超過営業日数", 12, "int"),
    ("remark", "備考", 40, "text"),
]
# Rows go to Excel as tuples in this order (index look-ups are the cheapest per cell).
COLUMNS = [Column(i, header, width=width, kind=kind)
           for i, (_key, header, width, kind) in enumerate(_FIELDS)]
_IN_COLUMN_ORDER = operator.itemgetter(*(key for key, *_rest in _FIELDS))


def remark(row: dict) -> str:
    """不着 (missing on arrival) and who cancelled why, for the 備考 column."""
    parts = []
    if row.get("missing"):
        parts.append("不着")
    if row.get("cancel_reason"):
        who = f"（{row['cancelled_by']}）" if row.get("cancelled_by") else ""
        parts.append(f"取消理由：{row['cancel_reason']}{who}")
    return "　".join(parts)


def _day(value: datetime | None) -> date | None:
    return None if value is None else to_jst(value).date()


def present(rows: Iterable[dict]) -> Iterator[dict]:
    """Add the Japanese status, the 備考 text and the JST dates to each row."""
    for row in rows:
        row["status_ja"] = STATUS_JA.get(row["status"], row["status"])
        row["remark"] = remark(row)
        row["filed_on"] = _day(row["filed_at"])
        yield row


def as_tuples(rows: Iterable[dict]) -> Iterator[tuple]:
    """Presented rows as tuples in column order, for the Excel writer."""
    return map(_IN_COLUMN_ORDER, present(rows))


def ledger_xlsx(rows: Iterable[dict], *, title: str, conditions: str) -> bytes:
    """The ledger as one sheet: title rows, frozen header, auto-filter, real dates."""
    return write_table_xlsx(SHEET_TITLE, COLUMNS, as_tuples(rows),
                            title_rows=[title, conditions])


def short_datetime(value: datetime | None) -> str:
    """26-06-01 09:30 in Tokyo time; empty for None (the ledger has many date columns)."""
    return "" if value is None else f"{to_jst(value):%y-%m-%d %H:%M}"


def ledger_pdf(rows: list[dict], *, title: str, conditions: str, printed_at: datetime) -> bytes:
    """The ledger on A4 landscape pages, overdue lines shaded with how late they are."""
    return render_template_pdf("forwarding/ledger.html", rows=list(present(rows)), title=title,
                               conditions=conditions, printed_at=printed_at,
                               fmt=short_datetime)
