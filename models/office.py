"""Offices (ward office and branch offices) and the ward office's departments."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model

OFFICE_KINDS = ("ward", "branch")


class Office(Model):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    short_name: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    departments: Mapped[list[Department]] = relationship(
        back_populates="office", order_by="Department.position"
    )

    @property
    def is_branch(self) -> bool:
        return self.kind == "branch"

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class Department(Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 書類回送: business days for the department to receive forwarded documents, and to send
    # the acknowledged custody receipt back to the branch (boundary timers of the process).
    forwarding_receive_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    forwarding_ack_days: Mapped[int] = mapped_column(Integer, default=3, server_default="3")

    office: Mapped[Office] = relationship(back_populates="departments")

    def __repr__(self) -> str:
        return f"<Department {self.code}>"
