"""OpenAPI description of the case and task endpoints."""

from webapp.api.openapi import _responses, add_paths

J = "application/json"


def _json(ref: str) -> dict:
    return {"content": {J: {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


PATHS = {
    "/api/v1/cases": {"post": {
        "summary": "Start a case on the latest version of a process",
        "description": "Only processes declared madoguchi:startable=\"true\", only at the "
                       "caller's own office and departments, and only when every first task "
                       "goes to a team queue; otherwise 422 naming process_id, office or "
                       "department.",
        "requestBody": {"required": True, **_json("CaseStart")},
        "responses": {**_responses({"description": "unused"}, 401, 403, 404, 422),
                      "201": {"description": "The new case", **_json("Case")}},
    }},
    "/api/v1/cases/{case_id}": {"get": {
        "summary": "A case with its status, version, data, open tasks and history",
        "parameters": [{"name": "case_id", "in": "path", "required": True,
                        "description": "Case id or number (e.g. R7-000123)",
                        "schema": {"type": "string"}}],
        "responses": _responses({"description": "The case", **_json("Case")}, 401, 403, 404),
    }},
    "/api/v1/tasks": {"get": {
        "summary": "Open work items the caller may act on",
        "parameters": [
            {"name": n, "in": "query", "required": False, "schema": {"type": "string"}}
            for n in ("role", "office", "department", "assigned", "limit")],
        "responses": _responses({"description": "Work items", "content": {J: {"schema": {
            "type": "object", "properties": {"tasks": {"type": "array", "items": {
                "$ref": "#/components/schemas/Task"}}}}}}}, 401, 403),
    }},
    "/api/v1/tasks/{task_id}/claim": {"post": {
        "summary": "Claim an open work item",
        "parameters": [{"name": "task_id", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "responses": _responses({"description": "Claimed", **_json("Task")},
                                401, 403, 404, 409),
    }},
    "/api/v1/tasks/{task_id}/complete": {"post": {
        "summary": "Complete a work item with form data",
        "parameters": [{"name": "task_id", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "requestBody": {"required": True, **_json("TaskCompletion")},
        "responses": _responses({"description": "The case's new state", **_json("Case")},
                                401, 403, 404, 409, 422),
    }},
}

SCHEMAS = {
    "CaseStart": {"type": "object", "required": ["process_id"], "properties": {
        "process_id": {"type": "string"}, "data": {"type": "object"},
        "office": {"type": "string"}, "department": {"type": "string"},
        "channel": {"type": "string"}, "subject_name": {"type": "string"}}},
    "TaskCompletion": {"type": "object", "properties": {
        "data": {"type": "object"}, "version": {"type": "integer"}}},
    "Task": {"type": "object", "properties": {
        k: {"type": "string", "nullable": True} for k in (
            "task_id", "case_number", "bpmn_id", "name", "role", "form_key", "office",
            "department", "assignee", "status", "due_at", "created_at")} | {
        "case_id": {"type": "integer"}}},
    "Case": {"type": "object", "properties": {
        "case_id": {"type": "integer"}, "number": {"type": "string"},
        "process_id": {"type": "string"}, "process_version": {"type": "integer"},
        "status": {"type": "string",
                   "enum": ["active", "waiting", "completed", "error", "cancelled"]},
        "version": {"type": "integer"}, "data": {"type": "object"},
        "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
        "history": {"type": "array", "items": {"type": "object"}},
        "error": {"type": "object"}}},
}

add_paths(PATHS, SCHEMAS)
