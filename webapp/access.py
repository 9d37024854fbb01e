"""Access checks shared by blueprints."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """Require a signed-in user holding at least one of the roles (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def get_or_404(model, ident):
    """Load a row by primary key or answer 404."""
    from webapp.extensions import db

    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj
