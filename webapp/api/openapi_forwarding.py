"""OpenAPI description of the forwarding endpoints (書類回送)."""

from webapp.api.openapi import _responses, add_paths

J = "application/json"


def _json(ref: str) -> dict:
    return {"content": {J: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


NUMBER = {"name": "number", "in": "path", "required": True,
          "description": "A receipt number, e.g. 大師-R7-HK-00012 (URL-encoded)",
          "schema": {"type": "string"}}
LEDGER_PARAMS = [
    {"name": "office", "in": "query", "description": "Branch office code, e.g. DAISHI"},
    {"name": "department", "in": "query", "description": "Department code, e.g. HOKEN"},
    {"name": "type", "in": "query", "description": "Document type code, e.g. HK"},
    {"name": "status", "in": "query", "description": "held, in_transit, received, returning, "
                                                    "filed, cancelled, or overdue"},
    {"name": "from", "in": "query", "description": "First day taken in (YYYY-MM-DD, JST)"},
    {"name": "to", "in": "query", "description": "Last day taken in (YYYY-MM-DD, JST)"},
    {"name": "format", "in": "query", "description": "json (default, at most 10,000 lines), "
                                                    "xlsx, or pdf (at most 2,000 lines)"},
]
# Typed where the handler parses, so that clients (and the fuzzing in tests/server) send
# what the ledger expects; anything else answers 422.
_TYPED = {"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
          "status": {"type": "string", "enum": ["held", "in_transit", "received", "returning",
                                                "filed", "cancelled", "overdue"]},
          "format": {"type": "string", "enum": ["json", "xlsx", "pdf"]}}
for _p in LEDGER_PARAMS:
    _p.update(required=False, schema=_TYPED.get(_p["name"], {"type": "string"}))

PATHS = {
    "/api/v1/forwarding/document-types": {"get": {
        "summary": "Documents branches may take in, with their department and whether (and "
                   "why not) they are forwarded",
        "responses": _responses({"description": "The catalogue", "content": {J: {"schema": {
            "type": "object", "properties": {"document_types": {"type": "array", "items": {
                "$ref": "#/components/schemas/DocumentType"}}}}}}}, 401, 403),
    }},
    "/api/v1/forwarding/receipts": {"post": {
        "summary": "Issue custody receipts for one resident (branch clerk token): one receipt "
                   "and one case per destination department",
        "requestBody": {"required": True, **_json("ReceiptRequest")},
        "responses": {**_responses({"description": "unused"}, 401, 403, 404, 422),
                      "201": {"description": "The receipts issued", **_json("IssuedReceipts")}},
    }},
    "/api/v1/forwarding/receipts/{number}": {"get": {
        "summary": "A receipt by one of its numbers, with all its lines and their status",
        "parameters": [NUMBER],
        "responses": _responses({"description": "The receipt", **_json("Receipt")},
                                401, 403, 404),
    }},
    "/api/v1/forwarding/receipts/{number}/pdf": {"get": {
        "summary": "The receipt as an A4 PDF (original and copy)",
        "parameters": [NUMBER],
        "responses": {**_responses({"description": "PDF", "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
            401, 403, 404)},
    }},
    "/api/v1/forwarding/ledger": {"get": {
        "summary": "The forwarding ledger (回送管理簿) visible to the caller, filtered",
        "parameters": LEDGER_PARAMS,
        "responses": _responses({"description": "Ledger lines (json), or an xlsx/pdf file",
                                 "content": {J: {"schema": {"$ref":
                                                            "#/components/schemas/Ledger"}},
                                             "application/pdf": {"schema": {"type": "string",
                                                                            "format": "binary"}},
                                             "application/vnd.openxmlformats-officedocument."
                                             "spreadsheetml.sheet": {"schema": {
                                                 "type": "string", "format": "binary"}}}},
                                401, 403, 422),
    }},
}

_S = {"type": "string"}
_SN = {"type": "string", "nullable": True}
SCHEMAS = {
    "DocumentType": {"type": "object", "properties": {
        "code": _S, "name": _S, "department": _S, "department_name": _S,
        "forwardable": {"type": "boolean"},
        "reason": {"type": "string", "nullable": True, "enum": [
            "business", "not_listed", "urgent", "acceptance_date", "past_deadline", None]},
        "reason_message": _SN, "deadline_days": {"type": "integer", "nullable": True},
        "temporary_window": {"type": "boolean"}}},
    "ReceiptRequest": {"type": "object", "required": ["resident", "lines"], "properties": {
        "office": {"type": "string", "description": "Branch code; default the token user's"},
        "submitter": {"type": "string", "enum": ["individual", "business"]},
        "resident": {"type": "object", "required": ["name", "phone"], "properties": {
            "name": {"type": "string", "maxLength": 60}, "kana": {"type": "string",
                                                                  "maxLength": 60},
            "phone": _S}},
        "remarks": {"type": "string", "maxLength": 200},
        "lines": {"type": "array", "minItems": 1, "maxItems": 20, "items": {
            "type": "object", "required": ["type", "sheets"], "properties": {
                "type": _S, "sheets": {"type": "integer", "minimum": 1, "maximum": 999},
                "urgent": {"type": "boolean"},
                "event_date": {"type": "string", "format": "date"}}}}}},
    "IssuedReceipts": {"type": "object", "properties": {
        "visit": _S, "case_ids": {"type": "array", "items": {"type": "integer"}},
        "receipt_numbers": {"type": "array", "items": _S},
        "receipts": {"type": "array", "items": {"type": "object", "properties": {
            "receipt_id": {"type": "integer"}, "case_id": {"type": "integer"},
            "case_number": _S, "office": _S, "department": _S,
            "receipt_numbers": {"type": "array", "items": _S}}}},
        "errors_in_cases": {"type": "array", "items": _S}}},
    "ReceiptLine": {"type": "object", "properties": {
        "number": _S, "type": _S, "type_name": _S, "sheets": {"type": "integer"},
        "status": {"type": "string", "enum": ["held", "in_transit", "received", "returning",
                                              "filed", "cancelled"]},
        "due_at": _SN, "late_business_days": {"type": "integer", "nullable": True},
        "bag": _SN, "missing": {"type": "boolean"},
        "cancelled": {"type": "object", "nullable": True}}},
    "Receipt": {"type": "object", "properties": {
        "number": _S, "status": _S, "receipt_id": {"type": "integer"},
        "case_id": {"type": "integer"}, "case_number": _S, "office": _S, "department": _S,
        "resident": {"type": "object"}, "remarks": _S, "issued_at": _S, "received_at": _SN,
        "returned_at": _SN, "filed_at": _SN,
        "lines": {"type": "array", "items": {"$ref": "#/components/schemas/ReceiptLine"}}}},
    "Ledger": {"type": "object", "properties": {
        "count": {"type": "integer"}, "truncated": {"type": "boolean"},
        "lines": {"type": "array", "items": {"type": "object"}}}},
}

add_paths(PATHS, SCHEMAS)
