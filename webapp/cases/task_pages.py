"""Task page: see the case, claim, release, fill in the task's form, save a draft, complete
it (and go on to the next task of the queue it was opened from)."""

from urllib.parse import parse_qsl

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from webapp.auth.routes import safe_next
from webapp.cases import bp, extras
from webapp.extensions import db
from workflows import queries, tasks
from workflows.failures import InvalidInput, OperationError
from workflows.permissions import can_view_case
from workflows.taskforms import task_form_class
from workflows.worklist import notes, queues
from workflows.worklist.filters import QUEUES, parse_filter


def _load(task_id: str):
    item = queries.work_item_by_task_id(task_id)
    if item is None or not can_view_case(current_user, item.case):
        abort(404)
    return item


def _origin() -> tuple[str, str]:
    """The queue (and its filter query string) the task was opened from, if any."""
    source = request.form if request.method == "POST" else request.args
    queue = source.get("queue", "")
    return (queue, source.get("filter", "")[:1000]) if queue in QUEUES else ("", "")


def _next_url(item, queue: str, filter_query: str) -> str | None:
    """The next task of the same queue, or the queue itself when it is empty."""
    f, _errors = parse_filter(MultiDict(parse_qsl(filter_query)))
    following = queues.next_item(current_user, queue, f, skip=item.id)
    if following is None:
        flash(_("There are no more tasks in this queue."), "info")
        return url_for(f"queues.{queue}") + (f"?{filter_query}" if filter_query else "")
    return url_for("cases.task", task_id=following.task_id, queue=queue, filter=filter_query)


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    item = _load(task_id)
    queue, filter_query = _origin()
    draft = notes.draft_for(item, current_user) if request.method == "GET" else None
    form_class = task_form_class(item)
    form = form_class(formdata=MultiDict(draft.data), prefix="f") if draft else \
        form_class(prefix="f")
    if request.method == "POST" and form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()
                if name != "csrf_token"}
        try:
            outcome = notes.complete_with_drafts_cleared(
                item, _jsonable(data), actor=current_user,
                expected_version=request.form.get("version", type=int))
            db.session.commit()
        except InvalidInput as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                if name in form:
                    form[name].errors = list(messages)
            if not any(name in form for name in exc.errors):
                flash(exc.message, "error")  # e.g. the next task could go to nobody's queue
        except OperationError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("cases.task", task_id=task_id))
        else:
            if outcome.error:
                flash(_("The step failed and the case was put in error; a supervisor has "
                        "been notified. Nothing you entered was lost."), "error")
            else:
                flash(_("The task was completed."), "success")
                if queue and request.form.get("and_next"):
                    return redirect(_next_url(item, queue, filter_query))
            return redirect(url_for("cases.case", number=outcome.case.number))
    return render_template("cases/task.html", item=item, case=item.case, form=form,
                           draft=draft, queue=queue, filter_query=filter_query,
                           **extras.task_context(item))


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def _act(task_id: str, operation, success: str):
    """Claim or release: one operation, one commit, the outcome as a flash message."""
    item = _load(task_id)
    try:
        operation(item, current_user)
        db.session.commit()
        flash(success, "success")
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    _act(task_id, tasks.claim_task, _("You claimed the task."))
    return redirect(safe_next(request.form.get("next")) if request.form.get("next")
                    else url_for("cases.task", task_id=task_id))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str):
    _act(task_id, tasks.unclaim_task, _("The task is back in the team queue."))
    return redirect(url_for("cases.task", task_id=task_id))


@bp.post("/tasks/<task_id>/draft")
@login_required
def save_draft(task_id: str):
    item = _load(task_id)
    values = {k: v if len(v) > 1 else v[0] for k, v in request.form.to_dict(flat=False).items()
              if k.startswith("f-") and k != "f-csrf_token"}
    try:
        notes.save_draft(item, current_user, values)
        db.session.commit()
        flash(_("Your draft was saved. Only you can see it."), "success")
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    queue, filter_query = _origin()
    extra = {"queue": queue, "filter": filter_query} if queue else {}
    return redirect(url_for("cases.task", task_id=task_id, **extra))
