"""The OpenAPI 3 description of /api/v1; a test keeps it in sync with the routes."""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def _responses(ok: dict, *codes: int) -> dict:
    texts = {400: "A value holds a NUL character (errors names the field)",
             401: "Missing, unknown or revoked token", 403: "The token's user lacks the role",
             404: "Not found", 409: "Conflict", 422: "Invalid input",
             503: "The database cannot be used or its schema is out of date"}
    out = {"200": ok}
    # Any request may meet 400 (webapp.request_guard) and 503 (webapp.database).
    for code in (*codes, 400, 503):
        out[str(code)] = {"description": texts[code],
                          "content": {"application/json": {"schema": ERROR}}}
    return out


PATHS: dict = {
    "/api/v1/me": {"get": {
        "summary": "The token's user",
        "responses": _responses({"description": "The user", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Me"}}}}, 401),
    }},
    "/api/v1/users": {"get": {
        "summary": "Staff directory (admin tokens only)",
        "responses": _responses({"description": "Users", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"users": {"type": "array", "items": {
                "$ref": "#/components/schemas/Me"}}}}}}}, 401, 403),
    }},
    "/api/v1/openapi.json": {"get": {
        "summary": "This document", "security": [],
        "responses": {"200": {"description": "OpenAPI 3 document"}},
    }},
}

SCHEMAS: dict = {
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}},
    }},
    "Me": {"type": "object", "properties": {
        "username": {"type": "string"}, "display_name": {"type": "string"},
        "office": {"type": "string"},
        "departments": {"type": "array", "items": {"type": "string"}},
        "roles": {"type": "array", "items": {"type": "string"}},
    }},
}


def add_paths(paths: dict, schemas: dict | None = None) -> None:
    """Feature modules describe their endpoints here when they are imported."""
    PATHS.update(paths)
    SCHEMAS.update(schemas or {})


def openapi_document() -> dict:
    """The whole OpenAPI 3.0 document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Madoguchi API", "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
    }
