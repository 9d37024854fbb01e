"""Applicant passwords: forgotten-password links and changing the password on My page.

A reset link is signed and names a fingerprint of the current password hash, so it works once:
after the password changes (by the link or otherwise) every older link is dead. Asking for a
link looks the same whether or not the address has an account (no account enumeration).
Every change signs out all sessions of the applicant, clears a lockout and is audited.
Operations flush; the request commits.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from models import login_session
from models.applicant import Applicant
from models.audit import record
from models.base import utcnow
from models.db import db
from workflows.applications import messages
from workflows.applications.applicants import _mailed_recently, find

RESET_MAX_AGE = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="applicant-reset")


def _fingerprint(applicant: Applicant) -> str:
    return hashlib.sha256(applicant.password_hash.encode()).hexdigest()[:16]


def reset_url(applicant: Applicant) -> str:
    token = _serializer().dumps({"a": applicant.id, "p": _fingerprint(applicant)})
    return messages.portal_url(f"/portal/password/reset/{token}")


def request_reset(email: str, *, ip: str | None = None, now: datetime | None = None) -> None:
    """Mail a one-hour reset link to an active account (silently nothing otherwise)."""
    now = now or utcnow()
    applicant = find(email)
    if applicant is None or not applicant.active:
        return
    if not _mailed_recently(applicant, ("password_reset",), now):
        messages.password_reset(applicant, reset_url(applicant), now)
    record("applicant_password_reset_requested", "applicant", applicant.id,
           actor_name=applicant.audit_name, ip=ip, at=now)


def applicant_for_reset(token: str) -> Applicant | None:
    """The applicant a reset link is for, while the link is valid and unused."""
    try:
        payload = _serializer().loads(token, max_age=RESET_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    applicant = db.session.get(Applicant, payload["a"])
    if applicant is None or not applicant.active or payload.get("p") != _fingerprint(applicant):
        return None
    return applicant


def reset_password(token: str, password: str, *, ip: str | None = None,
                   now: datetime | None = None) -> Applicant | None:
    """Set a new password through a reset link (None if the link is invalid or used)."""
    now = now or utcnow()
    applicant = applicant_for_reset(token)
    if applicant is None:
        return None
    if applicant.email_verified_at is None:  # the link proved the mailbox is theirs
        applicant.email_verified_at = now
    _set_password(applicant, password, "applicant_password_reset", ip, now)
    return applicant


def change_password(applicant: Applicant, current: str, password: str, *,
                    ip: str | None = None, now: datetime | None = None,
                    keep_session: object = None) -> bool:
    """Change the password of a signed-in applicant; False if the current one is wrong.
    Every other sign-in ends; keep_session is the id of the one that changed it."""
    now = now or utcnow()
    if not check_password_hash(applicant.password_hash, current):
        record("applicant_password_change_refused", "applicant", applicant.id,
               actor_name=applicant.audit_name, ip=ip, at=now)
        return False
    _set_password(applicant, password, "applicant_password_changed", ip, now, keep_session)
    return True


def _set_password(applicant: Applicant, password: str, action: str, ip: str | None,
                  now: datetime, keep_session: object = None) -> None:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    applicant.password_hash = generate_password_hash(password, method=method)
    applicant.failed_logins = 0
    applicant.locked_until = None
    applicant.rotate_sessions()
    login_session.close_all(applicant_id=applicant.id, keep=keep_session)
    messages.password_changed(applicant, now)
    record(action, "applicant", applicant.id, actor_name=applicant.audit_name, ip=ip, at=now)
