"""Persisting an engine run into a case: state, data, status, work items and timers together."""

from __future__ import annotations

import traceback
from datetime import datetime

from sqlalchemy import delete, select

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


def save_run(case: Case, run: engine.Run, now: datetime) -> list[WorkItem]:
    """Write the run into the case and bring work items and timers in line; returns new items."""
    with db.session.no_autoflush:  # one flush at the end, not one per query
        return _save_run(case, run, now)


def _save_run(case: Case, run: engine.Run, now: datetime) -> list[WorkItem]:
    case.state = run.dump()
    case.data = run.data
    case.rounds = run.rounds
    case.updated_at = now
    case.error = None
    case.subject_key = search_key(case.subject_name or "")
    ready = run.ready_user_tasks()
    created = _sync_work_items(case, ready, now)
    _sync_timers(case, run)
    if run.is_completed:
        case.status = "completed"
        case.completed_at = now
        record("case_completed", "case", case.id, actor_name="system",
               details={"number": case.number, "end": run.end_event_id()}, at=now)
    else:
        case.status = "active" if ready else "waiting"
    return created


def active_items(case: Case) -> list[WorkItem]:
    """The case's open or claimed work items."""
    return list(db.session.scalars(select(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.status.in_(ACTIVE_STATUSES))))


def _sync_work_items(case: Case, ready: list, now: datetime) -> list[WorkItem]:
    existing = {item.engine_task_id: item for item in active_items(case)}
    ready_ids = {task.task_id for task in ready}
    for engine_task_id, item in existing.items():
        if engine_task_id not in ready_ids:  # interrupted (boundary timer) or the case moved on
            item.status = "cancelled"
            item.completed_at = now
    created = []
    for task in ready:
        if task.task_id in existing:
            continue
        route = route_for(case, task.lane or "")
        item = WorkItem(case=case, engine_task_id=task.task_id, bpmn_id=task.bpmn_id,
                        name=task.name or task.bpmn_id, role=task.lane or "",
                        form_key=task.form_key, office_id=route.office_id,
                        department_id=route.department_id, status="open",
                        due_at=task.due_at or default_due(now), created_at=now)
        db.session.add(item)
        created.append(item)
    return created


def _sync_timers(case: Case, run: engine.Run) -> None:
    wanted = {(t.bpmn_id, t.due_at) for t in run.waiting_timers()}
    rows = list(db.session.scalars(select(Timer).where(Timer.case_id == case.id))) \
        if case.id is not None else []
    if {(r.bpmn_id, r.due_at) for r in rows} == wanted and len(rows) == len(wanted):
        return  # most steps leave the timers as they were
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
