"""API: start cases, read them, list and claim and complete tasks."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from models.work_item import WorkItem
from webapp import org
from webapp.api import bp
from webapp.api.auth import field_errors, json_error, token_required
from webapp.api.serialize import case_json, work_item_json
from webapp.extensions import db
from workflows import cases, params, queries, tasks
from workflows.failures import InvalidInput, OperationError
from workflows.permissions import can_view_case

STAFF = ("branch_clerk", "ward_clerk", "supervisor", "admin")


def _fail(exc: OperationError):
    db.session.rollback()
    if isinstance(exc, InvalidInput):
        return field_errors(exc.errors)
    return json_error(exc.status, exc.message)


def _body() -> dict | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.post("/cases")
@token_required(*STAFF)
def start_case():
    body = _body()
    if body is None:
        return field_errors({"body": [_("Send a JSON object.")]})
    errors = {name: [_("Give a code as text.")] for name in params.not_text(
        body, "department", "office")}
    if not isinstance(body.get("process_id"), str) or not body.get("process_id"):
        errors["process_id"] = [_("Give the id of a deployed process.")]
    if not isinstance(body.get("data", {}), dict):
        errors["data"] = [_("data must be a JSON object.")]
    department = org.department_by_code(body["department"]) if body.get("department") else None
    if body.get("department") and department is None:
        errors["department"] = [_("Unknown department code.")]
    office = org.office_by_code(body["office"]) if body.get("office") else g.api_user.office
    if office is None:
        errors["office"] = [_("Unknown office code.")]
    if errors:
        return field_errors(errors)
    try:
        outcome = cases.start_requested_case(
            body["process_id"], body.get("data") or {}, actor=g.api_user,
            channel=str(body.get("channel") or "api")[:20], office=office,
            department=department, subject_name=str(body.get("subject_name") or ""))
        db.session.commit()
    except OperationError as exc:
        return _fail(exc)
    return jsonify(case_json(outcome.case, error=outcome.error)), 201


@bp.get("/cases/<case_id>")
@token_required(*STAFF)
def get_case(case_id: str):
    case = queries.case_by_ref(case_id)
    if case is None or not can_view_case(g.api_user, case):
        return json_error(404, _("The case was not found."))
    return jsonify(case_json(case, history=True))


@bp.get("/tasks")
@token_required(*STAFF)
def list_tasks():
    args = request.args
    items = queries.actionable_items(
        g.api_user, role=args.get("role") or None, office=args.get("office") or None,
        department=args.get("department") or None, assigned_to_me=args.get("assigned") == "me",
        limit=params.limit(args.get("limit"), 100))
    return jsonify({"tasks": [work_item_json(i) for i in items]})


def _item(task_id: str) -> WorkItem | None:
    return queries.work_item_by_task_id(task_id)


@bp.post("/tasks/<task_id>/claim")
@token_required(*STAFF)
def claim(task_id: str):
    item = _item(task_id)
    if item is None:
        return json_error(404, _("The task was not found."))
    try:
        tasks.claim_task(item, g.api_user)
        db.session.commit()
    except OperationError as exc:
        return _fail(exc)
    return jsonify(work_item_json(item))


@bp.post("/tasks/<task_id>/complete")
@token_required(*STAFF)
def complete(task_id: str):
    item = _item(task_id)
    if item is None:
        return json_error(404, _("The task was not found."))
    body = _body()
    if body is None or not isinstance(body.get("data", {}), dict):
        return field_errors({"data": [_("data must be a JSON object.")]})
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        return field_errors({"version": [_("version must be an integer.")]})
    try:
        outcome = cases.complete_task(item, body.get("data") or {}, actor=g.api_user,
                                      expected_version=version)
        db.session.commit()
    except OperationError as exc:
        return _fail(exc)
    return jsonify(case_json(outcome.case, error=outcome.error))
