"""JSON shapes of cases and work items for the API."""

from __future__ import annotations

from models.case import Case
from models.work_item import WorkItem
from workflows import queries


def _iso(value):
    return value.isoformat() if value else None


def work_item_json(item: WorkItem) -> dict:
    return {
        "task_id": item.task_id,
        "case_id": item.case_id,
        "case_number": item.case.number,
        "bpmn_id": item.bpmn_id,
        "name": item.name,
        "role": item.role,
        "form_key": item.form_key,
        "office": item.office.code if item.office else None,
        "department": item.department.code if item.department else None,
        "assignee": item.assignee.username if item.assignee else None,
        "status": item.status,
        "due_at": _iso(item.due_at),
        "created_at": _iso(item.created_at),
    }


def case_json(case: Case, *, history: bool = False, error: str | None = None) -> dict:
    body = {
        "case_id": case.id,
        "number": case.number,
        "process_id": case.process_id,
        "process_version": case.process_version.version,
        "procedure_code": case.procedure_code,
        "channel": case.channel,
        "office": case.office.code if case.office else None,
        "department": case.department.code if case.department else None,
        "status": case.status,
        "version": case.version,
        "data": case.data,
        "created_at": _iso(case.created_at),
        "completed_at": _iso(case.completed_at),
        "tasks": [work_item_json(i) for i in queries.case_items(case, active=True)],
    }
    if case.status == "error" and case.error:
        body["error"] = {"message": case.error.get("message"),
                         "element_id": case.error.get("element_id")}
    elif error:
        body["error"] = {"message": error}
    if history:
        body["history"] = [{"at": _iso(e.at), "actor": e.actor_name, "action": e.action,
                            "details": e.details} for e in queries.case_history(case)]
    return body
