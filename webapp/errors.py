"""Error pages in the site layout, JSON errors under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.extensions import db


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _titles() -> dict[int, str]:
    return {
        400: _("The request could not be processed."),
        401: _("Authentication required."),
        403: _("You do not have permission to do this."),
        404: _("The page was not found."),
        405: _("This method is not allowed here."),
        409: _("The data was changed by someone else."),
        413: _("The upload is too large."),
        422: _("The input has errors."),
        500: _("An internal error occurred."),
        503: _("The service is temporarily unavailable."),
    }


def _render(code: int, detail: str | None = None):
    title = _titles().get(code, _("An error occurred."))
    if wants_json():
        return jsonify({"error": detail or title}), code
    return render_template("errors/error.html", code=code, title=title, detail=detail), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, _("The form has expired or its security token is missing. "
                              "Go back, reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        detail = exc.description if getattr(exc, "madoguchi_detail", False) else None
        return _render(exc.code or 500, detail)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return _render(500)


def abort_with(code: int, message: str):
    """Abort with a specific, user-facing message (shown on the error page or in JSON)."""
    from werkzeug.exceptions import default_exceptions

    exc = default_exceptions[code](description=message)
    exc.madoguchi_detail = True
    raise exc
