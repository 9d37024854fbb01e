"""Task page: see the case, claim, release, fill in the task's form and complete it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.auth.routes import safe_next
from webapp.cases import bp
from webapp.extensions import db
from workflows import cases, queries, tasks
from workflows.failures import InvalidInput, OperationError
from workflows.permissions import can_view_case
from workflows.taskforms import task_form_class


def _load(task_id: str):
    item = queries.work_item_by_task_id(task_id)
    if item is None or not can_view_case(current_user, item.case):
        abort(404)
    return item


@bp.route("/tasks/<task_id>", methods=["GET", "POST"])
@login_required
def task(task_id: str):
    item = _load(task_id)
    form = task_form_class(item)(prefix="f")
    if request.method == "POST" and form.validate_on_submit():
        data = {name: field.data for name, field in form._fields.items()
                if name != "csrf_token"}
        try:
            outcome = cases.complete_task(item, _jsonable(data), actor=current_user,
                                          expected_version=request.form.get("version", type=int))
            db.session.commit()
        except InvalidInput as exc:
            db.session.rollback()
            for name, messages in exc.errors.items():
                if name in form:
                    form[name].errors = list(messages)
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
            return redirect(url_for("cases.case", number=outcome.case.number))
    return render_template("cases/task.html", item=item, case=item.case, form=form,
                           history=queries.case_history(item.case))


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str):
    item = _load(task_id)
    try:
        tasks.claim_task(item, current_user)
        db.session.commit()
        flash(_("You claimed the task."), "success")
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(safe_next(request.form.get("next")) if request.form.get("next")
                    else url_for("cases.task", task_id=task_id))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str):
    item = _load(task_id)
    try:
        tasks.unclaim_task(item, current_user)
        db.session.commit()
        flash(_("The task is back in the team queue."), "success")
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("cases.task", task_id=task_id))
