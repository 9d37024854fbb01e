"""Cases (案件): one running procedure, its number, routing, status and saved engine state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from japan.text import search_key
from models.base import JsonType, Model, UTCDateTime, utcnow
from models.office import Department, Office
from models.process import ProcessVersion
from models.user import User

CASE_STATUSES = ("active", "waiting", "completed", "error", "cancelled")
OPEN_STATUSES = ("active", "waiting", "error")


class Case(Model):
    __tablename__ = "cases"  # "case" is an SQL keyword
    __table_args__ = (
        Index("ix_case_status_updated", "status", "updated_at"),
        Index("ix_case_subject_key", "subject_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    procedure_code: Mapped[str | None] = mapped_column(String(40), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="counter")
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="active")
    subject_name: Mapped[str] = mapped_column(String(120), default="")
    subject_key: Mapped[str] = mapped_column(String(120), default="")
    # The name's reading (フリガナ) when one was given, kept as a search key (see _kana_key).
    subject_kana: Mapped[str] = mapped_column(String(120), default="", server_default=text("''"))
    reference: Mapped[str | None] = mapped_column(String(40), index=True)
    data: Mapped[dict] = mapped_column(JsonType, default=dict)
    # The version's digest, so each step finds the cached parsed spec without a query.
    process_sha256: Mapped[str] = mapped_column(String(64))
    # Engine state without the process spec (that is stored once per ProcessVersion).
    state: Mapped[dict] = mapped_column(JSON)
    rounds: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[dict | None] = mapped_column(JsonType)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    process_version: Mapped[ProcessVersion] = relationship()
    office: Mapped[Office | None] = relationship()
    department: Mapped[Department | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    # Every UPDATE checks and bumps the version: a concurrent writer gets StaleDataError.
    __mapper_args__ = {"version_id_col": version}

    @validates("subject_kana")
    def _kana_key(self, _key: str, value: str | None) -> str:
        """Store the reading as japan.text.search_key gives it (katakana, no spaces)."""
        return search_key(value or "")[:120]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Case {self.number} {self.status}>"
