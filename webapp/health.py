"""GET /healthz for load balancers and monitoring: 200 exactly when pages would be served."""

from flask import Blueprint, current_app, jsonify
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from webapp.database import schema_problem
from webapp.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        problem = schema_problem()  # the same check that refuses pages with 503
    except SQLAlchemyError as exc:  # any database failure means "not healthy", never a 500
        db.session.rollback()
        # The driver's text names host, port and user: for the log, not for anyone asking.
        current_app.logger.warning("healthz: database unavailable: %s",
                                   str(getattr(exc, "orig", None) or exc).splitlines()[0])
        return jsonify({"status": "error", "db": "error", "reason": "database_unavailable",
                        "message": _("The database cannot be used at the moment.")}), 503
    if problem:
        return jsonify({"status": "error", "db": "ok", "schema": "out_of_date",
                        "reason": "schema_out_of_date", "message": problem}), 503
    return jsonify({"status": "ok", "db": "ok"})
