"""The portal's three steps: 申請内容の入力 (saved as a draft) → 確認 → 申請の完了."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import update
from werkzeug.datastructures import MultiDict

from models.applicant import Applicant
from models.application import Application
from models.attachment import Attachment
from models.audit import record
from models.db import db
from models.procedure import Procedure
from workflows.applications import submission
from workflows.applications.files import Upload
from workflows.applications.validation import (
    check_files,
    collect_findings,
    current_attachments,
    draft_values,
    form_of,
    store_uploads,
    validate,
    validate_stored,
)
from workflows.failures import Conflict, InvalidInput


class AlreadySubmitted(Conflict):
    """The draft was submitted already (a double click, or another tab)."""

    def __init__(self, application: Application) -> None:
        super().__init__(_("This application has already been submitted."))
        self.application = application


def save(applicant: Applicant, procedure: Procedure, draft: Application | None,
         formdata: MultiDict, uploads: dict[str, Upload], *, complete: bool,
         now: datetime) -> Application:
    """Keep the input as a draft; complete=True (次へ進む) requires it to be valid."""
    spec = form_of(procedure)
    if draft is not None and draft.status != "draft":
        raise AlreadySubmitted(draft)
    submission.check_accepting(procedure, now)
    kept = current_attachments(draft) if draft is not None else {}
    if complete:
        validated = validate(spec, formdata, uploads, kept=kept)
        values, checked = validated.values, validated.uploads
    else:
        values = draft_values(spec, formdata)
        checked, errors = check_files(spec, uploads, values, kept=kept, complete=False)
        if errors:
            raise InvalidInput(_("The input has errors."), errors)
    if draft is None:
        draft = Application(procedure=procedure, applicant_id=applicant.id,
                            applicant_email=applicant.email,
                            applicant_name=applicant.display_name, channel="portal",
                            status="draft", created_at=now)
        db.session.add(draft)
        db.session.flush()
    draft.fields = values
    draft.updated_at = now
    store_uploads(draft, checked, now)
    draft.findings = collect_findings(draft)
    record("application_draft_saved", "application", draft.id, actor_name=applicant.audit_name,
           at=now, details={"procedure": procedure.code, "complete": complete})
    return draft


def submit(applicant: Applicant, draft: Application, now: datetime) -> Application:
    """Submit a confirmed draft once: a second click finds it submitted (AlreadySubmitted)."""
    if draft.status != "draft":
        raise AlreadySubmitted(draft)
    validate_stored(draft)
    claimed = db.session.execute(
        update(Application).where(Application.id == draft.id, Application.status == "draft")
        .values(status="submitted").execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()
        db.session.refresh(draft)
        raise AlreadySubmitted(draft)
    return submission.submit(draft, actor=None, actor_name=applicant.audit_name, now=now)


def discard(applicant: Applicant, draft: Application, now: datetime) -> None:
    """Delete a draft the applicant no longer wants (its files stay until unreferenced)."""
    if draft.status != "draft":
        raise AlreadySubmitted(draft)
    db.session.query(Attachment).filter(Attachment.application_id == draft.id).delete()
    db.session.delete(draft)
    record("application_draft_deleted", "application", draft.id,
           actor_name=applicant.audit_name, at=now)
