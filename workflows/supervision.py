"""Supervisor operations on a case: retry after an error, cancel, edit data (all audited)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from models.audit import record
from models.base import utcnow
from models.case import Case
from models.db import db
from models.user import User
from models.work_item import WorkItem
from workflows import engine
from workflows.cases import Outcome, data_changes, finish_completion
from workflows.errors import EngineError
from workflows.failures import Conflict, InvalidInput, stale_is_conflict
from workflows.permissions import check_supervisor
from workflows.registry import bundle_for_case
from workflows.state import clear_work, mark_error, save_run


@stale_is_conflict
def retry_case(case: Case, actor: User, now: datetime | None = None) -> Outcome:
    """Re-run the step that failed (after a fix to data or process version)."""
    now = now or utcnow()
    check_supervisor(actor, case)
    if case.status != "error" or not case.error:
        raise Conflict(_("Only a case in error can be retried."))
    pending = case.error.get("pending") or {}
    record("case_retried", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "pending": pending.get("action"),
                    "previous_error": case.error.get("message")})
    before = dict(case.data or {})
    try:
        run = _rerun(case, pending, now)
    except EngineError as exc:
        mark_error(case, exc, pending, now, actor)
        db.session.flush()
        return Outcome(case, error=str(exc))
    if pending.get("action") == "complete":
        item = db.session.get(WorkItem, pending["work_item"])
        if item is not None:
            return finish_completion(item, case, run, pending.get("data") or {}, before,
                                     actor, now, None)
    outcome = Outcome(case, save_run(case, run, now, None))  # re-read: after an error
    db.session.flush()
    return outcome


def _rerun(case: Case, pending: dict, now: datetime) -> engine.Run:
    bundle = bundle_for_case(case)
    if pending.get("action") == "start":
        return engine.start(bundle, dict(case.data or {}), now=now)
    run = engine.restore(bundle, case.state, now=now)
    if case.data:
        run.update_data(case.data)
    if pending.get("action") == "complete":
        run.complete(pending["engine_task_id"], pending.get("data") or {})
    else:
        run.fire_timers(now)
    return run


@stale_is_conflict
def cancel_case(case: Case, actor: User, reason: str, now: datetime | None = None) -> Case:
    """End a case with a reason; its open tasks and timers go away."""
    now = now or utcnow()
    check_supervisor(actor, case)
    if not (reason or "").strip():
        raise InvalidInput(_("The input has errors."), {"reason": [_("Give a reason.")]})
    if case.status in ("completed", "cancelled"):
        raise Conflict(_("The case has already ended."))
    before = case.status
    clear_work(case, now)
    case.status = "cancelled"
    case.cancel_reason = reason.strip()
    case.completed_at = case.updated_at = now
    record("case_cancelled", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "reason": case.cancel_reason,
                    "before": before, "after": "cancelled"})
    db.session.flush()
    return case


@stale_is_conflict
def edit_case_data(case: Case, actor: User, changes: dict, now: datetime | None = None) -> Case:
    """Change case data (e.g. to fix what made a step fail); audited with before/after."""
    now = now or utcnow()
    check_supervisor(actor, case)
    if case.status in ("completed", "cancelled"):
        raise Conflict(_("The case has already ended."))
    if not isinstance(changes, dict) or not changes:
        raise InvalidInput(_("The input has errors."), {"data": [_("Give the fields to change.")]})
    before = dict(case.data or {})
    after = {**before, **changes}
    if case.state:
        run = engine.restore(bundle_for_case(case), case.state, now=now)
        run.update_data(changes)
        case.state = run.dump()
    case.data = after
    case.updated_at = now
    _fix_pending_input(case, changes)
    record("case_data_edited", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "changed": data_changes(before, after)})
    db.session.flush()
    return case


def _fix_pending_input(case: Case, changes: dict) -> None:
    """A failed completion is retried with its input: edits to those fields must win."""
    pending = (case.error or {}).get("pending") or {}
    if pending.get("data"):
        fixed = {**pending["data"], **{k: v for k, v in changes.items() if k in pending["data"]}}
        case.error = {**case.error, "pending": {**pending, "data": fixed}}
