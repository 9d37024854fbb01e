"""Outgoing e-mail, written in the same transaction as the change it reports, sent later."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, UTCDateTime, utcnow

OUTBOX_STATUSES = ("pending", "sent", "failed")
MESSAGE_KINDS = ("registration", "registration_exists", "login", "submitted", "resubmitted",
                 "returned", "reminder", "accepted", "rejected", "withdrawn")


class OutboxMessage(Model):
    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at", "id"),
        Index("ix_outbox_application", "application_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    to_addr: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # plain text, never HTML
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A sender leases a message while sending, so two senders never send it twice at once.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"), index=True)
