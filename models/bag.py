"""Internal-mail bags (庁内便): receipts travelling together from a branch to a department."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.office import Department, Office
from models.user import User

# in_transit → received, or discrepancy (missing or extra items) until a supervisor checks it.
BAG_STATUSES = ("in_transit", "received", "discrepancy")
BAG_STATUS_LABELS = {
    "in_transit": _l("In transit"),
    "received": _l("Received at the department"),
    "discrepancy": _l("Discrepancy"),
}


class Bag(Model):
    __tablename__ = "forwarding_bag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="in_transit")
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    # A supervisor's note closing a discrepancy.
    resolution: Mapped[str | None] = mapped_column(String(500))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    office: Mapped[Office] = relationship()
    department: Mapped[Department] = relationship()
    dispatched_by: Mapped[User | None] = relationship(foreign_keys=[dispatched_by_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    items: Mapped[list[BagItem]] = relationship(back_populates="bag", order_by="BagItem.id")

    @property
    def needs_check(self) -> bool:
        """A discrepancy no supervisor has closed yet."""
        return self.status == "discrepancy" and self.resolved_at is None

    def __repr__(self) -> str:
        return f"<Bag {self.number} {self.status}>"


class BagItem(Model):
    """A listed receipt line (ticked present or missing on arrival) or an extra item found."""

    __tablename__ = "forwarding_bag_item"
    __table_args__ = (UniqueConstraint("bag_id", "number", name="uq_forwarding_bag_item_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bag_id: Mapped[int] = mapped_column(ForeignKey("forwarding_bag.id"), index=True)
    line_id: Mapped[int | None] = mapped_column(ForeignKey("forwarding_line.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    # True: on the bag list; False: found in the bag although not on the list (extra).
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    # None until the bag is received; then whether the item was there.
    present: Mapped[bool | None] = mapped_column(Boolean)

    bag: Mapped[Bag] = relationship(back_populates="items")
    line = relationship("ReceiptLine", foreign_keys=[line_id])
