"""Files attached to applications; the bytes live on disk under ATTACHMENT_DIR by sha256."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import JsonType, Model, UTCDateTime, utcnow


class Attachment(Model):
    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_application", "application_id", "field_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    field_id: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # xlsx, xlsm, pdf, jpeg, png
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(120))  # the original name, sanitised
    findings: Mapped[list] = mapped_column(JsonType, default=list)
    round: Mapped[int] = mapped_column(Integer, default=0)  # the round it was uploaded in
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a later upload replaced it: the applicant no longer sees it, staff still do.
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def current(self) -> bool:
        return self.replaced_at is None
