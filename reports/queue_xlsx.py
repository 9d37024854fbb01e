"""A work queue as the user sees it (filters and order kept), as one Excel sheet."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

from japan.wareki import format_datetime_ja
from reports.xlsx import Column, write_table_xlsx

# key, width, kind
FIELDS = [
    ("case_number", 14, "text"), ("procedure", 24, "text"), ("task", 24, "text"),
    ("applicant", 18, "text"), ("received", None, "datetime"), ("due", None, "datetime"),
    ("late_days", 10, "int"), ("status", 10, "text"), ("assignee", 14, "text"),
    ("channel", 10, "text"),
]
HEADERS_JA = {"case_number": "案件番号", "procedure": "手続", "task": "タスク",
              "applicant": "申請者・住民", "received": "受付日時", "due": "期限",
              "late_days": "超過営業日数", "status": "状態", "assignee": "担当者",
              "channel": "受付経路"}


def _rows(rows: Iterable, labels: Mapping[str, Mapping[str, str]]) -> Iterator[tuple]:
    for row in rows:
        item, case = row.item, row.item.case
        yield (case.number, case.process_version.name or case.process_id, item.name,
               case.subject_name, case.created_at, item.due_at, row.late_days,
               labels.get("status", {}).get(item.status, item.status),
               item.assignee.display_name if item.assignee else "",
               labels.get("channel", {}).get(case.channel, case.channel))


def queue_xlsx(rows: Iterable, *, title: str, conditions: str, now: datetime,
               headers: Mapping[str, str] | None = None,
               labels: Mapping[str, Mapping[str, str]] | None = None) -> bytes:
    """rows: workflows.worklist.queues.Row values; headers/labels: translated texts."""
    headers = {**HEADERS_JA, **(headers or {})}
    columns = [Column(i, str(headers[key]), width=width, kind=kind)
               for i, (key, width, kind) in enumerate(FIELDS)]
    return write_table_xlsx(title, columns, _rows(rows, labels or {}), title_rows=[
        f"{title}（{format_datetime_ja(now)}）", conditions or "—"])
