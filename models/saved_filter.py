"""Saved queue filters: a named query string of a queue, private or shared with a department."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.office import Department
from models.user import User

QUEUES = ("mine", "team", "all")


class SavedFilter(Model):
    __tablename__ = "saved_filter"
    __table_args__ = (
        Index("ix_saved_filter_owner", "owner_id", "name"),
        Index("ix_saved_filter_department", "department_id", "name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    queue: Mapped[str] = mapped_column(String(10))
    # The queue's query string without the page number, e.g. "task=review&due=overdue".
    query: Mapped[str] = mapped_column(String(1000), default="")
    # Shared with everyone in this department; None keeps it private to its owner.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()
    department: Mapped[Department | None] = relationship()

    @property
    def is_shared(self) -> bool:
        return self.department_id is not None

    def __repr__(self) -> str:
        return f"<SavedFilter {self.id} {self.name!r}>"
