"""Operations on staff accounts and API tokens, shared by the UI, the API and the CLI.

Operations only flush; the request, CLI command or job that calls them commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from werkzeug.security import check_password_hash, generate_password_hash

from models import login_session
from models.api_token import LAST_USED_EVERY, LOOKUP, TOKEN_PREFIX, TOUCH, ApiToken, hash_token
from models.audit import record
from models.base import utcnow
from models.loaded import build, persistent
from models.office import Department, Office
from models.user import User, UserRole
from webapp.extensions import db

_dummy_hashes: dict[str, str] = {}
_USER_COLUMNS = [column.key for column in User.__table__.c]


def _dummy_hash() -> str:
    """A hash to check against when the user does not exist, so both paths cost the same."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not-a-real-password", method=method)
    return _dummy_hashes[method]


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    locked: bool = False
    session_id: str | None = None  # the new sign-in's id, for the session cookie


def hash_password(password: str) -> str:
    """Hash a password (scrypt unless configured otherwise)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(username: str) -> User | None:
    """The user with this username, or None."""
    return db.session.scalar(select(User).where(User.username == username.strip()))


def authenticate(username: str, password: str, ip: str | None = None) -> LoginResult:
    """Check a password, applying the lockout policy and auditing the outcome."""
    user = find_user(username)
    now = utcnow()
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        record("login_failed", "user", getattr(user, "id", None), actor_name=username[:80],
               details={"reason": "unknown_or_inactive"}, ip=ip)
        return LoginResult(None)
    if user.locked_until and user.locked_until > now:
        record("login_refused_locked", "user", user.id, actor=user, ip=ip)
        return LoginResult(None, locked=True)
    if not check_password_hash(user.password_hash, password):
        return LoginResult(None, locked=_count_failure(user, now, ip))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record("login", "user", user.id, actor=user, ip=ip)
    return LoginResult(user, session_id=login_session.open_session(user_id=user.id, now=now))


def sign_out(user: User, session_id: object, ip: str | None = None) -> None:
    """End this sign-in on the server: its cookie, even a copy of it, opens nothing more."""
    login_session.close_session(session_id, user_id=user.id)
    record("logout", "user", user.id, actor=user, ip=ip)


def _end_sessions(user: User, keep: object = None) -> None:
    """End every sign-in of the user (but `keep`): password changed, account deactivated."""
    user.rotate_sessions()
    login_session.close_all(user_id=user.id, keep=keep)


def _count_failure(user: User, now, ip: str | None) -> bool:
    cfg = current_app.config
    user.failed_logins = (user.failed_logins or 0) + 1
    record("login_failed", "user", user.id, actor=user, ip=ip,
           details={"reason": "wrong_password", "attempt": user.failed_logins})
    if user.failed_logins < cfg["LOCKOUT_THRESHOLD"]:
        return False
    user.failed_logins = 0
    user.locked_until = now + timedelta(minutes=cfg["LOCKOUT_MINUTES"])
    record("lockout", "user", user.id, actor=user, ip=ip,
           details={"until": user.locked_until.isoformat()})
    return True


def create_user(actor: User | None, *, username: str, display_name: str, password: str,
                office: Office, departments: list[Department], roles: list[str],
                email: str | None = None, locale: str = "ja") -> User:
    """Create a staff user."""
    user = User(username=username.strip(), display_name=display_name.strip(), email=email or None,
                password_hash=hash_password(password), office=office, locale=locale,
                departments=list(departments))
    user.roles = roles
    db.session.add(user)
    db.session.flush()
    record("user_created", "user", user.id, actor=actor, details={"after": describe_user(user)})
    return user


def update_user(actor: User, user: User, *, display_name: str, email: str | None, office: Office,
                departments: list[Department], roles: list[str], locale: str, active: bool,
                password: str | None = None) -> User:
    """Change a user's profile, roles and status (password only when given)."""
    before = describe_user(user)
    user.display_name = display_name.strip()
    user.email = email or None
    user.office = office
    user.departments = list(departments)
    user.roles = roles
    user.locale = locale
    if user.active and not active:
        _end_sessions(user)
    user.active = active
    if password:
        user.password_hash = hash_password(password)
        _end_sessions(user)
    db.session.flush()
    after = describe_user(user)
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if password:
        changes["password"] = ["***", "***"]
    record("user_updated", "user", user.id, actor=actor,
           details={"before": before, "after": after, "changed": sorted(changes)})
    return user


