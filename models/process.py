"""Deployed process versions: immutable BPMN (and DMN) sources, one row per version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import JsonType, Model, UTCDateTime, utcnow
from models.user import User


class ProcessVersion(Model):
    __tablename__ = "process_version"
    __table_args__ = (
        UniqueConstraint("process_id", "version", name="uq_process_version_process_id_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64))
    # {filename: xml text}; never changed after insert.
    files: Mapped[dict] = mapped_column(JsonType, deferred=True)  # loaded only when parsing
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deployed_by: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.process_id} v{self.version}"

    def file_bytes(self) -> dict[str, bytes]:
        """The source files as bytes, as the engine parser wants them."""
        return {name: text.encode("utf-8") for name, text in self.files.items()}
