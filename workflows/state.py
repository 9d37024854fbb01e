"""Persisting an engine run into a case: state, data, status, work items and timers together."""

from __future__ import annotations

import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from japan.text import search_key
from models.audit import record
from models.case import Case
from models.db import db
from models.loaded import inserted
from models.office import Department, Office
from models.prepared import Prepared
from models.timer import Timer
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows import engine
from workflows.errors import EngineError, StepError
from workflows.routing import NobodyCanTake, Route, checked_route, default_due

_ITEM_COLUMNS = ("case_id", "task_id", "engine_task_id", "bpmn_id", "name", "role", "form_key",
                 "office_id", "department_id", "assignee_id", "status", "due_at", "created_at",
                 "version")
_INSERT_ITEM = Prepared(WorkItem.__table__.insert().values(
    {name: bindparam(name) for name in _ITEM_COLUMNS}))
_CASES = Case.__table__
_NULL_AT_START = ("error", "cancel_reason", "completed_at")  # SQL NULL, as the ORM leaves them
_INSERT_CASE = Prepared(_CASES.insert().values(
    {c.key: bindparam(c.key) for c in _CASES.c if c.key != "id"}).returning(_CASES.c.id))
_case_updates: dict[tuple[str, ...], Prepared] = {}


def _update_case(columns: tuple[str, ...]) -> Prepared:
    """The version-checked UPDATE of these case columns (one prepared form per column set)."""
    prepared = _case_updates.get(columns)
    if prepared is None:
        prepared = _case_updates.setdefault(columns, Prepared(
            _CASES.update()
            .where(_CASES.c.id == bindparam("case_id"),
                   _CASES.c.version == bindparam("seen_version"))
            .values({name: bindparam(name) for name in columns})))
    return prepared


_subject_key = lru_cache(maxsize=1024)(search_key)  # the same name comes back every step


@dataclass(frozen=True)
class Snapshot:
    """What the database already reflects of a run: its ready tasks and waiting timers."""

    ready: frozenset[str] = frozenset()
    timers: frozenset[tuple[str, datetime]] = frozenset()


def snapshot(run: engine.Run) -> Snapshot:
    """Take the snapshot of a freshly restored run, before changing it."""
    return Snapshot(frozenset(t.task_id for t in run.ready_user_tasks()),
                    frozenset((t.bpmn_id, t.due_at) for t in run.waiting_timers()))


def save_run(case: Case, run: engine.Run, now: datetime, before: Snapshot | None,
             done_task_id: str | None = None, *, connection: Connection | None = None
             ) -> list[str]:
    """Write the run into the case, work items and timers; returns the new items' task ids.

    `before` is the snapshot taken right after restoring the run, so the usual step only
    writes what changed; None makes it re-read items and timers.
    `connection` is the session's (looked up once per step: each lookup costs ~50 µs).
    """
    with db.session.no_autoflush:  # one flush at the end, not one per query
        return _save_run(case, run, now, before, done_task_id,
                         connection or db.session.connection())


def _save_run(case: Case, run: engine.Run, now: datetime, before: Snapshot | None,
              done_task_id: str | None, connection: Connection) -> list[str]:
    ready = run.ready_user_tasks()
    if before is None:
        created = _resync_work_items(case, ready, now, connection)
    else:
        created = _sync_work_items(case, ready, before.ready - {done_task_id}, now, connection)
    _sync_timers(case, run, None if before is None else before.timers)
    write_case(case, _run_values(case.subject_name, run, ready, now), connection)
    record_if_completed(case, run, now)
    return created


def _run_values(subject_name: str | None, run: engine.Run, ready: list, now: datetime) -> dict:
    """The case columns that follow from a run."""
    values = {"state": run.dump(), "data": run.data, "rounds": run.rounds, "updated_at": now,
              "error": None, "subject_key": _subject_key(subject_name or ""),
              "status": "completed" if run.is_completed else ("active" if ready else "waiting")}
    if run.is_completed:
        values["completed_at"] = now
    return values


def record_if_completed(case: Case, run: engine.Run, now: datetime) -> None:
    """Audit the end of the case when the run has reached an end event."""
    if run.is_completed:
        record("case_completed", "case", case.id, actor_name="system",
               details={"number": case.number, "end": run.end_event_id()}, at=now)


@dataclass
class NewCase:
    """A case built from its first run, with its first work items routed: ready to INSERT."""

    case: Case
    ready: list[engine.UserTaskInfo]
    routes: list[Route]
    timers: list[tuple[str, datetime]]


def prepare_case(run: engine.Run, now: datetime, values: dict, *, office: Office | None,
                 department: Department | None) -> NewCase:
    """Everything a new case writes, computed before anything is written.

    On SQLite the write lock is taken by a transaction's first write and held until its
    commit, so the engine, the serialisation and the routing all happen before it.
    office and department are the objects behind the ids; routing reads them, not the DB.
    """
    ready = run.ready_user_tasks()
    case = _new_case({**values, **_run_values(values.get("subject_name"), run, ready, now)})
    set_committed_value(case, "office", office)
    set_committed_value(case, "department", department)
    return NewCase(case, ready, [_route(case, task) for task in ready],
                   sorted({(t.bpmn_id, t.due_at) for t in run.waiting_timers()}))


