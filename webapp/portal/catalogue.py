"""Portal: home, the procedure list with keyword search and filters, procedure details."""

from __future__ import annotations

from flask import abort, render_template, request

from models.base import utcnow
from models.procedure import AUDIENCES
from webapp.portal import bp
from workflows.applications import catalogue


@bp.get("/")
def home():
    return render_template("portal/home.html")


@bp.get("/procedures")
def procedures():
    filters = catalogue.Filters(
        q=request.args.get("q", "")[:100],
        audience=request.args.get("audience", "") if request.args.get("audience") in AUDIENCES
        else "",
        category=request.args.get("category", "")[:60],
        organisation=request.args.get("organisation", "")[:100])
    found = catalogue.search(filters)
    return render_template("portal/procedures.html", procedures=found, filters=filters,
                           facets=catalogue.facets(), now=utcnow())


@bp.get("/procedures/<code>")
def procedure(code: str):
    found = catalogue.by_code(code)
    if found is None:
        abort(404)
    return render_template("portal/procedure.html", procedure=found, now=utcnow())
