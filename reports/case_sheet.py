"""The case sheet (案件票): a case's data, tasks, history and staff comments on A4."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reports.pdf import render_template_pdf

ACTION_JA = {"case_started": "受付", "case_completed": "完了", "case_cancelled": "取消",
             "case_error": "エラー", "case_retried": "再実行", "case_data_edited": "データ修正",
             "task_completed": "タスク完了", "task_claimed": "担当", "task_unclaimed": "担当解除",
             "task_reassigned": "担当変更", "timer_fired": "期限到来",
             "case_comment_added": "コメント", "task_due_changed": "期限変更"}
STATUS_JA = {"active": "処理中", "waiting": "待機中", "completed": "完了", "error": "エラー",
             "cancelled": "取消", "open": "未着手", "claimed": "処理中"}


def case_sheet_pdf(case: Any, *, items: Sequence[Any], history: Sequence[Any],
                   comments: Sequence[Any], printed_at: datetime) -> bytes:
    return render_template_pdf("staff/case_sheet.html", case=case, items=items,
                               history=history, comments=comments, printed_at=printed_at,
                               action_ja=ACTION_JA, status_ja=STATUS_JA)
