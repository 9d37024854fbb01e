"""Case operations: start a case and complete its tasks. Operations flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from japan.calendar import fiscal_year, to_jst
from japan.wareki import fiscal_era_short
from models.audit import record
from models.base import utcnow
from models.case import Case
from models.counter import next_value
from models.office import Department, Office
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from webapp.extensions import db
from workflows import engine
from workflows.errors import EngineError, TaskNotReadyError
from workflows.failures import Conflict, stale_is_conflict
from workflows.permissions import check_can_complete
from workflows.registry import bundle_for, bundle_for_version_id, require_latest
from workflows.state import mark_error, save_run
from workflows.taskforms import validate_task_data


@dataclass
class Outcome:
    """What an operation did: the case, new work items, and an engine error if one happened."""

    case: Case
    new_items: list[WorkItem] = field(default_factory=list)
    error: str | None = None


def case_number(now: datetime) -> tuple[int, str]:
    """Next case number of the fiscal year, e.g. R7-000123 (gap-free, never reused)."""
    today = to_jst(now).date()
    fy = fiscal_year(today)
    serial = next_value(f"case:{fy}")
    return fy, f"{fiscal_era_short(today)}-{serial:06d}"


def start_case(process_id: str, data: dict, *, actor: User | None, channel: str = "counter",
               office: Office | None = None, department: Department | None = None,
               procedure_code: str | None = None, subject_name: str = "",
               reference: str | None = None, now: datetime | None = None) -> Outcome:
    """Start a case on the latest version of a process and create its first work items."""
    now = now or utcnow()
    version = require_latest(process_id)
    fy, number = case_number(now)
    case = Case(number=number, fiscal_year=fy, process_version=version, process_id=process_id,
                procedure_code=procedure_code, channel=channel, office=office,
                department=department, subject_name=subject_name[:120], reference=reference,
                data=dict(data), state={}, created_by=actor, created_at=now, updated_at=now)
    db.session.add(case)
    db.session.flush()
    record("case_started", "case", case.id, actor=actor, at=now,
           details={"number": number, "process": version.label, "channel": channel,
                    "data": data})
    try:
        run = engine.start(bundle_for(version), dict(data), now=now)
    except EngineError as exc:
        mark_error(case, exc, {"action": "start", "data": data}, now, actor)
        return Outcome(case, error=str(exc))
    return Outcome(case, save_run(case, run, now))


@stale_is_conflict
def complete_task(item: WorkItem, data: dict, *, actor: User, expected_version: int | None = None,
                  now: datetime | None = None) -> Outcome:
    """Complete a work item with validated form data and advance the case."""
    now = now or utcnow()
    case = item.case
    _check_completable(item, case, actor, expected_version)
    clean = validate_task_data(item, data)
    before = dict(case.data or {})
    try:
        run = engine.restore(bundle_for_version_id(case.process_version_id), case.state, now=now)
        run.complete(item.engine_task_id, clean)
    except TaskNotReadyError as exc:
        raise Conflict(_("This task is no longer waiting to be done.")) from exc
    except EngineError as exc:
        # The step is not applied: the engine state stays as it was before this completion.
        pending = {"action": "complete", "work_item": item.id,
                   "engine_task_id": item.engine_task_id, "data": clean, "actor_id": actor.id}
        mark_error(case, exc, pending, now, actor)
        db.session.flush()
        return Outcome(case, error=str(exc))
    return finish_completion(item, case, run, clean, before, actor, now)


def finish_completion(item: WorkItem, case: Case, run: engine.Run, clean: dict, before: dict,
                      actor: User, now: datetime) -> Outcome:
    """Mark the item done, save the run, audit what changed (shared with retry)."""
    item.status = "completed"
    item.completed_at = now
    item.completed_by = actor
    record("task_completed", "case", case.id, actor=actor, at=now, details={
        "number": case.number, "task": item.bpmn_id, "name": item.name,
        "work_item": item.id, "input": clean, "changed": data_changes(before, run.data)})
    new_items = save_run(case, run, now)
    db.session.flush()
    return Outcome(case, new_items)


def _check_completable(item: WorkItem, case: Case, actor: User,
                       expected_version: int | None) -> None:
    if item.status not in ACTIVE_STATUSES:
        raise Conflict(_("This task has already been done."))
    if expected_version is not None and expected_version != case.version:
        raise Conflict(_("The case was changed by someone else (version %(v)d; you sent "
                         "%(sent)d). Reload it and try again.", v=case.version,
                         sent=expected_version))
    if case.status == "error":
        raise Conflict(_("The case is in error; a supervisor must retry it first."))
    check_can_complete(actor, item)


def data_changes(before: dict, after: dict) -> dict:
    """Field-by-field changes: {key: [old, new]} for keys added, removed or changed."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys)
            if before.get(k) != after.get(k)}
