"""The supervisor dashboard: open items, overdue, waiting on applicants, throughput, ageing."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from webapp.dashboard import views  # noqa: E402,F401
