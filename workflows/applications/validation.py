"""Validating an application's fields and files: the same checks for the portal and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from forms.application_fields import ProcedureForm, procedure_form, wtform_class
from forms.registry import to_formdata
from models.application import Application
from models.attachment import Attachment
from models.db import db
from models.procedure import Procedure
from workflows.applications import storage
from workflows.applications.files import (
    CheckedUpload,
    Upload,
    UploadRejected,
    check_name,
    check_upload,
)
from workflows.failures import InvalidInput, NotFound

DRAFT_TEXT_MAX = 2000


@dataclass
class Validated:
    values: dict[str, Any]
    uploads: list[CheckedUpload] = field(default_factory=list)


def form_of(procedure: Procedure) -> ProcedureForm:
    spec = procedure_form(procedure.form_key)
    if spec is None:
        raise NotFound(_("The form of this procedure is not available."))
    return spec


def _values(form: FlaskForm) -> dict[str, Any]:
    out = {}
    for name, fld in form._fields.items():
        if name == "csrf_token":
            continue
        value = fld.data
        out[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return out


def check_fields(spec: ProcedureForm, formdata: MultiDict) -> tuple[dict, dict[str, list[str]]]:
    """Clean values and per-field messages from the procedure's WTForms validators."""
    form = wtform_class(spec.key)(formdata=formdata, meta={"csrf": False})
    form.validate()
    errors = {name: [str(m) for m in msgs] for name, msgs in form.errors.items()}
    return _values(form), errors


def draft_values(spec: ProcedureForm, formdata: MultiDict) -> dict[str, Any]:
    """Values to keep in a draft: cleaned but not required to be complete or valid."""
    form = wtform_class(spec.key)(formdata=formdata, meta={"csrf": False})
    values = _values(form)
    return {k: v[:DRAFT_TEXT_MAX] if isinstance(v, str) else v for k, v in values.items()}


def check_files(spec: ProcedureForm, uploads: dict[str, Upload], values: dict[str, Any], *,
                kept: dict[str, Attachment], complete: bool
                ) -> tuple[list[CheckedUpload], dict[str, list[str]]]:
    """Check new files, and that kept ones still fit (e.g. the number in the file name)."""
    checked, errors = [], {}
    for spec_field in spec.attachment_fields:
        rule, upload = spec_field.attachment, uploads.get(spec_field.id)
        try:
            if upload is not None:
                checked.append(check_upload(spec_field.id, rule, upload, values))
            elif spec_field.id in kept and complete:
                check_name(rule, kept[spec_field.id].filename, values)
            elif complete and spec_field.required:
                errors[spec_field.id] = [_("Attach the file.")]
        except UploadRejected as exc:
            errors[spec_field.id] = [str(exc)]
    return checked, errors


def validate(spec: ProcedureForm, formdata: MultiDict, uploads: dict[str, Upload], *,
             kept: dict[str, Attachment] | None = None) -> Validated:
    """Everything needed for a submission, or InvalidInput with every problem at once."""
    values, errors = check_fields(spec, formdata)
    valid = {k: v for k, v in values.items() if k not in errors}
    checked, file_errors = check_files(spec, uploads, valid, kept=kept or {}, complete=True)
    errors.update(file_errors)
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    return Validated(values, checked)


def validate_stored(application: Application) -> Validated:
    """Re-check a saved draft before it is confirmed or submitted."""
    spec = form_of(application.procedure)
    return validate(spec, to_formdata(application.fields or {}), {},
                    kept=current_attachments(application))


def current_attachments(application: Application) -> dict[str, Attachment]:
    """The attachment of each field the applicant currently has (not replaced)."""
    rows = db.session.query(Attachment).filter(
        Attachment.application_id == application.id, Attachment.replaced_at.is_(None)
    ).order_by(Attachment.id).all() if application.id else []
    return {row.field_id: row for row in rows}


def store_uploads(application: Application, uploads: list[CheckedUpload], now: datetime,
                  round_number: int = 0, kept: dict[str, Attachment] | None = None
                  ) -> dict[str, tuple[str | None, str]]:
    """Write files to disk and attach them; earlier files of the same fields are replaced.

    Returns {field: (old file name or None, new file name)}. ``kept={}`` says the application
    has no files yet (saves a query).
    """
    if not uploads:
        return {}
    kept = current_attachments(application) if kept is None else kept
    changed = {}
    for upload in uploads:
        old = kept.get(upload.field_id)
        if old is not None:
            old.replaced_at = now
        digest = storage.store(upload.content)
        db.session.add(Attachment(
            application_id=application.id, field_id=upload.field_id, sha256=digest,
            size=len(upload.content), kind=upload.kind, content_type=upload.content_type,
            filename=upload.filename, findings=upload.findings, round=round_number,
            uploaded_at=now))
        changed[upload.field_id] = (old.filename if old else None, upload.filename)
    return changed


def collect_findings(application: Application) -> list[dict[str, Any]]:
    """The findings of the current attachments (e.g. error 9554), with their field."""
    db.session.flush()
    return [{**finding, "field": row.field_id}
            for row in current_attachments(application).values() for finding in row.findings]
