"""Work item operations: claim, unclaim, reassign. Each is one atomic conditional UPDATE."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update

from models.audit import record
from models.base import utcnow
from models.db import db
from models.user import User
from models.work_item import WorkItem
from workflows.failures import Conflict, Forbidden
from workflows.permissions import check_can_claim, matches_item, supervises


def claim_task(item: WorkItem, actor: User, now: datetime | None = None) -> WorkItem:
    """Take an open item; a second claimant gets a conflict, never a shared item."""
    check_can_claim(actor, item)
    _conditional_update(item, {"status": "claimed", "assignee_id": actor.id},
                        WorkItem.status == "open", _claim_conflict(item))
    record("task_claimed", "case", item.case_id, actor=actor, at=now or utcnow(),
           details={"work_item": item.id, "task": item.bpmn_id, "name": item.name})
    return item


def unclaim_task(item: WorkItem, actor: User, now: datetime | None = None) -> WorkItem:
    """Put a claimed item back in the team queue (its assignee or a supervisor)."""
    if item.assignee_id != actor.id and not supervises(actor, item.department_id):
        raise Forbidden(_("Only the assignee or a supervisor can release this task."))
    previous = item.assignee.username if item.assignee else None
    _conditional_update(item, {"status": "open", "assignee_id": None},
                        (WorkItem.status == "claimed") & (WorkItem.assignee_id == item.assignee_id),
                        _("This task is no longer assigned as shown. Reload the page."))
    record("task_unclaimed", "case", item.case_id, actor=actor, at=now or utcnow(),
           details={"work_item": item.id, "task": item.bpmn_id, "before": previous})
    return item


def reassign_task(item: WorkItem, actor: User, assignee: User,
                  now: datetime | None = None) -> WorkItem:
    """A supervisor gives an open or claimed item to a user who may work on it."""
    if not supervises(actor, item.department_id):
        raise Forbidden(_("Only a supervisor can reassign tasks."))
    if not assignee.active or not matches_item(assignee, item):
        raise Forbidden(_("%(name)s cannot work on this task (role, office or department).",
                          name=assignee.display_name))
    previous = item.assignee.username if item.assignee else None
    _conditional_update(item, {"status": "claimed", "assignee_id": assignee.id},
                        WorkItem.status.in_(("open", "claimed")),
                        _("This task has already been done."))
    record("task_reassigned", "case", item.case_id, actor=actor, at=now or utcnow(),
           details={"work_item": item.id, "task": item.bpmn_id, "before": previous,
                    "after": assignee.username})
    return item


def _claim_conflict(item: WorkItem) -> str:
    return _("Someone else has already claimed this task, or it is done.")


def _conditional_update(item: WorkItem, values: dict, condition, conflict_message: str) -> None:
    result = db.session.execute(
        update(WorkItem).where(WorkItem.id == item.id, condition)
        .values(version=WorkItem.version + 1, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(conflict_message)
    db.session.refresh(item)
