"""Waiting BPMN timers of cases, so that the timer runner touches only the due ones."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, UTCDateTime


class Timer(Model):
    __tablename__ = "timer"
    __table_args__ = (Index("ix_timer_due", "due_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # SQLite has no SKIP LOCKED: a runner leases rows for a while instead.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
