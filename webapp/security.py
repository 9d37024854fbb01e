"""Security headers, cookie flags and the login manager's user loader."""

from __future__ import annotations

from flask import Flask, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.extensions import db, login_manager

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    if app.config.get("PROXY_FIX"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.after_request(_headers)


@login_manager.user_loader
def _load_user(login_id: str):
    from models.login_session import COOKIE_KEY, LoginSession, session_id_ok
    from models.user import User

    user_id, _sep, nonce = login_id.partition(":")
    session_id = session.get(COOKIE_KEY)
    if not user_id.isdigit() or not nonce or not session_id_ok(session_id):
        return None
    # One query, as before: the user only if this sign-in has not been ended (sign-out).
    user = db.session.scalar(select(User).join(LoginSession, LoginSession.user_id == User.id)
                             .where(User.id == int(user_id), LoginSession.id == session_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