def insert_prepared(new: NewCase, now: datetime, **numbers) -> list[str]:
    """INSERT the prepared case (given its numbers), its work items and timers."""
    case = new.case
    for key, value in numbers.items():
        setattr(case, key, value)
    _insert(case)
    connection = db.session.connection()
    created = [_new_item(case, task, route, now, connection)
               for task, route in zip(new.ready, new.routes, strict=True)]
    for bpmn_id, due_at in new.timers:
        db.session.add(Timer(case_id=case.id, bpmn_id=bpmn_id, due_at=due_at))
    return created


def insert_case(**values) -> Case:
    """INSERT a new case (version 1) in one statement; returns it persistent in the session."""
    return _insert(_new_case(values))


def _new_case(values: dict) -> Case:
    """The case object (model validators run) with every column given or defaulted."""
    case = Case(**{"status": "active", "rounds": 0, "version": 1,
                   "subject_key": search_key(values.get("subject_name") or ""), **values})
    for column in _CASES.c:
        if column.key == "id" or column.key in _NULL_AT_START or column.default is None:
            continue
        if getattr(case, column.key) is None:
            default = column.default
            setattr(case, column.key, default.arg if default.is_scalar else default.arg(None))
    return case


def _insert(case: Case) -> Case:
    """The row goes in without the unit of work: no flush and no reload follow."""
    row = {column.key: getattr(case, column.key) for column in _CASES.c if column.key != "id"}
    case.id = _INSERT_CASE.execute(db.session.connection(), row).scalar_one()
    return inserted(case)  # as if read back: persistent, nothing pending


def write_case(case: Case, values: dict, connection: Connection | None = None) -> None:
    """UPDATE the case row if nobody changed it since it was read; the hot path of every step.

    One statement instead of the ORM's unit of work; the version check in the WHERE clause
    makes a concurrent writer fail (StaleDataError, turned into a Conflict by the operation).
    """
    if db.session.dirty or db.session.new:
        db.session.flush()  # nothing of this case may still be pending in the ORM
    version = case.version
    result = _update_case((*values, "version")).execute(
        connection or db.session.connection(),
        {**values, "version": version + 1, "case_id": case.id, "seen_version": version})
    if result.rowcount != 1:
        raise StaleDataError(f"case {case.id} changed concurrently")
    for key, value in values.items():
        set_committed_value(case, key, value)
    set_committed_value(case, "version", version + 1)


def active_items(case: Case) -> list[WorkItem]:
    """The case's open or claimed work items."""
    return list(db.session.scalars(select(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.status.in_(ACTIVE_STATUSES))))


def _sync_work_items(case: Case, ready: list, had: frozenset[str], now: datetime,
                     connection: Connection                     ) -> list[str]:
    ready_ids = {task.task_id for task in ready}
    new = [(task, _route(case, task)) for task in ready if task.task_id not in had]  # no write
    gone = had - ready_ids
    if gone:  # interrupted (boundary timer) or the case moved on without them
        db.session.execute(
            update(WorkItem).where(WorkItem.case_id == case.id,
                                   WorkItem.engine_task_id.in_(gone),
                                   WorkItem.status.in_(ACTIVE_STATUSES))
            .values(status="cancelled", completed_at=now, version=WorkItem.version + 1)
            .execution_options(synchronize_session="fetch"))
    return [_new_item(case, task, route, now, connection) for task, route in new]


def _resync_work_items(case: Case, ready: list, now: datetime, connection: Connection
                       ) -> list[str]:
    existing = {item.engine_task_id: item for item in active_items(case)}
    new = [(task, _route(case, task)) for task in ready if task.task_id not in existing]
    ready_ids = {task.task_id for task in ready}
    for engine_task_id, item in existing.items():
        if engine_task_id not in ready_ids:
            item.status = "cancelled"
            item.completed_at = now
    return [_new_item(case, task, route, now, connection) for task, route in new]


def _new_item(case: Case, task, route: Route | None, now: datetime,
              connection: Connection) -> str:
    route = route or _route(case, task)
    task_id = str(uuid.uuid4())
    _INSERT_ITEM.send(connection, {
        "case_id": case.id, "task_id": task_id, "engine_task_id": task.task_id,
        "bpmn_id": task.bpmn_id, "name": task.name or task.bpmn_id, "role": task.lane or "",
        "form_key": task.form_key, "office_id": route.office_id,
        "department_id": route.department_id, "assignee_id": None, "status": "open",
        "due_at": task.due_at or default_due(now), "created_at": now, "version": 1})
    return task_id


def _route(case: Case, task) -> Route:
    """Where the task's work item goes; refused when no team could take it."""
    return checked_route(case, task.lane or "", task.route, task.name or task.bpmn_id)


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


def mark_error(case: Case, exc: EngineError | NobodyCanTake, pending: dict, now: datetime,
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
