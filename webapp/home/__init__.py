"""The signed-in landing page: who I am and the tasks I can act on."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from workflows import queries

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    return render_template("home/index.html", user=current_user,
                           items=queries.actionable_items(current_user, limit=50))
