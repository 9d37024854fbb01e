"""Postal applications (郵送申請): each procedure's postal terms, envelopes and letters sent.

``PostalTerms`` adds to a catalogue procedure what the mail room needs: the enclosures to tick,
the fee and whether 定額小為替 are taken, the deadline rule (postmark or arrival counts) and the
correction-letter timings. ``PostalEnvelope`` is one line of the 郵送受付簿 (intake register,
serial per fiscal year); ``PostalDispatch`` one line of the 発送簿 (dispatch register).
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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import JsonType, Model, UTCDateTime, utcnow
from models.case import Case
from models.office import Department
from models.procedure import Procedure
from models.user import User

DEADLINE_RULES = ("postmark", "arrival")
DEADLINE_RULE_LABELS = {"postmark": _l("Postmark counts (消印有効)"),
                        "arrival": _l("Arrival counts (必着)")}
DISPATCH_KINDS = ("correction", "reminder", "result")
DISPATCH_KIND_LABELS = {"correction": _l("Correction request letter"),
                        "reminder": _l("Reminder letter"), "result": _l("Result")}
DISPATCH_METHODS = ("ordinary", "simple_registered", "recorded", "letterpack", "registered")
DISPATCH_METHOD_LABELS = {"ordinary": _l("Ordinary mail (普通郵便)"),
                          "simple_registered": _l("Simple registered mail (簡易書留)"),
                          "recorded": _l("Recorded delivery (特定記録)"),
                          "letterpack": _l("Letter Pack (レターパック)"),
                          "registered": _l("Registered mail (書留)")}
ENVELOPE_KINDS = ("new", "correction")


class PostalTerms(Model):
    """How a catalogue procedure is handled by post."""

    __tablename__ = "postal_terms"

    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), primary_key=True)
    enclosures: Mapped[list] = mapped_column(JsonType, default=list)  # checklist, in order
    fee: Mapped[int] = mapped_column(Integer, default=0)  # yen per application, 0: free
    fee_note: Mapped[str] = mapped_column(String(200), default="")
    money_order_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_rule: Mapped[str] = mapped_column(String(10), default="arrival")
    deadline_days: Mapped[int | None] = mapped_column(Integer)  # days after the event
    deadline_basis: Mapped[str] = mapped_column(String(60), default="")  # which event
    reminder_days: Mapped[int] = mapped_column(Integer, default=14)  # N: reminder letter
    withdraw_days: Mapped[int] = mapped_column(Integer, default=30)  # M: closed as withdrawn
    send_to: Mapped[str] = mapped_column(Text, default="")  # where corrections are sent
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    procedure: Mapped[Procedure] = relationship()


class PostalEnvelope(Model):
    """One envelope registered by the mail room (a line of the 郵送受付簿)."""

    __tablename__ = "postal_envelope"
    __table_args__ = (
        UniqueConstraint("fiscal_year", "serial", name="uq_postal_envelope_fiscal_year_serial"),
        Index("ix_postal_envelope_duplicate", "procedure_id", "sender_key", "arrival_date"),
        Index("ix_postal_envelope_register", "department_id", "arrival_date", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int] = mapped_column(Integer)
    intake_number: Mapped[str] = mapped_column(String(20), unique=True)  # 郵R8-00012
    kind: Mapped[str] = mapped_column(String(12), default="new")  # new | correction
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    arrival_date: Mapped[date] = mapped_column(Date)
    postmark_date: Mapped[date | None] = mapped_column(Date)
    sender_name: Mapped[str] = mapped_column(String(100))
    sender_key: Mapped[str] = mapped_column(String(100))  # normalised, for duplicates
    sender_postal_code: Mapped[str] = mapped_column(String(8), default="")  # 210-0001
    sender_address: Mapped[str] = mapped_column(String(200), default="")
    enclosures: Mapped[list] = mapped_column(JsonType, default=list)  # ticked items
    money_orders: Mapped[list] = mapped_column(JsonType, default=list)  # [{number, amount}]
    money_order_total: Mapped[int] = mapped_column(Integer, default=0)
    return_envelope: Mapped[bool] = mapped_column(Boolean, default=False)
    event_date: Mapped[date | None] = mapped_column(Date)
    deadline: Mapped[date | None] = mapped_column(Date)  # after any holiday extension
    deadline_rule: Mapped[str] = mapped_column(String(10), default="arrival")
    late_days: Mapped[int | None] = mapped_column(Integer)  # None: in time or no deadline
    judgement: Mapped[str] = mapped_column(Text, default="")  # the rule as applied, in words
    remarks: Mapped[str] = mapped_column(Text, default="")
    duplicate_of: Mapped[str | None] = mapped_column(String(20))  # confirmed by the clerk
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case | None] = relationship()
    procedure: Mapped[Procedure] = relationship()
    department: Mapped[Department] = relationship()
    registered_by: Mapped[User | None] = relationship()

    @property
    def late(self) -> bool:
        return self.late_days is not None


class PostalDispatch(Model):
    """A letter or result sent by post (a line of the 発送簿)."""

    __tablename__ = "postal_dispatch"
    __table_args__ = (Index("ix_postal_dispatch_register", "department_id", "sent_on", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    kind: Mapped[str] = mapped_column(String(12))  # correction | reminder | result
    round: Mapped[int] = mapped_column(Integer, default=0)
    sent_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    tracking_number: Mapped[str] = mapped_column(String(30), default="")
    recipient_name: Mapped[str] = mapped_column(String(100))
    recipient_postal_code: Mapped[str] = mapped_column(String(8), default="")
    recipient_address: Mapped[str] = mapped_column(String(200), default="")
    missing: Mapped[list] = mapped_column(JsonType, default=list)
    due_date: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(12), default="")  # result: completed/rejected
    note: Mapped[str] = mapped_column(Text, default="")
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    department: Mapped[Department] = relationship()
    procedure: Mapped[Procedure] = relationship()
    sent_by: Mapped[User | None] = relationship()
