"""Comments between staff on a case (never shown to applicants)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.case import Case
from models.user import User

MAX_COMMENT_LENGTH = 2000


class CaseComment(Model):
    __tablename__ = "case_comment"
    __table_args__ = (Index("ix_case_comment_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # The work item the comment was written from, if any (shown beside it).
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_item.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship()
