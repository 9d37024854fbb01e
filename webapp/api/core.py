"""API basics: who am I, and the OpenAPI document."""

from flask import g, jsonify

from webapp.api import bp
from webapp.api.auth import token_required
from webapp.api.openapi import openapi_document


@bp.get("/me")
@token_required()
def me():
    user = g.api_user
    return jsonify({
        "username": user.username,
        "display_name": user.display_name,
        "office": user.office.code,
        "departments": sorted(d.code for d in user.departments),
        "roles": sorted(user.roles),
    })


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/users")
@token_required("admin")
def users():
    from webapp import accounts

    return jsonify({"users": [
        {"username": u.username, "display_name": u.display_name, "office": u.office.code,
         "departments": sorted(d.code for d in u.departments), "roles": sorted(u.roles),
         "active": u.active}
        for u in accounts.list_users()
    ]})
