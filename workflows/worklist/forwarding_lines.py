"""Forwarding ledger lines still waiting for the department's acknowledgement, per department:
sent by internal mail but not received, or received but the receipt not yet sent back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from models.db import db
from models.office import Department

UNACKNOWLEDGED = ("in_transit", "received")


@dataclass
class PendingLines:
    department: Department
    in_transit: int = 0
    received: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.in_transit + self.received


def unacknowledged(department_ids: set[int], now: datetime) -> list[PendingLines]:
    """Counts per department (ix_forwarding_line_status_due), departments in display order."""
    if not department_ids:
        return []
    from models.receipt import ReceiptLine  # the forwarding feature's ledger

    rows = db.session.execute(
        select(ReceiptLine.department_id, ReceiptLine.status, func.count(),
               func.sum(case((ReceiptLine.due_at < now, 1), else_=0)))
        .where(ReceiptLine.status.in_(UNACKNOWLEDGED),
               ReceiptLine.department_id.in_(department_ids))
        .group_by(ReceiptLine.department_id, ReceiptLine.status))
    departments = {d.id: d for d in db.session.scalars(
        select(Department).where(Department.id.in_(department_ids)))}
    out: dict[int, PendingLines] = {}
    for dept_id, status, n, late in rows:
        line = out.setdefault(dept_id, PendingLines(departments[dept_id]))
        setattr(line, status, n)
        line.overdue += int(late or 0)
    return sorted(out.values(), key=lambda x: (x.department.position, x.department.id))
