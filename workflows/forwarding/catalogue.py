"""The catalogue of forwardable documents and the departments' time limits (admin, audited)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from models.audit import record
from models.base import utcnow
from models.db import db
from models.document_type import DocumentType
from models.office import Department
from models.user import User
from workflows.failures import Forbidden, InvalidInput

MAX_DAYS = 30


@dataclass(frozen=True)
class TypeFields:
    code: str
    name: str
    department_id: int
    forwardable: bool = True
    acceptance_date_matters: bool = False
    deadline_days: int | None = None
    deadline_basis: str = ""
    temporary_window: bool = False
    active: bool = True
    position: int = 0


def list_types(*, active_only: bool = False) -> list[DocumentType]:
    """Document types in department and display order."""
    query = select(DocumentType).join(Department).order_by(
        Department.position, DocumentType.position, DocumentType.code)
    if active_only:
        query = query.where(DocumentType.active.is_(True))
    return list(db.session.scalars(query))


def type_by_code(code: str) -> DocumentType | None:
    return db.session.scalar(select(DocumentType).where(DocumentType.code == code))


def _snapshot(doc_type: DocumentType) -> dict:
    return {f: getattr(doc_type, f) for f in TypeFields.__dataclass_fields__}


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.has_role("admin"):
        raise Forbidden(_("Only administrators can change the document catalogue."))


def save_type(actor: User | None, doc_type: DocumentType | None, fields: TypeFields,
              now: datetime | None = None) -> DocumentType:
    """Create (doc_type None) or change a document type; the code of a used type is fixed."""
    now = now or utcnow()
    _require_admin(actor)
    other = type_by_code(fields.code)
    if other is not None and other is not doc_type:
        raise InvalidInput(_("The input has errors."),
                           {"code": [_("The code %(code)s is already used.", code=fields.code)]})
    if db.session.get(Department, fields.department_id) is None:
        raise InvalidInput(_("The input has errors."),
                           {"department_id": [_("Choose a department.")]})
    created = doc_type is None
    before = None if created else _snapshot(doc_type)
    if created:
        doc_type = DocumentType()
        db.session.add(doc_type)
    for name, value in asdict(fields).items():
        setattr(doc_type, name, value.strip() if isinstance(value, str) else value)
    doc_type.updated_at = now
    db.session.flush()
    after = _snapshot(doc_type)
    if before != after:
        record("document_type_created" if created else "document_type_updated",
               "document_type", doc_type.id, actor=actor, at=now,
               details={"before": before, "after": after})
    return doc_type


def save_department_days(actor: User, department: Department, *, receive_days: int,
                         ack_days: int, now: datetime | None = None) -> Department:
    """Set a department's business-day limits (new receipts use them)."""
    _require_admin(actor)
    errors = {}
    for name, value in (("receive_days", receive_days), ("ack_days", ack_days)):
        if not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
            errors[name] = [_("Enter a number from %(min)s to %(max)s.", min=1, max=MAX_DAYS)]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    before = {"receive_days": department.forwarding_receive_days,
              "ack_days": department.forwarding_ack_days}
    department.forwarding_receive_days, department.forwarding_ack_days = receive_days, ack_days
    after = {"receive_days": receive_days, "ack_days": ack_days}
    if before != after:
        record("department_forwarding_days", "department", department.id, actor=actor,
               at=now or utcnow(), details={"before": before, "after": after})
    return department
