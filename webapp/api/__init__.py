"""JSON API /api/v1 for integrations; bearer tokens only (never the session cookie)."""

from flask import Blueprint

from webapp.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from webapp.api import (  # noqa: E402,F401
    applications,
    cases,
    core,
    forwarding,
    openapi_applications,
    openapi_cases,
    openapi_forwarding,
    postal,
)
