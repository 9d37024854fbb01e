"""Documents of a case shown on the task and case pages: generated PDFs and attachments.

Features add theirs with `register_document_provider` (the online portal its attachments);
the forwarding custody receipt is registered here, the case sheet is always there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models.case import Case
from models.db import db


@dataclass(frozen=True)
class CaseDocument:
    title: object  # str or lazy string
    endpoint: str  # Flask endpoint that serves it
    values: dict = field(default_factory=dict)
    kind: str = "pdf"  # pdf / attachment


DocumentProvider = Callable[[Case], list[CaseDocument]]
_PROVIDERS: list[DocumentProvider] = []


def register_document_provider(provider: DocumentProvider) -> DocumentProvider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


@register_document_provider
def _case_sheet(case: Case) -> list[CaseDocument]:
    return [CaseDocument(_l("Case sheet (PDF)"), "cases.case_sheet_pdf", {"number": case.number})]


@register_document_provider
def _custody_receipts(case: Case) -> list[CaseDocument]:
    if case.process_id != "branch_forwarding":
        return []
    from models.receipt import Receipt

    ids = db.session.scalars(select(Receipt.id).where(Receipt.case_id == case.id))
    return [CaseDocument(_l("Custody receipt (PDF)"), "forwarding.receipt_pdf",
                         {"receipt_id": rid}) for rid in ids]


def case_documents(case: Case) -> list[CaseDocument]:
    """Every document of the case, in provider order."""
    return [doc for provider in _PROVIDERS for doc in provider(case)]
