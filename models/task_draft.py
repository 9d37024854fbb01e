"""Drafts of task forms: what a user typed into a task and saved without completing it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import JsonType, Model, UTCDateTime, utcnow


class TaskDraft(Model):
    __tablename__ = "task_draft"
    __table_args__ = (
        UniqueConstraint("work_item_id", "user_id", name="uq_task_draft_work_item_id_user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    # Raw form values as typed ({field name: text}); validated only on completion.
    data: Mapped[dict] = mapped_column(JsonType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
