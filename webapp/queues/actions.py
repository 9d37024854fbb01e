"""Claim and release from the list; supervisors' bulk claim, reassign and due date."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from japan.calendar import JST
from japan.text import normalize_digits
from models.base import utcnow
from webapp.access import roles_required
from webapp.auth.routes import safe_next
from webapp.extensions import db
from webapp.queues import bp
from workflows import params, queries, tasks
from workflows.failures import InvalidInput, OperationError
from workflows.permissions import can_view_case
from workflows.routing import CLOSING_TIME
from workflows.worklist import bulk, people
from workflows.worklist.teams import QUEUE_ROLES


def _back() -> str:
    """Where the form came from: a local path only (never another site)."""
    target = request.form.get("next")
    return safe_next(target) if target else url_for("queues.team")


def _item(task_id: str):
    item = queries.work_item_by_task_id(task_id)
    if item is None or not can_view_case(current_user, item.case):
        abort(404)
    return item


def _single(task_id: str, operation, success: str):
    item = _item(task_id)
    try:
        operation(item, current_user)
        db.session.commit()
        flash(success % {"number": item.case.number, "task": item.name}, "success")
    except OperationError as exc:
        db.session.rollback()
        flash(_("%(number)s %(task)s: %(message)s", number=item.case.number, task=item.name,
                message=exc.message), "error")
    return redirect(_back())


@bp.post("/claim/<task_id>")
@roles_required(*QUEUE_ROLES)
def claim(task_id: str):
    return _single(task_id, tasks.claim_task, _("You claimed %(number)s %(task)s."))


@bp.post("/unclaim/<task_id>")
@roles_required(*QUEUE_ROLES)
def unclaim(task_id: str):
    return _single(task_id, tasks.unclaim_task,
                   _("%(number)s %(task)s is back in the team queue."))


def _due_at(text: str) -> datetime | None:
    """A due date typed as YYYY-MM-DD: closing time (17:15 JST) of that day."""
    day = params.iso_date(normalize_digits(text or ""))
    if day is None:
        return None
    return datetime.combine(day, CLOSING_TIME, tzinfo=JST)


@bp.post("/bulk")
@roles_required("supervisor")
def bulk_action():
    items = bulk.items_by_task_ids(request.form.getlist("task_ids"))
    action = request.form.get("action")
    try:
        if action == "claim":
            result = bulk.bulk_claim(items, current_user)
        elif action == "reassign":
            assignee = people.user_by_id(request.form.get("assignee", type=params.db_id))
            result = bulk.bulk_reassign(items, current_user, assignee)
        elif action == "due":
            due_at = _due_at(request.form.get("due_date", ""))
            if due_at is not None and due_at < utcnow():
                due_at = None
            result = bulk.bulk_set_due(items, current_user, due_at)
        else:
            abort(400)
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        flash("　".join(m for msgs in exc.errors.values() for m in msgs), "error")
        return redirect(_back())
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(_back())
    if result.done:
        flash(ngettext("%(num)d task changed.", "%(num)d tasks changed.", len(result.done)),
              "success")
    for label, message in result.failed:
        flash(f"{label}: {message}", "error")
    return redirect(_back())
