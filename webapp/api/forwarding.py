"""API for branch-office document forwarding: catalogue, receipts, PDFs, the ledger."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from flask import g, jsonify, request, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from forms.forwarding import MAX_LINES, CounterForm
from models.base import utcnow
from models.receipt import Receipt, ReceiptLine
from reports import receipt as receipt_report
from reports.pdf import FontMissingError
from webapp import org
from webapp.api import bp
from webapp.api.auth import field_errors, json_error, token_required
from webapp.extensions import db
from webapp.forwarding.common import case_url
from webapp.forwarding.filters import FORMATS, export, parse_filter
from workflows import params
from workflows.failures import InvalidInput, OperationError
from workflows.forwarding import access, catalogue, eligibility, issue, queries
from workflows.forwarding.eligibility import NotForwardable
from workflows.forwarding.ledger import export_rows, late_days

STAFF = ("branch_clerk", "ward_clerk", "supervisor", "admin")
JSON_LIMIT = 10_000
_FIELD_NAMES = {"resident_name": "resident.name", "resident_kana": "resident.kana",
                "phone": "resident.phone"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _api_key(name: str) -> str:
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "lines":
        return f"lines[{parts[1]}].{'type' if parts[2] == 'document_type' else parts[2]}"
    return _FIELD_NAMES.get(name, name)


def _fail(exc: OperationError):
    db.session.rollback()
    if isinstance(exc, InvalidInput):
        errors = {_api_key(k): v for k, v in exc.errors.items()}
        extra = {}
        if isinstance(exc, NotForwardable):
            extra["refusals"] = [{"line": r.index, "type": r.type_code, "reason": r.reason,
                                  "message": r.message, "take_to": r.department}
                                 for r in exc.refusals]
        return json_error(422, exc.message, errors=errors, **extra)
    return json_error(exc.status, exc.message)


@bp.get("/forwarding/document-types")
@token_required(*STAFF)
def document_types():
    cache: dict = {}
    out = []
    for t in catalogue.list_types(active_only=True):
        decision = eligibility.type_decision(t, cache)
        out.append({"code": t.code, "name": t.name, "department": t.department.code,
                    "department_name": t.department.name, "forwardable": decision.forwardable,
                    "reason": decision.reason or None, "reason_message": decision.message or None,
                    "deadline_days": t.deadline_days, "temporary_window": t.temporary_window})
    return jsonify({"document_types": out})


def _formdata(body: dict) -> MultiDict:
    resident = body.get("resident") if isinstance(body.get("resident"), dict) else {}
    items = [("resident_name", str(resident.get("name") or "")),
             ("resident_kana", str(resident.get("kana") or "")),
             ("phone", str(resident.get("phone") or "")),
             ("submitter", str(body.get("submitter") or "individual")),
             ("remarks", str(body.get("remarks") or ""))]
    for i, line in enumerate(body["lines"]):
        items += [(f"lines-{i}-document_type", str(line.get("type") or "")),
                  (f"lines-{i}-sheets", "" if line.get("sheets") is None else
                   str(line.get("sheets"))),
                  (f"lines-{i}-event_date", str(line.get("event_date") or ""))]
        if line.get("urgent") is True:
            items.append((f"lines-{i}-urgent", "y"))
    return MultiDict(items)


@bp.post("/forwarding/receipts")
@token_required("branch_clerk")
def issue_receipt():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return field_errors({"body": [_("Send a JSON object.")]})
    lines = body.get("lines")
    if not isinstance(lines, list) or not lines or len(lines) > MAX_LINES \
            or not all(isinstance(x, dict) for x in lines):
        return field_errors({"lines": [_("Send 1 to %(max)d documents as a list of objects.",
                                         max=MAX_LINES)]})
    errors = _line_type_errors(lines)
    if params.not_text(body, "office"):
        errors["office"] = [_("Give a code as text.")]
    office = org.office_by_code(body["office"]) if body.get("office") else g.api_user.office
    if office is None and "office" not in errors:
        errors["office"] = [_("Unknown office code.")]
    if errors:
        return field_errors(errors)
    form = CounterForm(formdata=_formdata(body), meta={"csrf": False})
    form.set_types([(t.code, t.code) for t in catalogue.list_types(active_only=True)])
    if not form.validate():
        return field_errors({_api_key(k): v for k, v in _flat(form.errors).items()})
    filled = form.filled_lines()
    try:
        issued = issue.issue_receipts(
            g.api_user, office,
            issue.Resident(form.resident_name.data, form.resident_kana.data, form.phone.data),
            [issue.LineRequest(f.document_type.data, f.sheets.data, bool(f.urgent.data),
                               f.event_date.data) for f in filled],
            submitter_type=form.submitter.data, remarks=form.remarks.data or "")
        db.session.commit()
    except OperationError as exc:
        return _fail(exc)
    receipts = [_receipt_summary(r) for r in issued.receipts]
    return jsonify({"visit": issued.visit_key, "receipts": receipts,
                    "case_ids": [r["case_id"] for r in receipts],
                    "receipt_numbers": [n for r in receipts for n in r["receipt_numbers"]],
                    "errors_in_cases": issued.engine_errors}), 201


def _line_type_errors(lines: list[dict]) -> dict[str, list[str]]:
    """Every line names its document type (the counter form skips blank rows instead)."""
    return {f"lines[{i}].type": [_("Give the document type code as text.")]
            for i, line in enumerate(lines)
            if not isinstance(line.get("type"), str) or not line["type"].strip()}


def _flat(errors: dict, prefix: str = "") -> dict[str, list[str]]:
    """WTForms errors as flat names; a FieldList's list mixes its entries' error dicts with
    its own messages (``validate_lines``)."""
    out: dict[str, list[str]] = {}
    for key, value in errors.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, f"{name}-"))
            continue
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.update(_flat(item, f"{name}-{i}-"))
            else:
                out.setdefault(name, []).append(str(item))
    return out


def _receipt_summary(receipt: Receipt) -> dict:
    return {"receipt_id": receipt.id, "case_id": receipt.case_id,
            "case_number": receipt.case.number if receipt.case else None,
            "office": receipt.office.code, "department": receipt.department.code,
            "receipt_numbers": receipt.numbers}


def _line_json(line: ReceiptLine, now: datetime) -> dict:
    return {"number": line.number, "type": line.document_type.code,
            "type_name": line.document_type.name, "sheets": line.sheets, "status": line.status,
            "due_at": _iso(line.due_at), "late_business_days": late_days(line.due_at,
                                                                         line.status, now),
            "bag": line.bag.number if line.bag else None, "missing": line.missing,
            "cancelled": None if line.status != "cancelled" else {
                "at": _iso(line.cancelled_at), "reason": line.cancel_reason,
                "by": line.cancelled_by.username if line.cancelled_by else None}}


def _load_line(number: str) -> tuple[ReceiptLine | None, object]:
    line = queries.line_by_number(number)
    # Another branch's or department's receipt answers exactly as a number that does not
    # exist: a 403 naming its owner would let anyone count other offices' receipts.
    if line is None or not access.can_view_receipt(g.api_user, line.receipt):
        return None, json_error(404, _("There is no receipt %(number)s.", number=number))
    return line, None


@bp.get("/forwarding/receipts/<number>")
@token_required(*STAFF)
def get_receipt(number: str):
    line, error = _load_line(number)
    if error is not None:
        return error
    receipt, now = line.receipt, utcnow()
    body = _receipt_summary(receipt) | {
        "number": line.number, "status": line.status,
        "resident": {"name": receipt.resident_name, "kana": receipt.resident_kana,
                     "phone": receipt.phone},
        "remarks": receipt.remarks, "issued_at": _iso(receipt.issued_at),
        "received_at": _iso(receipt.received_at), "returned_at": _iso(receipt.returned_at),
        "filed_at": _iso(receipt.filed_at),
        "lines": [_line_json(x, now) for x in receipt.lines]}
    return jsonify(body)


@bp.get("/forwarding/receipts/<number>/pdf")
@token_required(*STAFF)
def receipt_pdf(number: str):
    line, error = _load_line(number)
    if error is not None:
        return error
    view = receipt_report.receipt_view(line.receipt, case_url(line.receipt))
    try:
        data = receipt_report.render_receipts([view])
    except FontMissingError as exc:
        return json_error(503, str(exc))
    return send_file(BytesIO(data), mimetype="application/pdf", max_age=0,
                     download_name=f"receipt-{line.receipt_id}.pdf")


@bp.get("/forwarding/ledger")
@token_required("branch_clerk", "ward_clerk", "supervisor", "admin")
def ledger():
    fmt = request.args.get("format") or "json"
    if fmt not in FORMATS:
        return field_errors({"format": [_("Use json, xlsx or pdf.")]})
    now = utcnow()
    try:
        f = parse_filter(request.args)
        if fmt != "json":
            out = export(g.api_user, f, fmt, now)
            return send_file(BytesIO(out.data), mimetype=out.mimetype, as_attachment=True,
                             download_name=out.filename, max_age=0)
    except InvalidInput as exc:
        return field_errors(exc.errors)
    except FontMissingError as exc:
        return json_error(503, str(exc))
    rows = list(export_rows(g.api_user, f, now, limit=JSON_LIMIT + 1))
    lines = [{k: (_iso(v) if isinstance(v, datetime) else v) for k, v in row.items()}
             for row in rows[:JSON_LIMIT]]
    return jsonify({"lines": lines, "count": len(lines), "truncated": len(rows) > JSON_LIMIT})
