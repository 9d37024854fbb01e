"""Case operations: start a case and complete its tasks. Operations flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import bindparam, or_
from sqlalchemy.engine import Connection
from sqlalchemy.orm.attributes import set_committed_value

from japan.calendar import fiscal_year, to_jst
from japan.wareki import fiscal_era_short
from models.audit import record
from models.base import utcnow
from models.case import Case
from models.counter import next_value
from models.db import db
from models.office import Department, Office
from models.prepared import Prepared
from models.process import ProcessVersion
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows import engine
from workflows.errors import EngineError, TaskNotReadyError
from workflows.failures import Conflict, InvalidInput, stale_is_conflict
from workflows.permissions import check_can_complete, check_can_start
from workflows.registry import bundle_for_case, bundle_for_ref, require_latest
from workflows.state import (
    Snapshot,
    insert_case,
    insert_prepared,
    mark_error,
    prepare_case,
    record_if_completed,
    save_run,
    snapshot,
)
from workflows.taskforms import validate_task_data


@dataclass
class Outcome:
    """What an operation did: the case, its new work items' task ids, and any engine error."""

    case: Case
    new_task_ids: list[str] = field(default_factory=list)
    error: str | None = None


def case_number(now: datetime) -> tuple[int, str]:
    """Next case number of the fiscal year, e.g. R7-000123 (gap-free, never reused)."""
    today = to_jst(now).date()
    fy = fiscal_year(today)
    serial = next_value(f"case:{fy}")
    return fy, f"{fiscal_era_short(today)}-{serial:06d}"


def start_requested_case(process_id: str, data: dict, *, actor: User, channel: str,
                         office: Office | None, department: Department | None,
                         subject_name: str = "") -> Outcome:
    """Start a case a member of staff asked for by process id (POST /api/v1/cases): only a
    process declared madoguchi:startable, and only where the user works."""
    check_can_start(actor, office, department)
    return start_case(process_id, data, actor=actor, channel=channel, office=office,
                      department=department, subject_name=subject_name, requested=True)


def start_case(process_id: str, data: dict, *, actor: User | None, channel: str = "counter",
               office: Office | None = None, department: Department | None = None,
               procedure_code: str | None = None, subject_name: str = "",
               subject_kana: str = "", reference: str | None = None,
               now: datetime | None = None, requested: bool = False) -> Outcome:
    """Start a case on the latest version of a process and create its first work items.

    requested: started by process id on a user's request, not by the process's own operation
    (online, postal, forwarding intake), so the process must be declared startable.
    """
    now = now or utcnow()
    version = require_latest(process_id)
    bundle = bundle_for_ref(version)
    if requested and not bundle.startable:
        raise InvalidInput(_("The case was not started."), {"process_id": [_(
            "Process %(id)s cannot be started here; its cases are started by their own "
            "procedure (online application, postal intake or forwarding).", id=process_id)]})
    try:
        run, failure = engine.start(bundle, dict(data), now=now), None
    except EngineError as exc:
        run, failure = None, exc
    values = dict(process_version_id=version.id, process_sha256=version.sha256,
                  process_id=process_id, procedure_code=procedure_code, channel=channel,
                  office_id=office.id if office else None,
                  department_id=department.id if department else None,
                  subject_name=subject_name[:120], subject_kana=subject_kana,
                  reference=reference, created_by_id=actor.id if actor else None,
                  created_at=now)
    if failure is not None:
        fy, number = case_number(now)
        case = insert_case(**values, number=number, fiscal_year=fy, data=dict(data), state={},
                           updated_at=now)
        _record_start(case, version, channel, data, actor, now)
        mark_error(case, failure, {"action": "start", "data": data}, now, actor)
        return Outcome(case, error=str(failure))
    new = prepare_case(run, now, values, office=office, department=department)
    fy, number = case_number(now)  # the first write: from here on, only inserts
    created = insert_prepared(new, now, number=number, fiscal_year=fy)
    _record_start(new.case, version, channel, data, actor, now)
    record_if_completed(new.case, run, now)
    return Outcome(new.case, created)


def _record_start(case: Case, version: ProcessVersion, channel: str, data: dict,
                  actor: User | None, now: datetime) -> None:
    record("case_started", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "process": f"{case.process_id} {version.label}",
                    "channel": channel, "data": data})


