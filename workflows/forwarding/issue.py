"""Issue custody receipts at the branch counter (one receipt and one case per department)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from japan.calendar import to_jst
from japan.text import normalize_digits, normalize_kana, normalize_name, search_key
from models.audit import record
from models.base import utcnow
from models.db import db
from models.document_type import DocumentType
from models.office import Department, Office
from models.receipt import Receipt, ReceiptLine
from models.user import User
from workflows import cases
from workflows.failures import InvalidInput, OperationError
from workflows.forwarding.access import check_branch
from workflows.forwarding.eligibility import check_eligible
from workflows.forwarding.numbering import counter_name, next_receipt_number
from workflows.forwarding.steps import (
    PROCESS_ID,
    complete_step,
    refresh_due,
)

MAX_LINES = 20
MAX_SHEETS = 999
NAME_MAX = 60


@dataclass(frozen=True)
class Resident:
    name: str
    kana: str = ""
    phone: str = ""


@dataclass(frozen=True)
class LineRequest:
    type_code: str
    sheets: int
    urgent: bool = False
    event_date: date | None = None


class ProcessFailed(OperationError):
    status = 503


@dataclass
class Issued:
    visit_key: str
    receipts: list[Receipt] = field(default_factory=list)
    engine_errors: list[str] = field(default_factory=list)


def _clean_resident(resident: Resident) -> Resident:
    name = normalize_name(resident.name or "")
    kana = normalize_kana(resident.kana or "")
    phone = normalize_digits(resident.phone or "")
    errors: dict[str, list[str]] = {}
    if not name:
        errors["resident_name"] = [_("Enter the resident's name.")]
    elif len(name) > NAME_MAX:
        errors["resident_name"] = [_("Enter the name in at most %(max)d characters.",
                                     max=NAME_MAX)]
    if len(kana) > NAME_MAX:
        errors["resident_kana"] = [_("Enter the name in at most %(max)d characters.",
                                     max=NAME_MAX)]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    return Resident(name, kana, phone)


def _load_types(lines: list[LineRequest]) -> list[DocumentType]:
    if not lines:
        raise InvalidInput(_("The input has errors."),
                           {"lines": [_("Enter at least one document.")]})
    if len(lines) > MAX_LINES:
        raise InvalidInput(_("The input has errors."), {"lines": [
            _("At most %(max)d documents fit on one receipt.", max=MAX_LINES)]})
    codes = {line.type_code for line in lines}
    found = {t.code: t for t in db.session.scalars(
        select(DocumentType).where(DocumentType.code.in_(codes)))}
    errors: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        doc_type = found.get(line.type_code)
        if doc_type is None or not doc_type.active:
            errors[f"lines-{i}-document_type"] = [
                _("Unknown document type %(code)s.", code=line.type_code)]
        if isinstance(line.sheets, bool) or not isinstance(line.sheets, int) \
                or not 1 <= line.sheets <= MAX_SHEETS:
            errors[f"lines-{i}-sheets"] = [_("Enter the number of sheets (1 to %(max)d).",
                                             max=MAX_SHEETS)]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    return [found[line.type_code] for line in lines]


def _group(types: list[DocumentType]) -> dict[Department, list[int]]:
    groups: dict[Department, list[int]] = {}
    for i, doc_type in enumerate(types):
        groups.setdefault(doc_type.department, []).append(i)
    return groups


def issue_receipts(actor: User, office: Office, resident: Resident, lines: list[LineRequest], *,
                   submitter_type: str = "individual", remarks: str = "",
                   now: datetime | None = None) -> Issued:
    """Number the documents, issue one receipt per department and start their cases."""
    now = now or utcnow()
    check_branch(actor, office)
    resident = _clean_resident(resident)
    types = _load_types(lines)
    check_eligible(lines, types, submitter_type, now)
    if len(remarks or "") > 200:
        raise InvalidInput(_("The input has errors."),
                           {"remarks": [_("Enter at most %(max)d characters.", max=200)]})
    day = to_jst(now).date()
    # Counter rows are locked in one global order, so two visits never wait on each other.
    order = sorted(range(len(lines)), key=lambda i: counter_name(office, types[i], 0))
    numbers = {i: next_receipt_number(office, types[i], day) for i in order}
    issued = Issued(uuid.uuid4().hex)
    for department, indexes in _group(types).items():
        receipt = Receipt(visit_key=issued.visit_key, office=office, department=department,
                          resident_name=resident.name, resident_kana=resident.kana,
                          resident_key=search_key(f"{resident.name}{resident.kana}"),
                          phone=resident.phone, remarks=(remarks or "").strip(), issued_at=now,
                          issued_by=actor)
        for position, i in enumerate(indexes):
            n = numbers[i]
            receipt.lines.append(ReceiptLine(
                position=position, number=n.number, fiscal_year=n.fiscal_year, serial=n.serial,
                office=office, department=department, document_type=types[i],
                sheets=lines[i].sheets, event_date=lines[i].event_date, status="held",
                issued_at=now))
        db.session.add(receipt)
        db.session.flush()
        _start_case(receipt, actor, now, issued)
        issued.receipts.append(receipt)
    return issued


def _start_case(receipt: Receipt, actor: User, now: datetime, issued: Issued) -> None:
    department = receipt.department
    data = {"receipt_id": receipt.id, "office": receipt.office.code,
            "department": department.code, "numbers": receipt.numbers,
            "receive_days": department.forwarding_receive_days,
            "ack_days": department.forwarding_ack_days}
    outcome = cases.start_case(PROCESS_ID, data, actor=actor, channel="branch",
                               office=receipt.office, department=department,
                               procedure_code=PROCESS_ID, subject_name=receipt.resident_name,
                               subject_kana=receipt.resident_kana,
                               reference=receipt.numbers[0], now=now)
    if outcome.error:
        raise ProcessFailed(_("The forwarding process could not start: %(error)s",
                              error=outcome.error))
    receipt.case = outcome.case
    error = complete_step(receipt, ("issue_receipt",),
                          {"receipt_id": receipt.id, "line_count": len(receipt.lines)},
                          actor=actor, now=now,
                          not_waiting=_("The forwarding process did not start as expected."))
    if error:
        issued.engine_errors.append(error)
    refresh_due(receipt)
    record("forwarding_receipt_issued", "forwarding_receipt", receipt.id, actor=actor, at=now,
           details={"after": snapshot(receipt)})


def snapshot(receipt: Receipt) -> dict:
    """What an audit event records about a receipt."""
    return {
        "case": receipt.case.number if receipt.case else None,
        "office": receipt.office.code, "department": receipt.department.code,
        "resident": receipt.resident_name, "kana": receipt.resident_kana,
        "lines": [{"number": line.number, "type": line.document_type.code,
                   "sheets": line.sheets, "status": line.status} for line in receipt.lines],
    }
