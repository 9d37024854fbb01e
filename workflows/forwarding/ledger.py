"""The forwarding ledger (回送管理簿): filtered, scoped to the viewer, overdue lines marked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import aliased, joinedload

from japan.calendar import JST, business_days_between, to_jst
from models.bag import Bag
from models.case import Case
from models.db import db
from models.document_type import DocumentType
from models.office import Department, Office
from models.receipt import ACTIVE_LINE_STATUSES, Receipt, ReceiptLine
from models.user import User


@dataclass(frozen=True)
class LedgerFilter:
    office_id: int | None = None
    department_id: int | None = None
    type_id: int | None = None
    status: str | None = None  # a line status, or "overdue"
    date_from: date | None = None  # issue date (JST), inclusive
    date_to: date | None = None


def scope_clause(user: User):
    """Rows the user may see: own branch, own departments, supervised departments; admin all."""
    if user.has_role("admin"):
        return None
    parts = []
    if user.has_role("branch_clerk"):
        parts.append(ReceiptLine.office_id == user.office_id)
    if user.has_role("ward_clerk", "supervisor") and user.department_ids:
        parts.append(ReceiptLine.department_id.in_(user.department_ids))
    return or_(*parts) if parts else false()


def _where(query: Select, user: User, f: LedgerFilter, now: datetime, *,
           newest_first: bool = False) -> Select:
    scope = scope_clause(user)
    if scope is not None:
        query = query.where(scope)
    if f.office_id:
        query = query.where(ReceiptLine.office_id == f.office_id)
    if f.department_id:
        query = query.where(ReceiptLine.department_id == f.department_id)
    if f.type_id:
        query = query.where(ReceiptLine.document_type_id == f.type_id)
    if f.status == "overdue":
        query = query.where(ReceiptLine.status.in_(ACTIVE_LINE_STATUSES),
                            ReceiptLine.due_at < now)
    elif f.status:
        query = query.where(ReceiptLine.status == f.status)
    if f.date_from:
        query = query.where(ReceiptLine.issued_at >= datetime.combine(f.date_from, time(0), JST))
    if f.date_to:
        end = datetime.combine(f.date_to + timedelta(days=1), time(0), JST)
        query = query.where(ReceiptLine.issued_at < end)
    if newest_first:
        return query.order_by(ReceiptLine.issued_at.desc(), ReceiptLine.id.desc())
    return query.order_by(ReceiptLine.issued_at, ReceiptLine.id)


def ledger_query(user: User, f: LedgerFilter, now: datetime) -> Select:
    """Lines as ORM objects, newest first, with what the screen shows loaded alongside."""
    query = select(ReceiptLine).options(
        joinedload(ReceiptLine.receipt), joinedload(ReceiptLine.document_type),
        joinedload(ReceiptLine.office), joinedload(ReceiptLine.department),
        joinedload(ReceiptLine.bag), joinedload(ReceiptLine.cancelled_by))
    return _where(query, user, f, now, newest_first=True)


def late_days(due_at: datetime | None, status: str, now: datetime) -> int | None:
    """Business days past the deadline for an active line (0: overdue since today); else None."""
    if due_at is None or status not in ACTIVE_LINE_STATUSES or due_at >= now:
        return None
    return _business_days_late(to_jst(due_at).date(), to_jst(now).date())


@lru_cache(maxsize=1024)
def _business_days_late(due: date, today: date) -> int:
    # Ledger lines share a handful of due dates: count each pair of days once.
    return max(business_days_between(due, today), 0)


EXPORT_COLUMNS = (
    "number", "status", "office", "department", "type_code", "type_name", "sheets",
    "resident", "issued_at", "dispatched_at", "bag", "received_at", "returned_at", "filed_at",
    "due_at", "missing", "cancel_reason", "cancelled_by", "case_number",
)


def export_rows(user: User, f: LedgerFilter, now: datetime, *, limit: int | None = None
                ) -> Iterator[dict]:
    """Plain rows for Excel and PDF, streamed from the database."""
    canceller = aliased(User)
    query = select(
        ReceiptLine.number, ReceiptLine.status, Office.name, Department.name,
        DocumentType.code, DocumentType.name, ReceiptLine.sheets, Receipt.resident_name,
        ReceiptLine.issued_at, ReceiptLine.dispatched_at, Bag.number, ReceiptLine.received_at,
        ReceiptLine.returned_at, ReceiptLine.filed_at, ReceiptLine.due_at, ReceiptLine.missing,
        ReceiptLine.cancel_reason, canceller.display_name, Case.number,
    ).select_from(ReceiptLine).join(Receipt, Receipt.id == ReceiptLine.receipt_id) \
        .join(Office, Office.id == ReceiptLine.office_id) \
        .join(Department, Department.id == ReceiptLine.department_id) \
        .join(DocumentType, DocumentType.id == ReceiptLine.document_type_id) \
        .outerjoin(Bag, Bag.id == ReceiptLine.bag_id) \
        .outerjoin(canceller, and_(canceller.id == ReceiptLine.cancelled_by_id)) \
        .outerjoin(Case, Case.id == Receipt.case_id)
    query = _where(query, user, f, now)
    if limit is not None:
        query = query.limit(limit)
    result = db.session.execute(query.execution_options(yield_per=1000))
    for values in result:
        row = dict(zip(EXPORT_COLUMNS, values, strict=True))
        row["late_days"] = late_days(row["due_at"], row["status"], now)
        yield row