def deactivate_user(actor: User, user: User) -> User:
    """Deactivate a user and sign out their sessions."""
    if user.active:
        user.active = False
        _end_sessions(user)
        record("user_deactivated", "user", user.id, actor=actor,
               details={"before": {"active": True}, "after": {"active": False}})
    return user


def change_own_password(user: User, current_password: str, new_password: str,
                        keep_session: object = None) -> bool:
    """Set a new password after checking the current one; ends the user's other sessions
    (keep_session: the id of the sign-in that changed it)."""
    if not check_password_hash(user.password_hash, current_password):
        record("password_change_failed", "user", user.id, actor=user)
        return False
    user.password_hash = hash_password(new_password)
    _end_sessions(user, keep=keep_session)
    record("password_changed", "user", user.id, actor=user)
    return True


def describe_user(user: User) -> dict:
    """A JSON-able snapshot of the audited fields of a user."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "office": user.office.code if user.office else None,
        "departments": sorted(d.code for d in user.departments),
        "roles": sorted(user.roles),
        "locale": user.locale,
        "active": user.active,
    }


def create_token(actor: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create an API token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:80], token_hash=hash_token(raw),
                     hint=raw[:8])
    db.session.add(token)
    db.session.flush()
    record("token_created", "api_token", token.id, actor=actor,
           details={"user": user.username, "name": token.name, "hint": token.hint})
    return token, raw


def revoke_token(actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token; requests with it get 401 from now on."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("token_revoked", "api_token", token.id, actor=actor,
               details={"user": token.user.username, "hint": token.hint})
    return token


@dataclass(frozen=True)
class TokenLogin:
    user: User
    touched: bool  # last_used_at was (probably) written: the caller commits


def token_login(raw: str, now: datetime | None = None) -> TokenLogin | None:
    """The active user behind a bearer token, or None for unknown/revoked tokens.

    One query per request (token, user and roles together): a revoked token or a deactivated
    user is refused from the very next request, in every worker process.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    connection = db.session.connection()
    rows = LOOKUP.mappings(connection, {"token_hash": hash_token(raw)})
    if not rows:
        return None
    now = now or utcnow()
    used = rows[0]["token_used_at"]
    touched = used is None or now - used >= LAST_USED_EVERY
    if touched:  # a no-op when another worker has just written it
        TOUCH.execute(connection, {"token_id": rows[0]["token_id"], "now": now,
                                   "stale_before": now - LAST_USED_EVERY})
    return TokenLogin(_attached_user(rows), touched)


def _attached_user(rows: list[dict]) -> User:
    """The token's user as a persistent object built from the lookup rows (no further query)."""
    first = rows[0]
    existing = db.session.identity_map.get(identity_key(User, first["id"]))
    if existing is not None:
        return existing
    user = build(User, {name: first[name] for name in _USER_COLUMNS})
    roles = [build(UserRole, {"user_id": user.id, "role": row["role"]}) for row in rows
             if row["role"]]
    for role in roles:
        make_transient_to_detached(role)
    set_committed_value(user, "role_rows", roles)
    return persistent(user)


def list_users(*, q: str = "", office_id: int | None = None, role: str = "",
               status: str = "") -> list[User]:
    """Users matching the admin list filters, by username."""
    from models.user import UserRole

    query = select(User).order_by(User.username)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(User.username.ilike(like) | User.display_name.ilike(like))
    if office_id:
        query = query.where(User.office_id == office_id)
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if status in ("active", "inactive"):
        query = query.where(User.active.is_(status == "active"))
    return list(db.session.scalars(query))


def list_tokens() -> list[ApiToken]:
    """All API tokens, newest first."""
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
