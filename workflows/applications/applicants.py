"""Applicant accounts of the portal: register, confirm the e-mail address, sign in.

Separate from staff accounts in every way: own table, own session key, own lockout counter.
Registering an address that already has an account looks exactly like a new registration to
the person registering (no account enumeration); the owner of the address gets a note instead.
Operations flush; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from models import login_session
from models.applicant import Applicant
from models.audit import record
from models.base import utcnow
from models.db import db
from models.outbox import OutboxMessage
from workflows.applications import messages

VERIFY_MAX_AGE = 24 * 3600
MAIL_INTERVAL = timedelta(minutes=10)
_dummy: dict[str, str] = {}


@dataclass(frozen=True)
class SignIn:
    applicant: Applicant | None
    locked: bool = False
    unverified: bool = False
    session_id: str | None = None  # the new sign-in's id, for the session cookie


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="applicant-verify")


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find(email: str) -> Applicant | None:
    return db.session.scalar(select(Applicant).where(Applicant.email == normalise_email(email)))


def verify_url(applicant: Applicant) -> str:
    token = _serializer().dumps({"a": applicant.id, "e": applicant.email})
    return messages.portal_url(f"/portal/verify/{token}")


def register(*, email: str, password: str, display_name: str, kind: str, phone: str = "",
             ip: str | None = None, now: datetime | None = None) -> Applicant | None:
    """Create an unconfirmed account and mail the confirmation link (None: address taken)."""
    now = now or utcnow()
    existing = find(email)
    if existing is not None:
        if not _mailed_recently(existing, ("registration", "registration_exists"), now):
            messages.already_registered(existing, now)
        record("applicant_register_existing", "applicant", existing.id,
               actor_name=existing.audit_name, ip=ip, at=now)
        return None
    applicant = Applicant(email=normalise_email(email), password_hash=_hash(password),
                          display_name=display_name.strip(), kind=kind, phone=phone.strip(),
                          created_at=now)
    db.session.add(applicant)
    db.session.flush()
    messages.registration(applicant, verify_url(applicant), now)
    record("applicant_registered", "applicant", applicant.id, actor_name=applicant.audit_name,
           ip=ip, at=now, details={"kind": kind})
    return applicant


def verify(token: str, now: datetime | None = None) -> Applicant | None:
    """Confirm the address behind a link from the registration e-mail (None if invalid)."""
    now = now or utcnow()
    try:
        payload = _serializer().loads(token, max_age=VERIFY_MAX_AGE)
    except (BadSignature, SignatureExpired):
        return None
    applicant = db.session.get(Applicant, payload.get("a")) if isinstance(payload, dict) else None
    if applicant is None or applicant.email != payload.get("e") or not applicant.active:
        return None
    if applicant.email_verified_at is None:
        applicant.email_verified_at = now
        record("applicant_verified", "applicant", applicant.id, actor_name=applicant.audit_name,
               at=now)
    return applicant


def resend_verification(email: str, now: datetime | None = None) -> None:
    """Mail a new confirmation link to an unconfirmed account (silently nothing otherwise)."""
    now = now or utcnow()
    applicant = find(email)
    if applicant is not None and applicant.active and not applicant.verified \
            and not _mailed_recently(applicant, ("registration",), now):
        messages.registration(applicant, verify_url(applicant), now)


def _mailed_recently(applicant: Applicant, kinds: tuple[str, ...], now: datetime) -> bool:
    """At most one registration-type e-mail per address every few minutes (no mail bombing)."""
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.applicant_id == applicant.id, OutboxMessage.kind.in_(kinds),
        OutboxMessage.created_at > now - MAIL_INTERVAL).limit(1)) is not None


def authenticate(email: str, password: str, *, ip: str | None = None,
                 now: datetime | None = None) -> SignIn:
    """Check the password with the staff lockout policy; a success mails the login notice."""
    now = now or utcnow()
    applicant = find(email)
    if applicant is None or not applicant.active:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        check_password_hash(_dummy.setdefault(method, _hash("not-a-password")), password)
        record("applicant_login_failed", "applicant", None, actor_name="applicant:?",
               ip=ip, at=now, details={"reason": "unknown_or_inactive"})
        return SignIn(None)
    if applicant.locked_until and applicant.locked_until > now:
        record("applicant_login_refused_locked", "applicant", applicant.id,
               actor_name=applicant.audit_name, ip=ip, at=now)
        return SignIn(None, locked=True)
    if not check_password_hash(applicant.password_hash, password):
        return SignIn(None, locked=_count_failure(applicant, now, ip))
    applicant.failed_logins = 0
    applicant.locked_until = None
    if not applicant.verified:
        return SignIn(None, unverified=True)
    applicant.previous_login_at, applicant.last_login_at = applicant.last_login_at, now
    messages.login_notice(applicant, now)
    record("applicant_login", "applicant", applicant.id, actor_name=applicant.audit_name,
           ip=ip, at=now)
    return SignIn(applicant, session_id=login_session.open_session(applicant_id=applicant.id,
                                                                   now=now))


def _count_failure(applicant: Applicant, now: datetime, ip: str | None) -> bool:
    cfg = current_app.config
    applicant.failed_logins = (applicant.failed_logins or 0) + 1
    record("applicant_login_failed", "applicant", applicant.id, actor_name=applicant.audit_name,
           ip=ip, at=now, details={"reason": "wrong_password", "attempt": applicant.failed_logins})
    if applicant.failed_logins < cfg["LOCKOUT_THRESHOLD"]:
        return False
    applicant.failed_logins = 0
    applicant.locked_until = now + timedelta(minutes=cfg["LOCKOUT_MINUTES"])
    record("applicant_lockout", "applicant", applicant.id, actor_name=applicant.audit_name,
           ip=ip, at=now, details={"until": applicant.locked_until.isoformat()})
    return True


def load_session(applicant_id: int, nonce: str, session_id: object) -> Applicant | None:
    """The applicant of a portal session, if it is still valid: one query, which finds the
    applicant only while this sign-in has not been ended."""
    if not login_session.session_id_ok(session_id):
        return None
    applicant = db.session.scalar(
        select(Applicant).join(login_session.LoginSession,
                               login_session.LoginSession.applicant_id == Applicant.id)
        .where(Applicant.id == applicant_id, login_session.LoginSession.id == session_id))
    if applicant is None or not applicant.active or applicant.session_nonce != nonce:
        return None
    return applicant


def sign_out(applicant: Applicant, session_id: object, ip: str | None = None) -> None:
    """End this sign-in on the server: its cookie, even a copy of it, opens nothing more."""
    login_session.close_session(session_id, applicant_id=applicant.id)
    record("applicant_logout", "applicant", applicant.id, actor_name=applicant.audit_name, ip=ip)
