"""Custody receipts (預かり書) and their lines: one line per document, each a ledger row.

A resident's visit gives one receipt per destination department (one forwarding case each);
every line carries its own receipt number, serial per (branch, document type, fiscal year).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.case import Case
from models.document_type import DocumentType
from models.office import Department, Office
from models.user import User

# held → in_transit → received → returning → filed, or cancelled (before dispatch, or lost).
LINE_STATUSES = ("held", "in_transit", "received", "returning", "filed", "cancelled")
ACTIVE_LINE_STATUSES = ("held", "in_transit", "received", "returning")
LINE_STATUS_LABELS = {
    "held": _l("Held at branch"),
    "in_transit": _l("In transit"),
    "received": _l("Received at the department"),
    "returning": _l("Receipt returning"),
    "filed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}


class Receipt(Model):
    __tablename__ = "forwarding_receipt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Receipts issued together for one resident at one visit share this key.
    visit_key: Mapped[str] = mapped_column(String(32), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    resident_name: Mapped[str] = mapped_column(String(60))
    resident_kana: Mapped[str] = mapped_column(String(60), default="")
    resident_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    remarks: Mapped[str] = mapped_column(String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # 受け取り日時: written on the receipt by the department.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case | None] = relationship()
    office: Mapped[Office] = relationship()
    department: Mapped[Department] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    lines: Mapped[list[ReceiptLine]] = relationship(
        back_populates="receipt", order_by="ReceiptLine.position")

    # Every operation touches the receipt: a concurrent one gets StaleDataError (a conflict).
    __mapper_args__ = {"version_id_col": version}

    @property
    def active_lines(self) -> list[ReceiptLine]:
        """The lines not cancelled (filed ones included)."""
        return [line for line in self.lines if line.status != "cancelled"]

    @property
    def numbers(self) -> list[str]:
        return [line.number for line in self.lines]

    def __repr__(self) -> str:
        return f"<Receipt {self.id} {self.numbers}>"


class ReceiptLine(Model):
    """One document in custody: a row of the forwarding ledger (回送管理簿)."""

    __tablename__ = "forwarding_line"
    __table_args__ = (
        # The last line of defence behind the counter row: a serial is never issued twice.
        UniqueConstraint("office_id", "document_type_id", "fiscal_year", "serial",
                         name="uq_forwarding_line_serial"),
        Index("ix_forwarding_line_office_issued", "office_id", "issued_at"),
        Index("ix_forwarding_line_department_issued", "department_id", "issued_at"),
        Index("ix_forwarding_line_status_due", "status", "due_at"),
        Index("ix_forwarding_line_issued", "issued_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("forwarding_receipt.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    document_type_id: Mapped[int] = mapped_column(ForeignKey("document_type.id"), index=True)
    sheets: Mapped[int] = mapped_column(Integer)
    event_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="held")
    # Deadline of the step the line is waiting for (overdue lines are highlighted).
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not found in its internal-mail bag on arrival (不着); stays set if it was never found.
    missing: Mapped[bool] = mapped_column(Boolean, default=False)
    bag_id: Mapped[int | None] = mapped_column(ForeignKey("forwarding_bag.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))

    receipt: Mapped[Receipt] = relationship(back_populates="lines")
    document_type: Mapped[DocumentType] = relationship()
    office: Mapped[Office] = relationship()
    department: Mapped[Department] = relationship()
    cancelled_by: Mapped[User | None] = relationship()
    bag = relationship("Bag", foreign_keys=[bag_id])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_LINE_STATUSES

    def __repr__(self) -> str:
        return f"<ReceiptLine {self.number} {self.status}>"
