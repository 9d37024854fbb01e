"""Bearer-token authentication and JSON error helpers for the API."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from flask_babel import gettext as _

from webapp import accounts
from webapp.extensions import db


def json_error(status: int, message: str, **extra):
    """A JSON error response: {"error": message, ...}."""
    body = {"error": message}
    body.update(extra)
    return jsonify(body), status


def field_errors(errors: dict[str, list[str]]):
    """422 with per-field messages."""
    return json_error(422, _("The input has errors."), errors=errors)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_required(*roles: str):
    """Require a valid bearer token; with roles, the token's user must hold one of them."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            raw = _bearer()
            login = accounts.token_login(raw) if raw else None
            if login is None:
                response = json_error(401, _("A valid API token is required."))
                response[0].headers["WWW-Authenticate"] = 'Bearer realm="madoguchi"'
                return response
            if login.touched:
                db.session.commit()  # last_used_at, written at most once a minute per token
            if roles and not login.user.has_role(*roles):
                return json_error(403, _("Your token's user does not have the required role."))
            g.api_user = login.user
            return view(*args, **kwargs)

        return wrapped

    return decorator
