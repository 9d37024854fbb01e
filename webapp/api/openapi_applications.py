"""OpenAPI description of the procedure catalogue and the application intake endpoints."""

from webapp.api.openapi import _responses, add_paths

J = "application/json"


def _json(ref: str) -> dict:
    return {"content": {J: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _path(name: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string"}}


PATHS = {
    "/api/v1/procedures": {"get": {
        "summary": "The procedure catalogue (active procedures)",
        "parameters": [{"name": "audience", "in": "query", "required": False,
                        "schema": {"type": "string", "enum": ["individual", "business"]}}],
        "responses": _responses({"description": "Procedures", "content": {J: {"schema": {
            "type": "object", "properties": {"procedures": {"type": "array", "items": {
                "$ref": "#/components/schemas/Procedure"}}}}}}}, 401),
    }},
    "/api/v1/procedures/{code}": {"get": {
        "summary": "One procedure with its form: field ids, labels, types, limits and "
                   "attachment rules, to build submissions from",
        "parameters": [_path("code", "Procedure code, e.g. KAIGO_TORISAGE")],
        "responses": _responses({"description": "The procedure", **_json("ProcedureDetail")},
                                401, 404),
    }},
    "/api/v1/applications": {"post": {
        "summary": "Submit an application (token role: integration); exactly once per "
                   "Idempotency-Key",
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": True,
                        "description": "Unique per submission; a retry with the same key and "
                                       "body returns the same application (200), the same key "
                                       "with another body is 409",
                        "schema": {"type": "string", "maxLength": 100}}],
        "requestBody": {"required": True, **_json("ApplicationSubmit")},
        "responses": {**_responses({"description": "Replayed: the application created by an "
                                                   "earlier request with this key",
                                    **_json("ApplicationCreated")}, 401, 403, 409, 422),
                      "201": {"description": "Created", **_json("ApplicationCreated")},
                      "400": {"description": "Missing Idempotency-Key",
                              "content": {J: {"schema": {"$ref":
                                                         "#/components/schemas/Error"}}}}},
    }},
    "/api/v1/applications/{number}": {"get": {
        "summary": "Status of an application this token's user submitted",
        "parameters": [_path("number", "申込番号 (8 digits)")],
        "responses": _responses({"description": "The application", **_json("Application")},
                                401, 403, 404),
    }},
}

_S, _I, _B = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_SN = {"type": "string", "nullable": True}
SCHEMAS = {
    "Procedure": {"type": "object", "properties": {
        "code": _S, "name": _S, "audience": _S, "category": _S, "organisation": _S,
        # No department yet (a catalogue entry still being set up), no start, or 随時受付.
        "department": _SN, "accepting": _B, "accept_from": _SN, "accept_until": _SN,
        "channels": {"type": "array", "items": _S},
        "contact": {"type": "object", "properties": {"name": _S, "phone": _S}}}},
    "ProcedureDetail": {"allOf": [{"$ref": "#/components/schemas/Procedure"}, {
        "type": "object", "properties": {
            "summary": _S, "how_to_apply": _S, "correction_days": _I,
            "form": {"type": "object", "properties": {"key": _S, "fields": {
                "type": "array", "items": {"$ref": "#/components/schemas/FormField"}}}}}}]},
    "FormField": {"type": "object", "properties": {
        "id": _S, "label": _S, "type": _S, "required": _B, "max_length": _I, "digits": _I,
        "min": _I, "max": _I, "confirm_of": _S, "help": _S, "group": _S, "format": _S,
        "choices": {"type": "array", "items": {"type": "object", "properties": {
            "value": _S, "label": _S}}},
        "attachment": {"type": "object", "properties": {
            "kinds": {"type": "array", "items": _S}, "max_bytes": _I,
            "filename_pattern": _S, "filename_example": _S,
            "filename_must_contain_field": _S, "checks": {"type": "array", "items": _S}}}}},
    "ApplicationSubmit": {"type": "object",
                          "required": ["procedure_code", "applicant", "fields"], "properties": {
        "procedure_code": _S,
        "applicant": {"type": "object", "required": ["name", "email"], "properties": {
            "name": _S, "email": _S, "phone": _S}},
        "fields": {"type": "object", "additionalProperties": True,
                   "description": "Field id → value, as described by the procedure's form"},
        "attachments": {"type": "array", "items": {"type": "object", "required": [
            "field", "filename", "content_base64"], "properties": {
            "field": _S, "filename": _S, "content_base64": _S}}}}},
    "ApplicationCreated": {"type": "object", "properties": {
        "application_number": _S, "case_id": _I, "status": _S}},
    "Application": {"type": "object", "properties": {
        "application_number": _S, "case_id": _I, "case_number": _S, "procedure_code": _S,
        "status": {"type": "string", "enum": ["submitted", "returned", "accepted", "rejected",
                                              "withdrawn", "cancelled"]},
        "submitted_at": _S, "decided_at": _S, "round": _I,
        "correction": {"type": "object", "nullable": True, "properties": {
            "message": _S, "fields": {"type": "array", "items": _S}, "due_at": _S}}}},
}

add_paths(PATHS, SCHEMAS)
