"""Supervisor bulk actions on queue items: claim, reassign, set the due date (all audited).

Each item goes through the single-item operation; an item that is refused (someone else got
there first, wrong department, already done) changes nothing and is reported, the others go
ahead. One summary audit event records the whole action besides the per-case events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from models.audit import record
from models.base import utcnow
from models.db import db
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows import tasks
from workflows.failures import Conflict, Forbidden, InvalidInput, OperationError
from workflows.permissions import supervises

MAX_BULK = 200


@dataclass
class BulkResult:
    action: str
    done: list[WorkItem] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (label, message)


def items_by_task_ids(task_ids: list[str]) -> list[WorkItem]:
    """The work items with these (public) task ids, in the given order; unknown ids dropped."""
    ids = list(dict.fromkeys(t for t in task_ids if t))[:MAX_BULK]
    if not ids:
        return []
    found = {i.task_id: i for i in db.session.scalars(
        select(WorkItem).where(WorkItem.task_id.in_(ids)))}
    return [found[t] for t in ids if t in found]


def _label(item: WorkItem) -> str:
    return f"{item.case.number} {item.name}"


def _check_supervisor(actor: User, items: list[WorkItem]) -> None:
    if not actor.has_role("supervisor"):
        raise Forbidden(_("Only a supervisor can change several tasks at once."))
    if not items:
        raise InvalidInput(_("The input has errors."),
                           {"task_ids": [_("Select at least one task.")]})


def _run(action: str, items: list[WorkItem], actor: User, one, now: datetime,
         details: dict | None = None) -> BulkResult:
    result = BulkResult(action)
    for item in items:
        try:
            one(item)
        except OperationError as exc:  # the single-item operations refuse before writing
            result.failed.append((_label(item), exc.message))
        else:
            result.done.append(item)
    record("tasks_bulk_" + action, "work_items", "", actor=actor, at=now, details={
        **(details or {}), "done": [i.task_id for i in result.done],
        "failed": [label for label, _m in result.failed]})
    db.session.flush()
    return result


def bulk_claim(items: list[WorkItem], actor: User, now: datetime | None = None) -> BulkResult:
    """A supervisor takes several open items."""
    now = now or utcnow()
    _check_supervisor(actor, items)
    return _run("claimed", items, actor, lambda i: tasks.claim_task(i, actor, now), now)


def bulk_reassign(items: list[WorkItem], actor: User, assignee: User | None,
                  now: datetime | None = None) -> BulkResult:
    """A supervisor gives several items to one person who may work on them."""
    now = now or utcnow()
    _check_supervisor(actor, items)
    if assignee is None:
        raise InvalidInput(_("The input has errors."), {"assignee": [_("Choose a person.")]})
    return _run("reassigned", items, actor,
                lambda i: tasks.reassign_task(i, actor, assignee, now), now,
                {"assignee": assignee.username})


def bulk_set_due(items: list[WorkItem], actor: User, due_at: datetime | None,
                 now: datetime | None = None) -> BulkResult:
    """A supervisor moves the due date of several items."""
    now = now or utcnow()
    _check_supervisor(actor, items)
    if due_at is None:
        raise InvalidInput(_("The input has errors."), {"due_at": [_("Enter the new due date.")]})
    return _run("due_set", items, actor, lambda i: set_due(i, actor, due_at, now), now,
                {"due_at": due_at.isoformat()})


def set_due(item: WorkItem, actor: User, due_at: datetime,
            now: datetime | None = None) -> WorkItem:
    """Change one item's due date (supervisors of its department); audited before/after."""
    department = item.department_id if item.department_id is not None \
        else item.case.department_id
    if not supervises(actor, department):
        raise Forbidden(_("Only a supervisor of this department may do this."))
    before = item.due_at
    result = db.session.execute(
        update(WorkItem).where(WorkItem.id == item.id, WorkItem.status.in_(ACTIVE_STATUSES))
        .values(due_at=due_at, version=WorkItem.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_("This task has already been done."))
    db.session.refresh(item)
    record("task_due_changed", "case", item.case_id, actor=actor, at=now or utcnow(),
           details={"work_item": item.id, "task": item.bpmn_id, "name": item.name,
                    "changed": {"due_at": [before.isoformat(), due_at.isoformat()]}})
    return item
