"""WHERE and ORDER BY of a queue query, built from a QueueFilter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select

from japan.calendar import JST, to_jst
from models.case import Case
from models.db import db
from models.office import Department, Office
from models.user import User
from models.work_item import WorkItem
from workflows.worklist.filters import AGE_BUCKETS, QueueFilter
from workflows.worklist.search import search_clause

# Filters on these need the join to cases; the others stay on work_item and its indexes.
_CASE_SORTS = {"case": Case.number, "procedure": Case.process_id,
               "applicant": Case.subject_key, "received": Case.created_at,
               "channel": Case.channel}


@dataclass
class Conditions:
    where: list[ColumnElement[bool]]
    join_case: bool = False
    join_assignee: bool = False


def day_start(day: date) -> datetime:
    """Midnight in Tokyo at the start of day."""
    return datetime.combine(day, time(0), JST)


def _code_id(model, code: str) -> int:
    return db.session.scalar(select(model.id).where(model.code == code)) or -1


def filter_conditions(f: QueueFilter, now: datetime) -> Conditions:
    """Conditions for everything the filter narrows by (not the queue's own scope)."""
    c = Conditions([])
    today = to_jst(now).date()
    if f.task:
        c.where.append(WorkItem.bpmn_id == f.task)
    if f.status:
        c.where.append(WorkItem.status == f.status)
    if f.role:
        c.where.append(WorkItem.role == f.role)
    if f.department:
        c.where.append(WorkItem.department_id == _code_id(Department, f.department))
    if f.office:
        c.where.append(WorkItem.office_id == _code_id(Office, f.office))
    if f.due == "overdue":
        c.where.append(WorkItem.due_at < now)
    elif f.due == "today":
        c.where += [WorkItem.due_at >= day_start(today),
                    WorkItem.due_at < day_start(today + timedelta(days=1))]
    elif f.due == "week":
        c.where.append(WorkItem.due_at < day_start(today + timedelta(days=7)))
    if f.due_from:
        c.where.append(WorkItem.due_at >= day_start(f.due_from))
    if f.due_to:
        c.where.append(WorkItem.due_at < day_start(f.due_to + timedelta(days=1)))
    if f.age:
        low, high = AGE_BUCKETS[f.age]
        c.where.append(WorkItem.created_at < day_start(today - timedelta(days=low - 1)))
        if high is not None:
            c.where.append(WorkItem.created_at >= day_start(today - timedelta(days=high)))
    if f.procedure:
        c.where.append(Case.process_id == f.procedure)
        c.join_case = True
    if f.channel:
        c.where.append(Case.channel == f.channel)
        c.join_case = True
    if f.q:
        c.where.append(search_clause(f.q))
        c.join_case = True
    return c


def order_columns(f: QueueFilter, *, team: bool) -> tuple[list, bool, bool]:
    """ORDER BY columns, and whether they need the case or the assignee join.

    The default order of the team queue is the tail of ix_work_item_team_queue
    (department_id, due_at, id): with the leading columns fixed by equality, both SQLite and
    PostgreSQL walk the index and stop at LIMIT, with no sort step.
    """
    key, desc = f.sort_key, f.descending
    tail = [WorkItem.due_at, WorkItem.id]
    if key == "due":
        cols = ([WorkItem.department_id] if team else []) + tail
        return [c.desc() if desc else c for c in cols], False, False
    first = _CASE_SORTS.get(key) or {"task": WorkItem.name,
                                     "assignee": User.display_name}[key]
    return [first.desc() if desc else first, *tail], key in _CASE_SORTS, key == "assignee"
