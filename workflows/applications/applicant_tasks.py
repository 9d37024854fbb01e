"""Completing the applicant's BPMN task (lane ``applicant``) on the applicant's behalf.

``workflows.cases.complete_task`` needs a staff ``User`` (permission check, ``completed_by``,
audit actor). Applicants are not staff, so this thin path does the same steps in the same
transaction — restore the run, complete the task, mark the work item done with one
conditional UPDATE (a double submit finds no row), save the run (state, work items, timers)
— after the caller checked that the application belongs to the applicant. The audit names
the applicant as ``applicant:<id>``; ``completed_by`` stays empty.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import set_committed_value

from models.applicant import Applicant
from models.audit import record
from models.work_item import ACTIVE_STATUSES, WorkItem
from webapp.extensions import db
from workflows import engine
from workflows.cases import Outcome, data_changes
from workflows.errors import EngineError, TaskNotReadyError
from workflows.failures import Conflict, Forbidden, stale_is_conflict
from workflows.registry import bundle_for_case
from workflows.state import mark_error, save_run, snapshot
from workflows.taskforms import validate_task_data

_ITEMS = WorkItem.__table__
_MARK_DONE = (_ITEMS.update()
              .where(_ITEMS.c.id == bindparam("item_id"), _ITEMS.c.role == "applicant",
                     _ITEMS.c.status.in_(ACTIVE_STATUSES))
              .values(status="completed", completed_at=bindparam("at"),
                      version=_ITEMS.c.version + 1))


@stale_is_conflict
def complete_applicant_task(item: WorkItem, data: dict, *, applicant: Applicant,
                            now: datetime) -> Outcome:
    """Complete an applicant work item with validated data and advance the case."""
    case = item.case
    if item.role != "applicant":
        raise Forbidden(_("This step is not for the applicant."))
    if item.status not in ACTIVE_STATUSES:
        raise Conflict(_("This step has already been done."))
    if case.status == "error":
        raise Conflict(_("The application cannot be changed right now; the ward office has "
                         "been told and will fix it."))
    clean = validate_task_data(item, data)
    before = dict(case.data or {})
    try:
        run = engine.restore(bundle_for_case(case), case.state, now=now)
        snap = snapshot(run)
        run.complete(item.engine_task_id, clean)
    except TaskNotReadyError as exc:
        raise Conflict(_("This step has already been done.")) from exc
    except EngineError as exc:
        mark_error(case, exc, {"action": "complete", "work_item": item.id,
                               "engine_task_id": item.engine_task_id, "data": clean,
                               "actor_id": None}, now)
        db.session.flush()
        return Outcome(case, error=str(exc))
    _mark_done(item, now)
    record("task_completed", "case", case.id, actor_name=applicant.audit_name, at=now, details={
        "number": case.number, "task": item.bpmn_id, "name": item.name, "work_item": item.id,
        "input": clean, "changed": data_changes(before, run.data)})
    new_items = save_run(case, run, now, snap, item.engine_task_id)
    db.session.flush()
    return Outcome(case, new_items)


def _mark_done(item: WorkItem, now: datetime) -> None:
    result = db.session.connection().execute(_MARK_DONE, {"item_id": item.id, "at": now})
    if result.rowcount != 1:
        raise Conflict(_("This step has already been done."))
    for key, value in (("status", "completed"), ("completed_at", now),
                       ("version", item.version + 1)):
        set_committed_value(item, key, value)
