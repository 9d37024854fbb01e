"""JSON API /api/v1 for integrations; bearer tokens only (never the session cookie)."""

from flask import Blueprint

from webapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from webapp.api import cases, core, openapi_cases  # noqa: E402,F401
