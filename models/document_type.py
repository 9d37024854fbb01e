"""The catalogue of documents a branch office may take in and forward (回送対象書類一覧)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.office import Department


class DocumentType(Model):
    __tablename__ = "document_type"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Short code printed in receipt numbers (大師-R7-HK-00012); never reused for another type.
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    # False: not on the city's forwarding list (e.g. fewer than about 50 cases a year).
    forwardable: Mapped[bool] = mapped_column(Boolean, default=True)
    # The date of acceptance matters legally: the resident must go to the ward office.
    acceptance_date_matters: Mapped[bool] = mapped_column(Boolean, default=False)
    # Deadline rule: due within this many days of an event (e.g. 14 days after moving house);
    # None when the document has no deadline. deadline_basis names the event.
    deadline_days: Mapped[int | None] = mapped_column(Integer)
    deadline_basis: Mapped[str] = mapped_column(String(40), default="")
    # Offered as a one-key preset at temporary windows (臨時窓口, seed 003 §2-5).
    temporary_window: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department] = relationship()

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    def __repr__(self) -> str:
        return f"<DocumentType {self.code}>"
