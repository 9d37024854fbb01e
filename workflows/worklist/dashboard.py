"""The supervisor dashboard's numbers: open items by department and task, overdue and
waiting-on-applicant lists, throughput per day and the ageing of open items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func, select, tuple_

from japan.calendar import to_jst
from models.base import UTCDateTime, utcnow
from models.office import Department
from models.user import User
from models.work_item import WorkItem
from webapp.extensions import db
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
_SAME_TASK = (_W.status == bindparam("status"), _W.department_id == bindparam("dept"))
_FIRST_GROUP = (select(_W.bpmn_id, _W.name).where(*_SAME_TASK)
                .order_by(_W.bpmn_id, _W.name).limit(1))
_NEXT_GROUP = _FIRST_GROUP.where(tuple_(_W.bpmn_id, _W.name) >
                                 tuple_(bindparam("bpmn_id"), bindparam("name")))
_TASK = (*_SAME_TASK, _W.bpmn_id == bindparam("bpmn_id"), _W.name == bindparam("name"))
_COUNT_TASK = select(func.count()).select_from(WorkItem.__table__).where(*_TASK)
_COUNT_LATE = _COUNT_TASK.where(_W.due_at < bindparam("now", type_=UTCDateTime()))
def _range_counts(column, n: int, *where):
    """One statement of n scalar subqueries: rows with b{i} <= column < b{i+1} (one round
    trip; each subquery is an index range count)."""
    bounds = [bindparam(f"b{i}", type_=UTCDateTime()) for i in range(n + 1)]
    return select(*[select(func.count()).select_from(WorkItem.__table__).where(
        *where, column >= bounds[i], column < bounds[i + 1]).scalar_subquery()
        for i in range(n)])


_DEPTS = _W.department_id.in_(bindparam("depts", expanding=True))
_COUNT_AGES = _range_counts(_W.created_at, 1, _W.status.in_(("open", "claimed")), _DEPTS)
_COUNT_DONE = _range_counts(_W.completed_at, THROUGHPUT_DAYS, _W.status == "completed",
                            _DEPTS)


def _scalar(statement, **params) -> int:
    return int(db.session.connection().execute(statement, params).scalar() or 0)


def _groups(status: str, department_id: int) -> list[tuple[str, str]]:
    """Distinct (task id, name) of a department's items in status, one index seek each
    (a loose index scan: the items themselves are never read)."""
    found: list[tuple[str, str]] = []
    conn = db.session.connection()
    row = conn.execute(_FIRST_GROUP, {"status": status, "dept": department_id}).first()
    while row is not None:
        found.append((row[0], row[1]))
        row = conn.execute(_NEXT_GROUP, {"status": status, "dept": department_id,
                                         "bpmn_id": row[0], "name": row[1]}).first()
    return found


def open_lines(department_ids: set[int], now: datetime) -> tuple[list[TaskLine], dict[str, int]]:
    """Open and claimed items per department and task (with overdue), and the age buckets.

    Counted as ranges of ix_work_item_dept_task (status, department_id, bpmn_id, name, due_at)
    and ix_work_item_dept_age (status, department_id, created_at): no GROUP BY over the rows,
    so 400,000 open items cost tens of milliseconds, not seconds.
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
                setattr(line, status, _scalar(_COUNT_TASK, **params))
                line.overdue += _scalar(_COUNT_LATE, now=now, **params)
    order = sorted(lines.values(), key=lambda x: (x.department.position, x.department.id,
                                                  -x.total, x.name))
    return order, _ageing(set(departments), sum(x.total for x in order), now)


def _ageing(department_ids: set[int], total: int, now: datetime) -> dict[str, int]:
    """Open and claimed items per AGE_BUCKETS entry (days since they entered the queue);
    the oldest bucket is what the younger ones leave of the total (not counted again)."""
    today = to_jst(now).date()
    ages = dict.fromkeys(AGE_BUCKETS, 0)
    *young, oldest = AGE_BUCKETS.items()
    depts = sorted(department_ids)
    for key, (low, high) in young if depts else ():
        ages[key] = _scalar(_COUNT_AGES, depts=depts,
                            b0=day_start(today - timedelta(days=high)),
                            b1=day_start(today - timedelta(days=low - 1)))
    ages[oldest[0]] = total - sum(ages.values())
    return ages


def throughput(department_ids: set[int], now: datetime) -> list[tuple[date, int]]:
    """Items completed per day (Tokyo dates) over the last THROUGHPUT_DAYS days, today
    included: range counts on ix_work_item_done (status, completed_at, department_id)."""
    first = to_jst(now).date() - timedelta(days=THROUGHPUT_DAYS - 1)
    days = [first + timedelta(days=i) for i in range(THROUGHPUT_DAYS + 1)]
    if not department_ids:
        return [(d, 0) for d in days[:-1]]
    row = db.session.connection().execute(_COUNT_DONE, {
        "depts": sorted(department_ids),
        **{f"b{i}": day_start(d) for i, d in enumerate(days)}}).one()
    return list(zip(days[:-1], (int(n or 0) for n in row), strict=True))


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
