"""Persisting an engine run into a case: state, data, status, work items and timers together."""

from __future__ import annotations

import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from japan.text import search_key
from models.audit import record
from models.case import Case
from models.timer import Timer
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from webapp.extensions import db
from workflows import engine
from workflows.errors import EngineError, StepError
from workflows.routing import default_due, route_for

_INSERT_ITEM = WorkItem.__table__.insert()  # built once; the compiled form is cached
_CASES = Case.__table__
_UPDATE_CASE = _CASES.update().where(_CASES.c.id == bindparam("case_id"),
                                     _CASES.c.version == bindparam("seen_version"))


@dataclass(frozen=True)
class Snapshot:
    """What the database already reflects of a run: its ready tasks and waiting timers."""

    ready: frozenset[str] = frozenset()
    timers: frozenset[tuple[str, datetime]] = frozenset()


NOTHING = Snapshot()


def snapshot(run: engine.Run) -> Snapshot:
    """Take the snapshot of a freshly restored run, before changing it."""
    return Snapshot(frozenset(t.task_id for t in run.ready_user_tasks()),
                    frozenset((t.bpmn_id, t.due_at) for t in run.waiting_timers()))


def save_run(case: Case, run: engine.Run, now: datetime, before: Snapshot | None,
             done_task_id: str | None = None) -> list[str]:
    """Write the run into the case, work items and timers; returns the new items' task ids.

    `before` is the snapshot taken right after restoring the run (NOTHING for a new case), so
    the usual step only writes what changed; None makes it re-read items and timers.
    """
    with db.session.no_autoflush:  # one flush at the end, not one per query
        return _save_run(case, run, now, before, done_task_id)


def _save_run(case: Case, run: engine.Run, now: datetime, before: Snapshot | None,
              done_task_id: str | None) -> list[str]:
    ready = run.ready_user_tasks()
    if before is None:
        created = _resync_work_items(case, ready, now)
    else:
        created = _sync_work_items(case, ready, before.ready - {done_task_id}, now)
    _sync_timers(case, run, None if before is None else before.timers)
    values = {"state": run.dump(), "data": run.data, "rounds": run.rounds, "updated_at": now,
              "error": None, "subject_key": search_key(case.subject_name or ""),
              "status": "completed" if run.is_completed else ("active" if ready else "waiting")}
    if run.is_completed:
        values["completed_at"] = now
    write_case(case, values)
    if run.is_completed:
        record("case_completed", "case", case.id, actor_name="system",
               details={"number": case.number, "end": run.end_event_id()}, at=now)
    return created


def write_case(case: Case, values: dict) -> None:
    """UPDATE the case row if nobody changed it since it was read; the hot path of every step.

    One statement instead of the ORM's unit of work; the version check in the WHERE clause
    makes a concurrent writer fail (StaleDataError, turned into a Conflict by the operation).
    """
    if db.session.dirty or db.session.new:
        db.session.flush()  # nothing of this case may still be pending in the ORM
    version = case.version
    result = db.session.connection().execute(
        _UPDATE_CASE, {**values, "version": version + 1, "case_id": case.id,
                       "seen_version": version})
    if result.rowcount != 1:
        raise StaleDataError(f"case {case.id} changed concurrently")
    for key, value in values.items():
        set_committed_value(case, key, value)
    set_committed_value(case, "version", version + 1)


def active_items(case: Case) -> list[WorkItem]:
    """The case's open or claimed work items."""
    return list(db.session.scalars(select(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.status.in_(ACTIVE_STATUSES))))


def _sync_work_items(case: Case, ready: list, had: frozenset[str], now: datetime
                     ) -> list[str]:
    ready_ids = {task.task_id for task in ready}
    gone = had - ready_ids
    if gone:  # interrupted (boundary timer) or the case moved on without them
        db.session.execute(
            update(WorkItem).where(WorkItem.case_id == case.id,
                                   WorkItem.engine_task_id.in_(gone),
                                   WorkItem.status.in_(ACTIVE_STATUSES))
            .values(status="cancelled", completed_at=now, version=WorkItem.version + 1)
            .execution_options(synchronize_session="fetch"))
    return [_new_item(case, task, now) for task in ready if task.task_id not in had]


def _resync_work_items(case: Case, ready: list, now: datetime) -> list[str]:
    existing = {item.engine_task_id: item for item in active_items(case)}
    ready_ids = {task.task_id for task in ready}
    for engine_task_id, item in existing.items():
        if engine_task_id not in ready_ids:
            item.status = "cancelled"
            item.completed_at = now
    return [_new_item(case, task, now) for task in ready if task.task_id not in existing]


def _new_item(case: Case, task, now: datetime) -> str:
    route = route_for(case, task.lane or "")
    task_id = str(uuid.uuid4())
    db.session.connection().execute(_INSERT_ITEM, {
        "case_id": case.id, "task_id": task_id, "engine_task_id": task.task_id,
        "bpmn_id": task.bpmn_id, "name": task.name or task.bpmn_id, "role": task.lane or "",
        "form_key": task.form_key, "office_id": route.office_id,
        "department_id": route.department_id, "assignee_id": None, "status": "open",
        "due_at": task.due_at or default_due(now), "created_at": now, "version": 1})
    return task_id


def _sync_timers(case: Case, run: engine.Run,
                 had: frozenset[tuple[str, datetime]] | None) -> None:
    wanted = {(t.bpmn_id, t.due_at) for t in run.waiting_timers()}
    if had is not None and had == wanted:
        return  # most steps leave the timers as they were
    rows = list(db.session.scalars(select(Timer).where(Timer.case_id == case.id))) \
        if case.id is not None else []
    if {(r.bpmn_id, r.due_at) for r in rows} == wanted and len(rows) == len(wanted):
        return
    for row in rows:
        db.session.delete(row)
    for bpmn_id, due_at in sorted(wanted):
        db.session.add(Timer(case_id=case.id, bpmn_id=bpmn_id, due_at=due_at))


def clear_work(case: Case, now: datetime, status: str = "cancelled") -> None:
    """End every active work item and timer of a case (cancel, error)."""
    for item in active_items(case):
        item.status = status
        item.completed_at = now
    db.session.execute(delete(Timer).where(Timer.case_id == case.id))


def mark_error(case: Case, exc: EngineError, pending: dict, now: datetime,
               actor: User | None = None) -> None:
    """Put a case in error: the failed step is not applied; retry re-runs `pending`."""
    element = getattr(exc, "element_id", None)
    trace = getattr(exc, "trace", "") if isinstance(exc, StepError) else \
        "".join(traceback.format_exception(exc))[-8000:]
    case.status = "error"
    case.updated_at = now
    case.error = {"message": str(exc), "element_id": element, "trace": trace,
                  "pending": pending, "at": now.isoformat()}
    db.session.execute(delete(Timer).where(Timer.case_id == case.id))
    record("case_error", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "element_id": element, "message": str(exc),
                    "pending": pending.get("action")})