@stale_is_conflict
def complete_task(item: WorkItem, data: dict, *, actor: User, expected_version: int | None = None,
                  now: datetime | None = None) -> Outcome:
    """Complete a work item with validated form data and advance the case."""
    now = now or utcnow()
    case = item.case
    _check_completable(item, case, actor, expected_version)
    return run_step(item, case, validate_task_data(item, data), now, actor=actor)


def run_step(item: WorkItem, case: Case, clean: dict, now: datetime, *, actor: User | None,
             actor_name: str | None = None, gone: str | None = None) -> Outcome:
    """Complete the item's engine task with validated data, then save and audit the step.

    gone: the conflict message when the task was done meanwhile (applicants see their own).
    """
    data_before = dict(case.data or {})
    try:
        run = engine.restore(bundle_for_case(case), case.state, now=now)
        before = snapshot(run)
        run.complete(item.engine_task_id, clean)
    except TaskNotReadyError as exc:
        raise Conflict(gone or _("This task is no longer waiting to be done.")) from exc
    except EngineError as exc:
        # The step is not applied: the engine state stays as it was before this completion.
        pending = {"action": "complete", "work_item": item.id,
                   "engine_task_id": item.engine_task_id, "data": clean,
                   "actor_id": actor.id if actor else None}
        mark_error(case, exc, pending, now, actor)
        db.session.flush()
        return Outcome(case, error=str(exc))
    return finish_completion(item, case, run, clean, data_before, actor, now, before,
                             actor_name=actor_name, gone=gone)


def finish_completion(item: WorkItem, case: Case, run: engine.Run, clean: dict, before: dict,
                      actor: User | None, now: datetime, snap: Snapshot | None, *,
                      actor_name: str | None = None, gone: str | None = None) -> Outcome:
    """Mark the item done, save the run, audit what changed (shared with retry)."""
    connection = db.session.connection()
    mark_done(item, actor, now, connection, gone=gone)
    record("task_completed", "case", case.id, actor=actor, actor_name=actor_name, at=now,
           details={"number": case.number, "task": item.bpmn_id, "name": item.name,
                    "work_item": item.id, "input": clean,
                    "changed": data_changes(before, run.data)})
    new_items = save_run(case, run, now, snap, item.engine_task_id, connection=connection)
    db.session.flush()
    return Outcome(case, new_items)


_ITEMS = WorkItem.__table__
_MARK_DONE = Prepared(
    _ITEMS.update()
    .where(_ITEMS.c.id == bindparam("item_id"),
           or_(*(_ITEMS.c.status == status for status in ACTIVE_STATUSES)))
    .values(status="completed", completed_at=bindparam("at"), completed_by_id=bindparam("by"),
            version=_ITEMS.c.version + 1))


def mark_done(item: WorkItem, actor: User | None, now: datetime,
              connection: Connection | None = None, *, gone: str | None = None) -> None:
    """Complete the work item with one conditional UPDATE: a second completion finds no row."""
    by = actor.id if actor else None
    result = _MARK_DONE.execute(connection or db.session.connection(),
                                {"item_id": item.id, "at": now, "by": by})
    if result.rowcount != 1:
        raise Conflict(gone or _("This task has already been done."))
    for key, value in (("status", "completed"), ("completed_at", now),
                       ("completed_by_id", by), ("version", item.version + 1)):
        set_committed_value(item, key, value)


def _check_completable(item: WorkItem, case: Case, actor: User,
                       expected_version: int | None) -> None:
    check_can_complete(actor, item)  # first: the checks below tell the case's state
    if item.status not in ACTIVE_STATUSES:
        raise Conflict(_("This task has already been done."))
    if expected_version is not None and expected_version != case.version:
        raise Conflict(_("The case was changed by someone else (version %(v)d; you sent "
                         "%(sent)d). Reload it and try again.", v=case.version,
                         sent=expected_version))
    if case.status == "error":
        raise Conflict(_("The case is in error; a supervisor must retry it first."))


def data_changes(before: dict, after: dict) -> dict:
    """Field-by-field changes: {key: [old, new]} for keys added, removed or changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys)
            if before.get(k) != after.get(k)}
