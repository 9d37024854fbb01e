"""Read-side look-ups of cases and work items (no writes)."""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from models.audit import AuditEvent
from models.case import Case
from models.db import db
from models.office import Department, Office
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows import loading, params


def case_by_ref(ref: str) -> Case | None:
    """A case by id or by number (R7-000123)."""
    if ref.isdigit():  # any digits: an id, or nothing when not a 64-bit one
        ident = params.db_id(ref)
        return db.session.scalar(select(Case).where(Case.id == ident)) if ident else None
    return db.session.scalar(select(Case).where(Case.number == ref))


def work_item_by_task_id(task_id: str) -> WorkItem | None:
    """The work item with this task id and its case, read by one prebuilt statement."""
    return loading.work_item_by_task_id(task_id)


def case_items(case: Case, *, active: bool | None = None) -> list[WorkItem]:
    """The case's work items, oldest first (only active or finished ones when asked)."""
    query = select(WorkItem).where(WorkItem.case_id == case.id).order_by(WorkItem.id)
    if active is True:
        query = query.where(WorkItem.status.in_(ACTIVE_STATUSES))
    elif active is False:
        query = query.where(WorkItem.status.notin_(ACTIVE_STATUSES))
    return list(db.session.scalars(query))


def case_history(case: Case) -> list[AuditEvent]:
    """The case's audit events in order: its timeline."""
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "case", AuditEvent.object_id == str(case.id)
    ).order_by(AuditEvent.id)))


def actionable_items(user: User, *, role: str | None = None, office: str | None = None,
                     department: str | None = None, assigned_to_me: bool = False,
                     limit: int = 100) -> list[WorkItem]:
    """Open items the user may act on: assigned to them, or routed to their role/office/dept."""
    mine = and_(WorkItem.assignee_id == user.id, WorkItem.status == "claimed")
    team = and_(WorkItem.status == "open", WorkItem.role.in_(user.roles),
                or_(WorkItem.office_id.is_(None), WorkItem.office_id == user.office_id),
                or_(WorkItem.department_id.is_(None),
                    WorkItem.department_id.in_(user.department_ids or {-1})))
    query = select(WorkItem).where(mine if assigned_to_me else or_(mine, team))
    if role:
        query = query.where(WorkItem.role == role)
    if office:
        query = query.where(WorkItem.office_id.in_(select(Office.id).where(Office.code == office)))
    if department:
        query = query.where(WorkItem.department_id.in_(
            select(Department.id).where(Department.code == department)))
    return list(db.session.scalars(query.order_by(WorkItem.due_at, WorkItem.id).limit(limit)))
