"""Sign-in sessions kept on the server: one row per sign-in of a staff user or an applicant.

The signed session cookie carries the row's id next to the user's login id, and a request is
signed in only while the row exists. Signing out deletes the row, so a copy of the old cookie
(a shared PC, a proxy log, a stolen cookie) no longer opens anything, while the same person's
sessions on other devices go on. Rotating the per-user session nonce would have ended those
too; the nonce is still rotated when every session must end (password change, deactivation).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model, UTCDateTime, utcnow
from models.db import db

COOKIE_KEY = "login_session"  # the staff session's id in the cookie
PORTAL_COOKIE_KEY = "portal_login_session"  # the applicant's (both may share one browser)
# Rows of sessions nobody signed out of are purged at the owner's next sign-in. Cookies expire
# after 8 hours without a write; a week leaves any session still in use well alone.
KEEP = timedelta(days=7)


class LoginSession(Model):
    __tablename__ = "login_session"
    __table_args__ = (CheckConstraint("(user_id IS NULL) <> (applicant_id IS NULL)",
                                      name="one_owner"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _owned_by(user_id: int | None, applicant_id: int | None):
    if user_id is not None:
        return LoginSession.user_id == user_id
    return LoginSession.applicant_id == applicant_id


def open_session(*, user_id: int | None = None, applicant_id: int | None = None,
                 now: datetime | None = None) -> str:
    """Record a new sign-in and return its id (for the cookie); purge the owner's stale ones."""
    now = now or utcnow()
    db.session.execute(delete(LoginSession).where(
        _owned_by(user_id, applicant_id), LoginSession.created_at < now - KEEP))
    session_id = secrets.token_urlsafe(32)
    db.session.add(LoginSession(id=session_id, user_id=user_id, applicant_id=applicant_id,
                                created_at=now))
    db.session.flush()
    return session_id


def close_session(session_id: object, *, user_id: int | None = None,
                  applicant_id: int | None = None) -> None:
    """End one sign-in of this owner (sign-out); an unknown id changes nothing."""
    if isinstance(session_id, str):
        db.session.execute(delete(LoginSession).where(
            LoginSession.id == session_id, _owned_by(user_id, applicant_id)))


def close_all(*, user_id: int | None = None, applicant_id: int | None = None,
              keep: object = None) -> None:
    """End every sign-in of the owner except `keep` (the session that changed the password)."""
    query = delete(LoginSession).where(_owned_by(user_id, applicant_id))
    if isinstance(keep, str):
        query = query.where(LoginSession.id != keep)
    db.session.execute(query)


def session_id_ok(value: object) -> bool:
    """A well-formed id as the cookie carries it (anything else is not looked up)."""
    return isinstance(value, str) and 0 < len(value) <= 64
