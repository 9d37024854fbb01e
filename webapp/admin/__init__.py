"""Admin pages: users, organisation, API tokens, audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from webapp.admin import audit, org, tokens, users  # noqa: E402,F401
