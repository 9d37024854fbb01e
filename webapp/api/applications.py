"""API: the procedure catalogue and the intake of applications from other systems."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from models.base import utcnow
from webapp.api import bp
from webapp.api.auth import field_errors, json_error, token_required
from webapp.extensions import db
from workflows.applications import catalogue, intake, queries
from workflows.failures import InvalidInput, OperationError


def _fail(exc: OperationError):
    db.session.rollback()
    if isinstance(exc, InvalidInput):
        return field_errors(exc.errors)
    return json_error(exc.status, exc.message)


@bp.get("/procedures")
@token_required()
def procedures():
    now = utcnow()
    return jsonify({"procedures": [catalogue.describe(p, now) for p in catalogue.search(
        catalogue.Filters(audience=request.args.get("audience", "")))]})


@bp.get("/procedures/<code>")
@token_required()
def procedure(code: str):
    found = catalogue.by_code(code)
    if found is None:
        return json_error(404, _("Unknown procedure code."))
    return jsonify(catalogue.describe(found, utcnow(), form=True))


@bp.post("/applications")
@token_required("integration")
def submit_application():
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > intake.KEY_MAX:
        return json_error(400, _("Send an Idempotency-Key header (1 to %(max)d characters) so "
                                 "that a retry cannot create a second application.",
                                 max=intake.KEY_MAX))
    try:
        result = intake.receive(g.api_user, key, request.get_json(silent=True), utcnow())
        db.session.commit()
    except OperationError as exc:
        return _fail(exc)
    return jsonify(result.body), result.status


def _application_json(application) -> dict:
    current = application.current_round
    return {
        "application_number": application.number, "case_id": application.case_id,
        "case_number": application.case.number if application.case else None,
        "procedure_code": application.procedure.code, "status": application.status,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at
        else None,
        "decided_at": application.decided_at.isoformat() if application.decided_at else None,
        "round": application.round,
        "correction": None if application.status != "returned" or current is None else {
            "message": current.message, "fields": list(current.fields_to_fix),
            "due_at": current.due_at.isoformat() if current.due_at else None},
    }


@bp.get("/applications/<number>")
@token_required("integration")
def application(number: str):
    found = queries.application_by_number(number)
    if found is None or found.source_user_id != g.api_user.id:
        return json_error(404, _("No such application."))
    return jsonify(_application_json(found))
