"""Intake API: applications sent by other systems, exactly once per Idempotency-Key.

A key belongs to the token user that sent it (table ``idempotency_key``, unique on user and
key) and remembers a hash of the body and the response. A retry with the same key and body
gets the same application back (200); the same key with another body is a conflict (409).
Two requests with the same key at the same moment cannot both create a case: the key is
inserted last, in the transaction that creates the case, so the second INSERT of the key waits
for the first transaction (PostgreSQL unique index, SQLite write lock) and then fails on the
unique constraint; the loser rolls back (its case and numbers with it) and answers like a retry.

Validation (including the Excel checks) runs before the key is written, so on SQLite the
single write lock is not held while a workbook is parsed. A request with errors stores nothing,
not even its key: the caller can fix the body and send it again with the same key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from forms.registry import to_formdata
from models.application import Application
from models.db import db
from models.idempotency import IdempotencyKey
from models.loaded import from_row
from models.office import Department
from models.prepared import Prepared
from models.procedure import Procedure
from models.user import User
from workflows.applications import submission
from workflows.applications.files import Upload
from workflows.applications.validation import form_of, store_uploads, validate
from workflows.failures import Conflict, InvalidInput

KEY_MAX = 100
MAX_ATTACHMENTS = 10
_KEYS = IdempotencyKey.__table__
_INSERT_KEY = Prepared(_KEYS.insert().values(
    {c.key: bindparam(c.key) for c in _KEYS.c if c.key != "id"}))
_PROCEDURES, _DEPARTMENTS = Procedure.__table__, Department.__table__
_FIND_PROCEDURE = Prepared(
    select(*_PROCEDURES.c, *(c.label(f"dept_{c.key}") for c in _DEPARTMENTS.c))
    .select_from(_PROCEDURES.outerjoin(_DEPARTMENTS,
                                       _DEPARTMENTS.c.id == _PROCEDURES.c.department_id))
    .where(_PROCEDURES.c.code == bindparam("code")))
_PROCEDURE_KEYS = [c.key for c in _PROCEDURES.c]
_DEPARTMENT_KEYS = [c.key for c in _DEPARTMENTS.c]
_FIND_KEY = Prepared(select(_KEYS.c.body_sha256, _KEYS.c.response).where(
    _KEYS.c.user_id == bindparam("user_id"), _KEYS.c.key == bindparam("key")))


@dataclass(frozen=True)
class IntakeResult:
    status: int  # 201 created, 200 replayed
    body: dict[str, Any]


def body_digest(body: Any) -> str:
    """sha256 of the body as canonical JSON (key order and spacing do not matter)."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _find(user: User, key: str) -> dict | None:
    return _FIND_KEY.first(db.session.connection(), {"user_id": user.id, "key": key})


def _replay(row: dict, digest: str) -> IntakeResult:
    if row["body_sha256"] != digest:
        raise Conflict(_("This Idempotency-Key was already used with a different request "
                         "body."))
    return IntakeResult(200, dict(row["response"]))


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _applicant(body: dict, errors: dict) -> dict[str, str]:
    raw = body.get("applicant")
    if not isinstance(raw, dict):
        errors["applicant"] = [_("Give the applicant as an object with name and email.")]
        return {}
    name, email = _text(raw.get("name"), 101), _text(raw.get("email"), 255).lower()
    if not name or len(name) > 100:
        errors["applicant.name"] = [_("Enter the applicant's name (at most 100 characters).")]
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors["applicant.email"] = [_("Enter a valid e-mail address.")]
    return {"name": name, "email": email, "phone": _text(raw.get("phone"), 30)}


def _uploads(body: dict, errors: dict) -> dict[str, Upload]:
    raw = body.get("attachments") or []
    if not isinstance(raw, list) or len(raw) > MAX_ATTACHMENTS:
        errors["attachments"] = [_("Give at most %(n)d attachments as a list.",
                                   n=MAX_ATTACHMENTS)]
        return {}
    uploads = {}
    if not all(isinstance(item, dict) for item in raw):
        errors["attachments"] = [_("Give each attachment as field, filename and "
                                   "content_base64.")]
        return {}
    for item in raw:
        fid = item.get("field")
        try:
            content = base64.b64decode(item.get("content_base64") or "", validate=True) \
                if isinstance(item.get("content_base64"), str) else b""
        except (binascii.Error, ValueError):
            content = None
        if not isinstance(fid, str) or not isinstance(item.get("filename"), str) or not content:
            errors.setdefault(str(fid or "attachments"), []).append(
                _("Give each attachment as field, filename and content_base64."))
            continue
        uploads[fid] = Upload(item["filename"], content)
    return uploads


def _procedure(code: str) -> Procedure | None:
    """The procedure with its department, read in one Core query (no ORM load)."""
    values = _FIND_PROCEDURE.first(db.session.connection(), {"code": code})
    if values is None:
        return None
    procedure = from_row(Procedure, {k: values[k] for k in _PROCEDURE_KEYS})
    if values["dept_id"] is not None:
        set_committed_value(procedure, "department", from_row(
            Department, {k: values[f"dept_{k}"] for k in _DEPARTMENT_KEYS}))
    return procedure


def _parse(body: Any) -> tuple[Procedure, dict, dict, dict[str, Upload]]:
    if not isinstance(body, dict):
        raise InvalidInput(_("The input has errors."), {"body": [_("Send a JSON object.")]})
    errors: dict[str, list[str]] = {}
    code = body.get("procedure_code")
    procedure = _procedure(code) if isinstance(code, str) else None
    if procedure is None or not procedure.active:
        errors["procedure_code"] = [_("Unknown procedure code.")]
    applicant = _applicant(body, errors)
    fields = body.get("fields")
    if not isinstance(fields, dict) or any(isinstance(v, (dict, list)) for v in fields.values()):
        errors["fields"] = [_("Give the fields as an object of plain values.")]
    uploads = _uploads(body, errors)
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    return procedure, applicant, fields, uploads


def receive(user: User, key: str, body: Any, now: datetime) -> IntakeResult:
    """Create the application and its case once per key; a retry gets the same answer."""
    digest = body_digest(body)
    existing = _find(user, key)
    if existing is not None:
        return _replay(existing, digest)
    procedure, applicant, fields, uploads = _parse(body)
    submission.check_accepting(procedure, now)
    validated = validate(form_of(procedure), to_formdata(fields), uploads)
    application = Application(
        procedure=procedure, applicant_name=applicant["name"],
        applicant_email=applicant["email"], applicant_phone=applicant["phone"], channel="api",
        source_user_id=user.id, fields=validated.values, created_at=now)
    findings = [{**f, "field": u.field_id} for u in validated.uploads for f in u.findings]
    submission.submit(application, actor=user, actor_name=user.username, now=now,
                      findings=findings)
    store_uploads(application, validated.uploads, now, kept={})
    response = {"application_number": application.number, "case_id": application.case_id,
                "status": application.status}
    try:  # the key goes in last; a concurrent request with the same key fails here
        _INSERT_KEY.execute(db.session.connection(), {
            "user_id": user.id, "key": key, "body_sha256": digest, "response": response,
            "application_id": application.id, "created_at": now})
    except IntegrityError:
        db.session.rollback()  # its case, number and application go with it
        winner = _find(user, key)
        if winner is None:
            raise
        return _replay(winner, digest)
    return IntakeResult(201, response)
