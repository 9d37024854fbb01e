"""GET /healthz for load balancers and monitoring."""

from flask import Blueprint, jsonify
from sqlalchemy import text

from webapp.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", never a 500 page
        db.session.rollback()
        return jsonify({"status": "error", "db": "error"}), 503
    return jsonify({"status": "ok", "db": "ok"})
