"""API tokens for integrations: stored hashed, shown once, revocable."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, bindparam, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.prepared import Prepared
from models.user import User, UserRole

TOKEN_PREFIX = "mdg_"
# last_used_at is written at most this often per token: a write per API call would
# serialise every request behind SQLite's single write lock.
LAST_USED_EVERY = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    """SHA-256 of a token; tokens are long random strings, so no salt or stretching is needed."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


_TOKENS, _USERS, _ROLES = ApiToken.__table__, User.__table__, UserRole.__table__

# A live token with its active user and one row per role (a user without roles: one row, role
# NULL) — one statement, run on every request, so revocation and deactivation take effect at
# once in every worker process.
LOOKUP = Prepared(
    select(_TOKENS.c.id.label("token_id"), _TOKENS.c.last_used_at.label("token_used_at"),
           *_USERS.c, _ROLES.c.role)
    .join_from(_TOKENS, _USERS, _USERS.c.id == _TOKENS.c.user_id)
    .outerjoin(_ROLES, _ROLES.c.user_id == _USERS.c.id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"),
           _TOKENS.c.revoked_at.is_(None), _USERS.c.active.is_(True)))

# Sets last_used_at unless another request (or worker) already did within LAST_USED_EVERY.
TOUCH = Prepared(
    _TOKENS.update()
    .where(_TOKENS.c.id == bindparam("token_id"),
           or_(_TOKENS.c.last_used_at.is_(None),
               _TOKENS.c.last_used_at < bindparam("stale_before", type_=UTCDateTime)))
    .values(last_used_at=bindparam("now", type_=UTCDateTime)))
