"""Online applications (電子申請), their correction rounds (差し戻し) — one row per round."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.applicant import Applicant
from models.base import JsonType, Model, UTCDateTime, utcnow
from models.case import Case
from models.procedure import Procedure
from models.user import User

# draft → submitted (under review) ⇄ returned (waiting for the applicant's correction)
#       → accepted | rejected | withdrawn (by the applicant, or the correction deadline passed)
#       | cancelled (a supervisor cancelled the case)
APPLICATION_STATUSES = ("draft", "submitted", "returned", "accepted", "rejected", "withdrawn",
                        "cancelled")
OPEN_APPLICATION_STATUSES = ("submitted", "returned")
APPLICATION_STATUS_LABELS = {
    "draft": _l("Saved (not yet submitted)"),
    "submitted": _l("Under review"),
    "returned": _l("Returned for correction"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "cancelled": _l("Cancelled"),
}
ROUND_OUTCOMES = ("pending", "resubmitted", "withdrawn", "expired", "closed")
ROUND_OUTCOME_LABELS = {
    "pending": _l("Waiting for the correction"),
    "resubmitted": _l("Corrected and resubmitted"),
    "withdrawn": _l("Withdrawn by the applicant"),
    "expired": _l("Not corrected by the deadline (treated as withdrawn)"),
    "closed": _l("Closed"),
}


def new_draft_key() -> str:
    return secrets.token_urlsafe(18)


class Application(Model):
    __tablename__ = "application"
    __table_args__ = (
        Index("ix_application_applicant", "applicant_id", "status", "id"),
        Index("ix_application_email", "applicant_email", "status"),
        Index("ix_application_open", "status", "case_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # 申込番号: 8 digits, given at submission (see workflows/applications/numbering.py).
    number: Mapped[str | None] = mapped_column(String(8), unique=True)
    # Random id of a draft in portal URLs (drafts have no number yet).
    draft_key: Mapped[str] = mapped_column(String(32), unique=True, default=new_draft_key)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"))
    applicant_name: Mapped[str] = mapped_column(String(100), default="")
    applicant_email: Mapped[str] = mapped_column(String(254), default="")  # lower case
    applicant_phone: Mapped[str] = mapped_column(String(30), default="")
    channel: Mapped[str] = mapped_column(String(10), default="portal")  # portal | api
    # The integration (token user) that sent an API application.
    source_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    status: Mapped[str] = mapped_column(String(12), default="draft")
    fields: Mapped[dict] = mapped_column(JsonType, default=dict)
    findings: Mapped[list] = mapped_column(JsonType, default=list)  # attachment checks
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    # The case version the application was last brought in step with (see sync.py).
    case_version: Mapped[int] = mapped_column(Integer, default=0)
    round: Mapped[int] = mapped_column(Integer, default=0)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    decision_message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    procedure: Mapped[Procedure] = relationship()
    applicant: Mapped[Applicant | None] = relationship()
    case: Mapped[Case | None] = relationship()
    source_user: Mapped[User | None] = relationship()
    rounds: Mapped[list[ApplicationRound]] = relationship(
        back_populates="application", order_by="ApplicationRound.number")

    @property
    def current_round(self) -> ApplicationRound | None:
        return self.rounds[-1] if self.rounds else None

    def __repr__(self) -> str:
        return f"<Application {self.number or self.draft_key} {self.status}>"


class ApplicationRound(Model):
    """One return for correction: what was asked, by whom, until when, and what changed."""

    __tablename__ = "application_round"
    __table_args__ = (UniqueConstraint("application_id", "number",
                                       name="uq_application_round_application_id_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"))
    number: Mapped[int] = mapped_column(Integer)
    returned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    fields_to_fix: Mapped[list] = mapped_column(JsonType, default=list)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(12), default="pending")
    # {field id: [before, after]}; attachments as file names.
    changes: Mapped[dict] = mapped_column(JsonType, default=dict)

    application: Mapped[Application] = relationship(back_populates="rounds")
    returned_by: Mapped[User | None] = relationship()
