"""Read-side look-ups for the forwarding screens and the API (no writes)."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from japan.calendar import JST, to_jst
from models.audit import AuditEvent
from models.bag import Bag
from models.db import db
from models.receipt import Receipt, ReceiptLine
from models.user import User
from models.work_item import ACTIVE_STATUSES, WorkItem
from workflows.forwarding.bags import normalize_number

_LOAD = (selectinload(Receipt.lines).selectinload(ReceiptLine.document_type),)


def receipt_by_id(receipt_id: int) -> Receipt | None:
    return db.session.get(Receipt, receipt_id)


def line_by_number(number: str) -> ReceiptLine | None:
    """A ledger line by its receipt number as typed or scanned."""
    return db.session.scalar(select(ReceiptLine).where(
        ReceiptLine.number == normalize_number(number)))


def bag_by_number(number: str) -> Bag | None:
    return db.session.scalar(select(Bag).where(Bag.number == normalize_number(number)))


def visit_receipts(visit_key: str) -> list[Receipt]:
    return list(db.session.scalars(select(Receipt).where(Receipt.visit_key == visit_key)
                                   .options(*_LOAD).order_by(Receipt.id)))


def _with_line_status(status: str):
    return exists().where(ReceiptLine.receipt_id == Receipt.id, ReceiptLine.status == status)


def receipts_with_status(status: str, *, office_id: int | None = None,
                         department_ids: set[int] | None = None,
                         limit: int = 500) -> list[Receipt]:
    """Receipts with at least one line in status, oldest first."""
    query = select(Receipt).where(_with_line_status(status)).options(*_LOAD)
    if office_id is not None:
        query = query.where(Receipt.office_id == office_id)
    if department_ids is not None:
        query = query.where(Receipt.department_id.in_(department_ids or {-1}))
    return list(db.session.scalars(query.order_by(Receipt.issued_at, Receipt.id).limit(limit)))


def receipts_waiting_for(bpmn_ids: tuple[str, ...], department_ids: set[int] | None,
                         limit: int = 200) -> list[Receipt]:
    """Receipts whose case has an open task among bpmn_ids (e.g. resolve_missing)."""
    query = select(Receipt).where(exists().where(
        WorkItem.case_id == Receipt.case_id, WorkItem.status.in_(ACTIVE_STATUSES),
        WorkItem.bpmn_id.in_(bpmn_ids))).options(*_LOAD)
    if department_ids is not None:
        query = query.where(Receipt.department_id.in_(department_ids or {-1}))
    return list(db.session.scalars(query.order_by(Receipt.issued_at).limit(limit)))


def open_tasks_by_case(case_ids: list[int]) -> dict[int, list[str]]:
    """Open BPMN task ids per case, for status markers (督促, 未着確認)."""
    if not case_ids:
        return {}
    rows = db.session.execute(select(WorkItem.case_id, WorkItem.bpmn_id).where(
        WorkItem.case_id.in_(case_ids), WorkItem.status.in_(ACTIVE_STATUSES)))
    out: dict[int, list[str]] = {}
    for case_id, bpmn_id in rows:
        out.setdefault(case_id, []).append(bpmn_id)
    return out


def visible_bags(user: User, *, office_id: int | None = None, department_ids=None,
                 needs_check: bool = False, limit: int = 100) -> list[Bag]:
    """Recent bags, newest first, narrowed to a branch or departments."""
    query = select(Bag).options(selectinload(Bag.items))
    if office_id is not None:
        query = query.where(Bag.office_id == office_id)
    if department_ids is not None:
        query = query.where(Bag.department_id.in_(department_ids or {-1}))
    if needs_check:
        query = query.where(Bag.status == "discrepancy", Bag.resolved_at.is_(None))
    return list(db.session.scalars(query.order_by(Bag.id.desc()).limit(limit)))


def issued_today(office_id: int, now: datetime) -> int:
    """Documents taken in at the branch today (JST)."""
    start = datetime.combine(to_jst(now).date(), time(0), JST)
    return db.session.scalar(select(func.count()).select_from(ReceiptLine).where(
        ReceiptLine.office_id == office_id, ReceiptLine.issued_at >= start)) or 0


def receipt_history(receipt: Receipt) -> list[AuditEvent]:
    """The receipt's own audit events and those of its bags, in order."""
    bag_ids = {str(line.bag_id) for line in receipt.lines if line.bag_id}
    mine = (AuditEvent.object_type == "forwarding_receipt") & \
        (AuditEvent.object_id == str(receipt.id))
    bags = (AuditEvent.object_type == "forwarding_bag") & AuditEvent.object_id.in_(bag_ids)
    return list(db.session.scalars(select(AuditEvent).where(or_(mine, bags) if bag_ids else mine)
                                   .order_by(AuditEvent.id)))
