"""API for postal applications (郵送申請): register envelopes, read the registers."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from flask import g, jsonify, request, send_file
from flask_babel import gettext as _

from models.base import utcnow
from reports.pdf import FontMissingError
from webapp.api import bp
from webapp.api.auth import field_errors, json_error, token_required
from webapp.api.openapi import _responses, add_paths
from webapp.extensions import db
from webapp.postal.filters import FORMATS, KINDS, export, parse_filter, rows
from workflows.failures import InvalidInput, OperationError
from workflows.postal import intake

STAFF = ("ward_clerk", "supervisor", "admin")
JSON_LIMIT = 10_000


@bp.post("/postal/envelopes")
@token_required(*STAFF)
def register_envelope():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return field_errors({"body": [_("Send a JSON object.")]})
    try:
        done = intake.register_envelope(g.api_user, body, utcnow())
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        extra = {"warning": True} if isinstance(exc, intake.DuplicateEnvelope) else {}
        return json_error(422, exc.message, errors=exc.errors, **extra)
    except OperationError as exc:
        db.session.rollback()
        return json_error(exc.status, exc.message)
    e, case = done.envelope, done.outcome.case
    return jsonify({"intake_number": e.intake_number, "envelope_id": e.id, "case_id": case.id,
                    "case_number": case.number, "kind": e.kind, "late": e.late,
                    "late_days": e.late_days, "judgement": e.judgement,
                    "sender": {"name": e.sender_name, "postal_code": e.sender_postal_code,
                               "address": e.sender_address},
                    "money_order_total": e.money_order_total}), 201


@bp.get("/postal/register")
@token_required(*STAFF)
def postal_register():
    fmt = request.args.get("format") or "json"
    kind = request.args.get("register") or "intake"
    if fmt not in FORMATS or kind not in KINDS:
        return field_errors({"format" if fmt not in FORMATS else "register": [
            _("Use json, xlsx or pdf.") if fmt not in FORMATS else
            _("Use intake or dispatch.")]})
    now = utcnow()
    try:
        f = parse_filter(request.args)
        if fmt != "json":
            out = export(kind, g.api_user, f, fmt, now)
            return send_file(BytesIO(out.data), mimetype=out.mimetype, as_attachment=True,
                             download_name=out.filename, max_age=0)
    except InvalidInput as exc:
        return field_errors(exc.errors)
    except FontMissingError as exc:
        return json_error(503, str(exc))
    found = rows(kind, g.api_user, f, JSON_LIMIT + 1)
    lines = [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()}
             for r in found[:JSON_LIMIT]]
    return jsonify({"register": kind, "lines": lines, "count": len(lines),
                    "truncated": len(found) > JSON_LIMIT})


J = "application/json"
_S, _SN = {"type": "string"}, {"type": "string", "nullable": True}
_DATE = {"type": "string", "format": "date"}
PARAMS = [{"name": n, "in": "query", "required": False, "schema": {"type": "string"},
           "description": d} for n, d in (
    ("register", "intake (郵送受付簿, default) or dispatch (発送簿)"),
    ("department", "Department code, e.g. HOKEN"),
    ("procedure", "Procedure code, e.g. POST_NENKIN_MENJO"),
    ("from", "First day (arrival or sending date, YYYY-MM-DD)"),
    ("to", "Last day (YYYY-MM-DD)"),
    ("format", "json (default, at most 10,000 lines), xlsx, or pdf (at most 2,000 lines)"))]

add_paths({
    "/api/v1/postal/envelopes": {"post": {
        "summary": "Register an envelope received by post: a new case, or documents sent "
                   "back for an existing case (case_id)",
        "requestBody": {"required": True, "content": {J: {"schema": {
            "$ref": "#/components/schemas/EnvelopeRequest"}}}},
        "responses": {**_responses({"description": "unused"}, 401, 403, 409, 422),
                      "201": {"description": "The envelope's intake number and case",
                              "content": {J: {"schema": {
                                  "$ref": "#/components/schemas/RegisteredEnvelope"}}}}},
    }},
    "/api/v1/postal/register": {"get": {
        "summary": "The postal intake register (郵送受付簿) or dispatch register (発送簿)",
        "parameters": PARAMS,
        "responses": _responses({"description": "Register lines (json), or an xlsx/pdf file",
                                 "content": {J: {"schema": {"type": "object"}},
                                             "application/pdf": {"schema": {
                                                 "type": "string", "format": "binary"}},
                                             "application/vnd.openxmlformats-officedocument."
                                             "spreadsheetml.sheet": {"schema": {
                                                 "type": "string", "format": "binary"}}}},
                                401, 403, 422),
    }},
}, {
    "EnvelopeRequest": {"type": "object", "required": ["procedure_code", "arrival_date",
                                                       "sender"], "properties": {
        "procedure_code": _S, "arrival_date": _DATE, "postmark_date": {**_DATE,
                                                                       "nullable": True},
        "sender": {"type": "object", "properties": {
            "name": _S, "postal_code": {"type": "string", "description": "〒210-0001, "
                                        "２１００００１ …; fills the address when it is empty"},
            "address": _S}},
        "enclosures": {"type": "array", "items": _S},
        "money_orders": {"type": "array", "items": {"type": "object", "properties": {
            "number": _S, "amount": {"type": "integer"}}}},
        "return_envelope": {"type": "boolean"},
        "case_id": {"type": "string", "description": "Case id or number (documents sent "
                                                     "back after a correction letter)"},
        "event_date": {**_DATE, "nullable": True}, "deadline": {**_DATE, "nullable": True},
        "remarks": _S,
        "confirm_duplicate": {"type": "boolean", "description": "Register although the same "
                                                                "sender and procedure arrived "
                                                                "within a day"}}},
    "RegisteredEnvelope": {"type": "object", "properties": {
        "intake_number": _S, "envelope_id": {"type": "integer"},
        "case_id": {"type": "integer"}, "case_number": _S, "kind": _S,
        "late": {"type": "boolean"}, "late_days": {"type": "integer", "nullable": True},
        "judgement": _S, "money_order_total": {"type": "integer"},
        "sender": {"type": "object", "properties": {"name": _S, "postal_code": _S,
                                                    "address": _SN}}}},
})
