"""The procedure catalogue (手続き一覧): what can be applied for, by whom, where and how."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import JsonType, Model, UTCDateTime, utcnow
from models.office import Department

AUDIENCES = ("individual", "business")
AUDIENCE_LABELS = {"individual": _l("For individuals"), "business": _l("For businesses")}
CHANNELS = ("online", "postal", "branch")
CHANNEL_LABELS = {"online": _l("Online"), "postal": _l("By post"),
                  "branch": _l("Via a branch office (forwarding)")}
DEFAULT_PROCESS = "online_application"
DEFAULT_CORRECTION_DAYS = 14


class Procedure(Model):
    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    audience: Mapped[str] = mapped_column(String(12), default="individual")
    category: Mapped[str] = mapped_column(String(60), default="")
    organisation: Mapped[str] = mapped_column(String(100), default="")  # 局・課 as shown
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    how_to_apply: Mapped[str] = mapped_column(Text, default="")  # 依頼方法、提出期限、注意点等
    accept_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accept_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: 随時受付
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    channels: Mapped[list] = mapped_column(JsonType, default=lambda: ["online"])
    process_id: Mapped[str] = mapped_column(String(100), default=DEFAULT_PROCESS)
    form_key: Mapped[str] = mapped_column(String(60))
    correction_days: Mapped[int] = mapped_column(Integer, default=DEFAULT_CORRECTION_DAYS)
    # Normalised name, summary, category and organisation for keyword search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship()

    def accepting(self, now: datetime) -> bool:
        """Open for online applications at this moment (never without a department to
        review them: their work would be in nobody's queue)."""
        if not self.active or "online" not in (self.channels or []) \
                or self.department_id is None:
            return False
        if self.accept_from is not None and now < self.accept_from:
            return False
        return self.accept_until is None or now <= self.accept_until

    def __repr__(self) -> str:
        return f"<Procedure {self.code}>"
