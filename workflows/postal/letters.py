"""What a letter to a postal applicant says, read from the case, its envelope and terms."""

from __future__ import annotations

from datetime import date

from models.case import Case
from reports.postal_letters import LetterView
from workflows.postal import catalogue
from workflows.postal.dispatch import first_envelope, letter_due


def letter_view(case: Case, kind: str, issued_on: date) -> LetterView | None:
    """The correction or reminder letter of the case's current round; None before a return."""
    data = case.data or {}
    envelope = first_envelope(case)
    if envelope is None or not int(data.get("correction_round") or 0):
        return None
    terms = catalogue.terms_of(envelope.procedure)
    return LetterView(
        kind=kind, case_number=case.number, intake_number=envelope.intake_number,
        issued_on=issued_on, recipient_postal_code=envelope.sender_postal_code,
        recipient_address=envelope.sender_address, recipient_name=envelope.sender_name,
        procedure=envelope.procedure.name, received_on=envelope.arrival_date,
        missing=tuple(str(m) for m in data.get("missing") or []),
        message=str(data.get("message") or ""), due_date=letter_due(case, kind),
        send_to=terms.send_to if terms else "", department=envelope.department.name,
        contact_phone=envelope.procedure.contact_phone)
