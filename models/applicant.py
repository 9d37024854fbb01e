"""Applicants (申請者): the portal's own accounts, never mixed with staff users.

The e-mail address is the user id (as on e-KAWASAKI). An account can sign in only after the
address was confirmed through the link sent at registration.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, UTCDateTime, utcnow

APPLICANT_KINDS = ("individual", "business")
APPLICANT_KIND_LABELS = {"individual": _l("Individual"), "business": _l("Business")}


class Applicant(Model):
    __tablename__ = "applicant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10), default="individual")
    phone: Mapped[str] = mapped_column(String(30), default="")
    locale: Mapped[str] = mapped_column(String(5), default="ja")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the portal session: rotating it signs out every session of the applicant.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    previous_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 前回のログイン

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def audit_name(self) -> str:
        """How the audit trail names this applicant (never confused with a staff user id)."""
        return f"applicant:{self.id}"

    def rotate_sessions(self) -> None:
        self.session_nonce = secrets.token_hex(16)

    def __repr__(self) -> str:
        return f"<Applicant {self.id}>"
