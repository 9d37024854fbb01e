"""Staff users: one office, any number of departments, a set of roles."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.office import Department, Office

ROLES = ("branch_clerk", "ward_clerk", "supervisor", "designer", "admin", "integration")
ROLE_LABELS = {
    "branch_clerk": _l("Branch clerk"),
    "ward_clerk": _l("Ward clerk"),
    "supervisor": _l("Supervisor"),
    "designer": _l("Process designer"),
    "admin": _l("Administrator"),
    "integration": _l("Integration (intake API)"),
}

user_department = Table(
    "user_department",
    Model.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id"), primary_key=True),
)


class UserRole(Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(30), primary_key=True)


class User(UserMixin, Model):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="ja")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the login id: rotating it signs out every existing session of the user.
    session_nonce: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    office: Mapped[Office] = relationship()
    departments: Mapped[list[Department]] = relationship(
        secondary=user_department, order_by=Department.position
    )
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[str]:
        return {r.role for r in self.role_rows}

    @roles.setter
    def roles(self, names) -> None:
        wanted = set(names)
        self.role_rows = [r for r in self.role_rows if r.role in wanted] + [
            UserRole(role=n) for n in sorted(wanted - self.roles)
        ]

    def has_role(self, *names: str) -> bool:
        return bool(self.roles.intersection(names))

    @property
    def department_ids(self) -> set[int]:
        return {d.id for d in self.departments}

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def rotate_sessions(self) -> None:
        """Invalidate every session signed in as this user."""
        self.session_nonce = secrets.token_hex(16)

    def __repr__(self) -> str:
        return f"<User {self.username}>"
