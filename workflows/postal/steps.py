"""The postal_application process: its BPMN steps, the open work item, deployment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from forms.postal import via_postal_screens
from models.case import Case
from models.db import db
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows import cases
from workflows.cases import Outcome
from workflows.failures import Conflict

PROCESS_ID = "postal_application"
REVIEW = "review"
CONFIRM_REJECTION = "confirm_rejection"
SEND_LETTER = "send_letter"
AWAIT = "await_documents"
REMIND = "send_reminder"
SEND_RESULT = "send_result"
# What the case is waiting for, in words (the postal page and the registers show it).
STEP_LABELS_JA = {REVIEW: "審査待ち", CONFIRM_REJECTION: "却下の決裁待ち",
                  SEND_LETTER: "補正依頼の発送待ち", AWAIT: "補正書類の到着待ち",
                  REMIND: "督促状の発送待ち", SEND_RESULT: "結果の発送待ち"}
OUTCOME_LABELS_JA = {"completed": "完了", "rejected": "却下", "withdrawn": "取下げ"}


def open_step(case: Case | None) -> WorkItem | None:
    """The case's open work item (a postal case waits for one step at a time)."""
    if case is None:
        return None
    return db.session.scalar(select(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.status.in_(ACTIVE_STATUSES))
        .order_by(WorkItem.id).limit(1))


def status_ja(case: Case | None) -> str:
    """The case's state for a clerk: the step it waits for, or how it ended."""
    if case is None:
        return ""
    if case.status == "completed":
        data = case.data or {}
        label = OUTCOME_LABELS_JA.get(str(data.get("outcome")), "終了")
        return "取下げ扱い（期限切れ）" if data.get("withdrawn_reason") == "expired" else label
    if case.status == "cancelled":
        return "取消"
    if case.status == "error":
        return "エラー"
    item = open_step(case)
    return STEP_LABELS_JA.get(item.bpmn_id, item.name) if item else ""


def complete(case: Case, bpmn_ids: tuple[str, ...], data: dict, *, actor: User, now: datetime,
             not_waiting: str, expected_version: int | None = None) -> Outcome:
    """Complete the open step if it is one of bpmn_ids; Conflict(not_waiting) otherwise."""
    item = open_step(case)
    if item is None or item.bpmn_id not in bpmn_ids:
        raise Conflict(not_waiting)
    with via_postal_screens():
        return cases.complete_task(item, data, actor=actor, now=now,
                                   expected_version=expected_version)


def deploy_process(actor: User | None = None) -> list:
    """Deploy the bpmn/postal_application folder alone (tests); idempotent."""
    from workflows.registry import BUILTIN_DIR, deploy

    folder = BUILTIN_DIR / PROCESS_ID
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
             if p.suffix.lower() in (".bpmn", ".dmn")}
    return deploy(files, actor)
