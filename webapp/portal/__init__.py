"""The applicant portal (/portal): catalogue, registration, the three steps, マイページ.

Applicants are never staff: they sign in with their own accounts, and the signed session keeps
them under its own keys (``portal_applicant`` = id and session nonce, and the id of the
sign-in's row in login_session, deleted at sign-out), independent of Flask-Login's staff
session. Every form carries a CSRF token; pages have their own mobile-first
layout without the staff navigation; errors raised here render in that layout.
"""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from models.application import APPLICATION_STATUS_LABELS, ROUND_OUTCOME_LABELS
from models.login_session import PORTAL_COOKIE_KEY
from workflows.applications import applicants
from workflows.applications.files import Upload

bp = Blueprint("portal", __name__, url_prefix="/portal")
SESSION_KEY = "portal_applicant"


@bp.before_request
def _load_applicant() -> None:
    g.applicant = None
    value = session.get(SESSION_KEY)
    if isinstance(value, str) and ":" in value:
        applicant_id, _sep, nonce = value.partition(":")
        if applicant_id.isdigit():
            g.applicant = applicants.load_session(int(applicant_id), nonce,
                                                  session.get(PORTAL_COOKIE_KEY))
        if g.applicant is None:
            sign_out()


@bp.app_context_processor
def _portal_globals() -> dict:
    return {"portal_applicant": lambda: g.get("applicant")}


@bp.app_template_global()
def application_status(status: str) -> str:
    return str(APPLICATION_STATUS_LABELS.get(status, status))


@bp.app_template_global()
def round_outcome(outcome: str) -> str:
    return str(ROUND_OUTCOME_LABELS.get(outcome, outcome))


@bp.after_request
def _remember_language(response):
    """?lang=en on a portal page keeps English for the following pages (a cookie)."""
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


def sign_in(applicant, session_id: str | None = None) -> None:
    """Start a portal session (only the portal's keys are replaced); without session_id the
    current sign-in goes on (re-issued after a password change rotated the nonce)."""
    session_id = session_id or session.get(PORTAL_COOKIE_KEY)
    sign_out()
    session[SESSION_KEY] = f"{applicant.id}:{applicant.session_nonce}"
    session[PORTAL_COOKIE_KEY] = session_id
    session.permanent = True


def sign_out() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(PORTAL_COOKIE_KEY, None)


def applicant_required(view):
    """The page needs a signed-in applicant; others go to the portal's sign-in page."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("applicant") is None:
            return redirect(url_for("portal.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def uploads_from_request(field_ids) -> dict[str, Upload]:
    """The files posted for these attachment fields (empty file inputs are ignored)."""
    out = {}
    for field_id in field_ids:
        storage = request.files.get(field_id)
        if storage is not None and storage.filename:
            out[field_id] = Upload(storage.filename, storage.read())
    return out


@bp.errorhandler(CSRFError)
@bp.errorhandler(HTTPException)
def _error(exc: HTTPException):
    titles = {404: _("The page was not found."), 403: _("The page was not found."),
              413: _("The upload is too large."),
              400: _("The form has expired. Go back, reload the page and try again.")}
    code = 404 if exc.code == 403 else (exc.code or 500)
    return render_template("portal/error.html", code=code,
                           title=titles.get(code, _("An error occurred."))), code


from webapp.portal import apply, auth, catalogue, mypage, password  # noqa: E402,F401
