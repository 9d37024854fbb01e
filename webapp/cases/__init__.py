"""Staff pages for cases and tasks: the case page with its timeline, and the task page."""

from flask import Blueprint

bp = Blueprint("cases", __name__)

from webapp.cases import case_pages, extras, task_pages  # noqa: E402,F401
