"""Advance a receipt's forwarding case by completing the BPMN step that matches its status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from forms.forwarding_tasks import via_operation
from models.case import Case
from models.db import db
from models.receipt import Receipt
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows import cases
from workflows.failures import Conflict

PROCESS_ID = "branch_forwarding"
# The task each active line status waits for (the reminder replaces return_receipt).
STEP_FOR_STATUS: dict[str, tuple[str, ...]] = {
    "held": ("dispatch",),
    "in_transit": ("receive",),
    "received": ("return_receipt", "remind_return"),
    "returning": ("file_receipt",),
}


def open_step(case: Case | None, bpmn_ids: tuple[str, ...]) -> WorkItem | None:
    """The case's open work item for one of these BPMN tasks, if any."""
    if case is None:
        return None
    return db.session.scalar(select(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.status.in_(ACTIVE_STATUSES),
        WorkItem.bpmn_id.in_(bpmn_ids)).order_by(WorkItem.id).limit(1))


def complete_step(receipt: Receipt, bpmn_ids: tuple[str, ...], data: dict, *, actor: User,
                  now: datetime, not_waiting: str) -> str | None:
    """Complete the open step; Conflict(not_waiting) if the case is not waiting for it.

    Returns the engine error message when the case went into error (the domain change still
    stands: the documents did move; a supervisor retries the case).
    """
    item = open_step(receipt.case, bpmn_ids)
    if item is None:
        raise Conflict(not_waiting)
    with via_operation():
        outcome = cases.complete_task(item, data, actor=actor, now=now)
    return outcome.error


def refresh_due(receipt: Receipt) -> None:
    """Copy the deadline of the step each active line waits for onto the line."""
    for line in receipt.lines:
        steps = STEP_FOR_STATUS.get(line.status)
        if steps is None:
            line.due_at = None
            continue
        item = open_step(receipt.case, steps)
        if item is not None:
            line.due_at = item.due_at


def touch(receipt: Receipt, now: datetime) -> None:
    """Mark the receipt changed: its version check turns a concurrent change into a conflict."""
    receipt.updated_at = now


def deploy_process(actor: User | None = None) -> list:
    """Deploy the bpmn/branch_forwarding folder alone (tests, benchmarks); idempotent."""
    from workflows.registry import BUILTIN_DIR, deploy

    folder = BUILTIN_DIR / PROCESS_ID
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())
             if p.suffix.lower() in (".bpmn", ".dmn")}
    return deploy(files, actor)
