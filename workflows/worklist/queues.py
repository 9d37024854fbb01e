"""The three work queues: a page of rows, capped counts, the next task, rows for export.

- mine: items claimed by the user (ix_work_item_assignee).
- team: open items of one of the user's teams (ix_work_item_team_queue, no sort step).
- all:  open and claimed items of the departments a supervisor supervises.

Pages are fetched in two steps: the ids of the page (index order, LIMIT/OFFSET, one row more
to know whether a next page exists), then those rows with their case, process version and
assignee. Counts stop at COUNT_CAP: "1,000+" is enough to know a queue is long.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import Select, and_, func, select, union_all
from sqlalchemy.orm import joinedload

from japan.calendar import business_days_between, to_jst
from models.base import utcnow
from models.case import Case
from models.db import db
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows.worklist.conditions import filter_conditions, order_columns
from workflows.worklist.filters import QueueFilter
from workflows.worklist.teams import (
    Team,
    all_clause,
    mine_clause,
    pick_team,
    team_clause,
    teams_of,
)

COUNT_CAP = 1000
EXPORT_LIMIT = 10_000


@dataclass(frozen=True)
class Count:
    value: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.capped else f"{self.value:,}"

    def __add__(self, other: Count) -> Count:
        return Count(self.value + other.value, self.capped or other.capped)


@dataclass(frozen=True)
class Row:
    item: WorkItem
    due_state: str  # "overdue", "today" or ""
    late_days: int | None  # business days past the due date, for overdue items
    due_today: bool = False  # the due date (Tokyo) is today


@dataclass
class QueuePage:
    queue: str
    rows: list[Row]
    page: int
    per_page: int
    has_next: bool
    total: Count
    team: Team | None = None
    teams: list[Team] = field(default_factory=list)

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def _base(user: User, queue: str, f: QueueFilter, now: datetime, team: Team | None,
          columns) -> tuple[Select, list]:
    c = filter_conditions(f, now)
    order, order_case, order_user = order_columns(f, team=queue == "team")
    if queue == "mine":
        scope = mine_clause(user)
    elif queue == "team":
        scope = team_clause(team) if team else None
    else:
        scope = and_(all_clause(user), WorkItem.status.in_(ACTIVE_STATUSES))
        c.join_case = True
    query = select(*columns).select_from(WorkItem)
    if c.join_case or order_case:
        query = query.join(Case, Case.id == WorkItem.case_id)
    if order_user:
        query = query.outerjoin(User, User.id == WorkItem.assignee_id)
    where = c.where + ([scope] if scope is not None else [WorkItem.id < 0])
    return query.where(*where), order


def _page_ids(user, queue, f, now, team, offset: int, limit: int) -> list[int]:
    if queue == "all" and f.is_default_order and not f.status and not f.role:
        # One index walk per status (status, due_at, id), merged: no sort of the whole queue.
        # (With a role the (status, role, …) index finds the few items, then they are sorted:
        # walking the due dates past 300,000 other items to find them would take seconds.)
        parts = []
        for status in ("open", "claimed"):
            query, order = _base(user, queue, f, now, team, [WorkItem.id, WorkItem.due_at])
            sub = query.where(WorkItem.status == status).order_by(*order) \
                .limit(offset + limit).subquery()
            parts.append(select(sub.c.id, sub.c.due_at))
        merged = union_all(*parts).subquery()
        key = [merged.c.due_at.desc(), merged.c.id.desc()] if f.descending \
            else [merged.c.due_at, merged.c.id]
        return list(db.session.scalars(select(merged.c.id).order_by(*key)
                                       .offset(offset).limit(limit)))
    return list(db.session.scalars(page_statement(user, queue, f, now, team, offset, limit)))


def page_statement(user: User, queue: str, f: QueueFilter, now: datetime, team: Team | None,
                   offset: int, limit: int) -> Select:
    """SELECT of one page's work item ids (the plain, single-walk case)."""
    query, order = _base(user, queue, f, now, team, [WorkItem.id])
    return query.order_by(*order).offset(offset).limit(limit)


def load_items(ids: list[int]) -> list[WorkItem]:
    """Work items by id, in the given order, with what a queue row shows."""
    if not ids:
        return []
    found = {i.id: i for i in db.session.scalars(
        select(WorkItem).where(WorkItem.id.in_(ids)).options(
            joinedload(WorkItem.case).joinedload(Case.process_version),
            joinedload(WorkItem.assignee))).unique()}
    return [found[i] for i in ids if i in found]


@lru_cache(maxsize=4096)
def _business_days_late(due_day: date, today: date) -> int:
    return max(business_days_between(due_day, today), 0)


def due_state(item: WorkItem, now: datetime) -> tuple[str, int | None, bool]:
    """("overdue", business days late, due today?) or ("today" / "", None, due today?)."""
    today = to_jst(now).date()
    due_day = to_jst(item.due_at).date()
    if item.due_at < now:
        return "overdue", _business_days_late(due_day, today), due_day == today
    return ("today" if due_day == today else ""), None, due_day == today


def count(user: User, queue: str, f: QueueFilter | None = None, *, team: Team | None = None,
          now: datetime | None = None) -> Count:
    """How many items the queue holds, counted up to COUNT_CAP + 1 index entries."""
    f = f or QueueFilter()
    query, _order = _base(user, queue, f, now or utcnow(), team, [WorkItem.id])
    n = db.session.scalar(select(func.count()).select_from(
        query.limit(COUNT_CAP + 1).subquery())) or 0
    return Count(min(n, COUNT_CAP), n > COUNT_CAP)


def queue_page(user: User, queue: str, f: QueueFilter, page: int = 1,
               now: datetime | None = None, total: Count | None = None) -> QueuePage:
    """One page of a queue, with its capped total (counted unless given)."""
    now = now or utcnow()
    page = max(page, 1)
    team = pick_team(user, f.team) if queue == "team" else None
    ids = _page_ids(user, queue, f, now, team, (page - 1) * f.per_page, f.per_page + 1)
    rows = [Row(item, *due_state(item, now)) for item in load_items(ids[:f.per_page])]
    if total is None:
        total = count(user, queue, f, team=team, now=now)
    return QueuePage(queue, rows, page, f.per_page, len(ids) > f.per_page, total, team,
                     teams_of(user) if queue == "team" else [])


def next_item(user: User, queue: str, f: QueueFilter, *, skip: int | None = None,
              now: datetime | None = None) -> WorkItem | None:
    """The first item of the queue as filtered (the next one to work on), skipping one id."""
    now = now or utcnow()
    team = pick_team(user, f.team) if queue == "team" else None
    ids = [i for i in _page_ids(user, queue, f, now, team, 0, 2) if i != skip]
    return db.session.get(WorkItem, ids[0]) if ids else None


def export_items(user: User, queue: str, f: QueueFilter, now: datetime | None = None
                 ) -> Iterator[Row]:
    """Every row of the queue as filtered and ordered (at most EXPORT_LIMIT), for Excel."""
    now = now or utcnow()
    team = pick_team(user, f.team) if queue == "team" else None
    ids = _page_ids(user, queue, f, now, team, 0, EXPORT_LIMIT)
    for start in range(0, len(ids), 500):
        for item in load_items(ids[start:start + 500]):
            yield Row(item, *due_state(item, now))
