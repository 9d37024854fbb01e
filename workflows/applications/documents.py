"""The application's documents on the staff task and case pages (online_application cases):
the application page (where the review is done), the PDF copy and every attached file."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models.application import Application
from models.attachment import Attachment
from models.case import Case
from models.db import db
from workflows.applications.steps import PROCESS_ID
from workflows.worklist.documents import CaseDocument, register_document_provider


@register_document_provider
def application_documents(case: Case) -> list[CaseDocument]:
    if case.process_id != PROCESS_ID or not case.reference:
        return []
    application_id = db.session.scalar(select(Application.id).where(
        Application.case_id == case.id))
    if application_id is None:
        return []
    number = {"number": case.reference}
    docs = [CaseDocument(_l("Application page (review)"), "applications.application", number,
                         "page"),
            CaseDocument(_l("Copy of the application (PDF)"), "applications.summary_pdf", number)]
    for row in db.session.scalars(select(Attachment).where(
            Attachment.application_id == application_id).order_by(Attachment.id)):
        title = row.filename if row.current else f"{row.filename} ({_l('replaced')})"
        docs.append(CaseDocument(title, "applications.download",
                                 {**number, "attachment_id": row.id}, "attachment"))
    return docs
