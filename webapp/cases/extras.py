"""What the task and case pages show beyond the basics: comments, documents, previous rounds,
the BPMN diagram; and the routes behind them (comment, diagram data, case sheet, reassign)."""

from io import BytesIO
from pathlib import Path

from flask import abort, current_app, flash, jsonify, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.base import utcnow
from reports import case_sheet
from webapp.actions import commit_or_flash
from webapp.auth.routes import safe_next
from webapp.cases import bp
from webapp.extensions import db
from workflows import params, queries, tasks
from workflows.failures import InvalidInput, OperationError
from workflows.permissions import can_view_case, supervises
from workflows.worklist import documents, notes, people
from workflows.worklist.diagram import case_diagram

VIEWER = "vendor/bpmn-js/bpmn-viewer.production.min.js"


def _case(number: str):
    case = queries.case_by_ref(number)
    if case is None or not can_view_case(current_user, case):
        abort(404)
    return case


def _documents(case) -> list:
    return [d for d in documents.case_documents(case)
            if d.endpoint in current_app.view_functions]


def task_context(item) -> dict:
    history = queries.case_history(item.case)
    rounds = [e for e in history if e.action == "task_completed"
              and (e.details or {}).get("task") == item.bpmn_id]
    return {"history": history, "rounds": rounds, "comments": notes.case_comments(item.case),
            "documents": _documents(item.case)}


def diagram_assets() -> bool:
    """True when `make assets` has copied the bpmn-js viewer into static/vendor."""
    return (Path(current_app.static_folder) / VIEWER).is_file()


def case_context(case) -> dict:
    can_supervise = supervises(current_user, case.department_id)
    open_items = queries.case_items(case, active=True)
    return {"open_items": open_items, "done_items": queries.case_items(case, active=False),
            "history": queries.case_history(case), "can_supervise": can_supervise,
            "comments": notes.case_comments(case), "documents": _documents(case),
            "candidates": {i.id: people.candidates_for(i) for i in open_items}
            if can_supervise else {}, "diagram_assets": diagram_assets()}


@bp.post("/cases/<number>/comments")
@login_required
def add_comment(number: str):
    case = _case(number)
    item = queries.work_item_by_task_id(request.form.get("task_id", ""))
    try:
        notes.add_comment(case, current_user, request.form.get("body", ""),
                          item=item if item is not None and item.case_id == case.id else None)
        db.session.commit()
        flash(_("Your comment was added."), "success")
    except InvalidInput as exc:
        db.session.rollback()
        flash("　".join(m for msgs in exc.errors.values() for m in msgs), "error")
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    back = request.form.get("next")
    return redirect((safe_next(back) if back else url_for("cases.case", number=case.number))
                    + "#comments")


@bp.get("/cases/<number>/diagram.json")
@login_required
def diagram(number: str):
    response = jsonify(case_diagram(_case(number)).as_json())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/cases/<number>/sheet.pdf")
@login_required
def case_sheet_pdf(number: str):
    case = _case(number)
    pdf = case_sheet.case_sheet_pdf(case, items=queries.case_items(case),
                                    history=queries.case_history(case),
                                    comments=notes.case_comments(case), printed_at=utcnow())
    return send_file(BytesIO(pdf), mimetype="application/pdf", max_age=0,
                     download_name=f"{case.number}.pdf")


@bp.post("/cases/<number>/items/<task_id>/reassign")
@login_required
def reassign(number: str, task_id: str):
    case = _case(number)
    item = queries.work_item_by_task_id(task_id)
    if item is None or item.case_id != case.id:
        abort(404)
    assignee = people.user_by_id(request.form.get("assignee", type=params.db_id))
    if assignee is None:
        flash(_("Choose a person."), "error")
    else:
        commit_or_flash(lambda: tasks.reassign_task(item, current_user, assignee),
                        _("%(task)s was assigned to %(name)s.", task=item.name,
                          name=assignee.display_name))
    return redirect(url_for("cases.case", number=case.number))
