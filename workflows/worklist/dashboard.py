"""The supervisor dashboard's numbers: open items by department and task, overdue and
waiting-on-applicant lists, throughput per day and the ageing of open items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select

from japan.calendar import to_jst
from models.base import UTCDateTime, utcnow
from models.db import db
from models.office import Department
from models.user import User
from models.work_item import WorkItem
from workflows.worklist.conditions import day_start
from workflows.worklist.filters import AGE_BUCKETS, QueueFilter
from workflows.worklist.forwarding_lines import unacknowledged
from workflows.worklist.queues import Count, QueuePage, queue_page

THROUGHPUT_DAYS = 30
LIST_LENGTH = 20


@dataclass
class TaskLine:
    department: Department
    bpmn_id: str
    name: str
    open: int = 0
    claimed: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.open + self.claimed


@dataclass
class Dashboard:
    now: datetime
    lines: list[TaskLine]
    overdue: QueuePage
    waiting: QueuePage
    throughput: list[tuple[date, int]]
    ageing: list[tuple[str, int]]
    forwarding: list = field(default_factory=list)

    def total(self, what: str) -> int:
        """Sum of one column of the task lines: open, claimed, overdue or total."""
        return sum(getattr(line, what) for line in self.lines)


# Built once: executing a compiled statement with new values costs ~50 µs, building one ~1 ms.
_W = WorkItem.__table__.c
_NOW = bindparam("now", type_=UTCDateTime())
_SAME_STATUS = (_W.status == bindparam("status"), _W.department_id == bindparam("dept"))
# Seeks on ix_work_item_dept_task (status, department_id, bpmn_id, name, due_at): the first
# task of a department, the next name of the same task id, the next task id. Each reads one
# index entry (a row-value comparison `(bpmn_id, name) > (…)` is no range for SQLite: it
# read every remaining entry of the department).
_FIRST_TASK = (select(_W.bpmn_id, _W.name).where(*_SAME_STATUS)
               .order_by(_W.bpmn_id, _W.name).limit(1))
_NEXT_NAME = _FIRST_TASK.where(_W.bpmn_id == bindparam("bpmn_id"), _W.name > bindparam("name"))
_NEXT_TASK = _FIRST_TASK.where(_W.bpmn_id > bindparam("bpmn_id"))
_SAME_TASK = (*_SAME_STATUS, _W.bpmn_id == bindparam("bpmn_id"), _W.name == bindparam("name"))


def _task_count(*where):
    return select(func.count()).select_from(WorkItem.__table__) \
        .where(*_SAME_TASK, *where).scalar_subquery()


# Overdue and not yet due, side by side: each index entry of the task is read once, and the
# two add up to the task's total (due_at is NOT NULL).
_COUNT_SPLIT = select(_task_count(_W.due_at < _NOW), _task_count(_W.due_at >= _NOW))


def _range_counts(column, n: int, *where):
    """One statement of n scalar subqueries: rows with lo{i} <= column < hi{i} (one round
    trip; each subquery is an index range count)."""
    def bound(name: str):
        return bindparam(name, type_=UTCDateTime())

    return select(*[select(func.count()).select_from(WorkItem.__table__).where(
        *where, column >= bound(f"lo{i}"), column < bound(f"hi{i}")).scalar_subquery()
        for i in range(n)])


def _ranges(bounds: list[tuple[datetime, datetime]]) -> dict[str, datetime]:
    return {f"{end}{i}": value for i, pair in enumerate(bounds)
            for end, value in zip(("lo", "hi"), pair, strict=True)}


_DEPTS = _W.department_id.in_(bindparam("depts", expanding=True))
_YOUNG = list(AGE_BUCKETS.items())[:-1]  # the oldest bucket is what these leave
_COUNT_AGES = _range_counts(_W.created_at, len(_YOUNG), _W.status.in_(("open", "claimed")),
                            _DEPTS)
_COUNT_DONE = _range_counts(_W.completed_at, THROUGHPUT_DAYS, _W.status == "completed",
                            _DEPTS)


def _groups(status: str, department_id: int) -> list[tuple[str, str]]:
    """Distinct (task id, name) of a department's items in status, one index seek each
    (a loose index scan: the items themselves are never read)."""
    found: list[tuple[str, str]] = []
    conn = db.session.connection()
    params = {"status": status, "dept": department_id}
    row = conn.execute(_FIRST_TASK, params).first()
    while row is not None:
        found.append((row[0], row[1]))
        key = {**params, "bpmn_id": row[0], "name": row[1]}
        row = conn.execute(_NEXT_NAME, key).first() or conn.execute(_NEXT_TASK, key).first()
    return found


def open_lines(department_ids: set[int], now: datetime) -> tuple[list[TaskLine], dict[str, int]]:
    """Open and claimed items per department and task (with overdue), and the age buckets.

    Counted as ranges of ix_work_item_dept_task (status, department_id, bpmn_id, name, due_at)
    and ix_work_item_dept_age (status, department_id, created_at), never the rows and no
    GROUP BY: each open item's index entry is read once for its task (overdue or not), once
    more for the ageing if it is younger than the oldest bucket.
    """
    departments = {d.id: d for d in db.session.scalars(
        select(Department).where(Department.id.in_(department_ids or {-1})))}
    lines: dict[tuple, TaskLine] = {}
    for status in ("open", "claimed"):
        for dept_id in sorted(departments):
            for bpmn_id, name in _groups(status, dept_id):
                params = {"status": status, "dept": dept_id, "bpmn_id": bpmn_id, "name": name}
                line = lines.setdefault((dept_id, bpmn_id, name),
                                        TaskLine(departments[dept_id], bpmn_id, name))
                late, not_due = db.session.connection().execute(
                    _COUNT_SPLIT, {**params, "now": now}).one()
                setattr(line, status, late + not_due)
                line.overdue += late
    order = sorted(lines.values(), key=lambda x: (x.department.position, x.department.id,
                                                  -x.total, x.name))
    return order, _ageing(set(departments), sum(x.total for x in order), now)


def _ageing(department_ids: set[int], total: int, now: datetime) -> dict[str, int]:
    """Open and claimed items per AGE_BUCKETS entry (days since they entered the queue);
    the oldest bucket is what the younger ones leave of the total (not counted again)."""
    today = to_jst(now).date()
    ages = dict.fromkeys(AGE_BUCKETS, 0)
    if department_ids:
        bounds = [(day_start(today - timedelta(days=high)),
                   day_start(today - timedelta(days=low - 1))) for _key, (low, high) in _YOUNG]
        row = db.session.connection().execute(_COUNT_AGES, {
            "depts": sorted(department_ids), **_ranges(bounds)}).one()
        ages.update(zip((key for key, _b in _YOUNG), (int(n or 0) for n in row), strict=True))
    oldest = list(AGE_BUCKETS)[-1]
    ages[oldest] = total - sum(ages.values())
    return ages


def throughput(department_ids: set[int], now: datetime) -> list[tuple[date, int]]:
    """Items completed per day (Tokyo dates) over the last THROUGHPUT_DAYS days, today
    included: range counts on ix_work_item_done (status, completed_at, department_id)."""
    first = to_jst(now).date() - timedelta(days=THROUGHPUT_DAYS - 1)
    days = [first + timedelta(days=i) for i in range(THROUGHPUT_DAYS)]
    if not department_ids:
        return [(d, 0) for d in days]
    bounds = [(day_start(d), day_start(d + timedelta(days=1))) for d in days]
    row = db.session.connection().execute(_COUNT_DONE, {
        "depts": sorted(department_ids), **_ranges(bounds)}).one()
    return list(zip(days, (int(n or 0) for n in row), strict=True))


def dashboard(user: User, now: datetime | None = None) -> Dashboard:
    """Everything the dashboard shows, for the departments the user supervises."""
    now = now or utcnow()
    ids = user.department_ids if user.has_role("supervisor") else set()
    lines, ages = open_lines(ids, now)
    # The overdue total is already counted per task above; counting it again through the
    # queue would read every overdue row of every department to find this one's.
    overdue_total = Count(sum(line.overdue for line in lines))
    return Dashboard(
        now, lines,
        queue_page(user, "all", QueueFilter(due="overdue", per_page=LIST_LENGTH), now=now,
                   total=overdue_total),
        queue_page(user, "all", QueueFilter(role="applicant", per_page=LIST_LENGTH), now=now),
        throughput(ids, now), list(ages.items()), unacknowledged(ids, now))
