"""The postal application's page and letters on the generic task and case pages, and the
queue search by any envelope's intake number (documents sent back get their own number)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from models.case import Case
from models.postal import PostalEnvelope
from workflows.postal.steps import PROCESS_ID
from workflows.worklist.documents import CaseDocument, register_document_provider
from workflows.worklist.search import register_number_lookup


@register_document_provider
def postal_documents(case: Case) -> list[CaseDocument]:
    if case.process_id != PROCESS_ID:
        return []
    number = {"number": case.number}
    docs = [CaseDocument(_l("Postal application page (review, letters)"), "postal.case",
                         number, "page")]
    if int((case.data or {}).get("correction_round") or 0):
        docs.append(CaseDocument(_l("Correction request letter (PDF)"), "postal.letter_pdf",
                                 {**number, "kind": "correction"}))
        docs.append(CaseDocument(_l("Reminder letter (PDF)"), "postal.letter_pdf",
                                 {**number, "kind": "reminder"}))
    return docs


@register_number_lookup
def envelope_numbers(number: str) -> Select | None:
    """郵R8-00012: the case of that envelope, first or later."""
    if not number.startswith("郵"):
        return None
    return select(PostalEnvelope.case_id).where(PostalEnvelope.intake_number == number)
