"""JSON API for cases and tasks: shapes, status codes, per-field errors, OpenAPI sync."""

import pytest

from tests.integration.runtime_support import deploy


@pytest.fixture
def tokens(app, make_user):
    from webapp import accounts
    from webapp.extensions import db

    users = {
        "clerk": make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"]),
        "other": make_user("ward.k", roles=["ward_clerk"], departments=["KOUREI"]),
        "branch": make_user("branch.d", roles=["branch_clerk"], office="DAISHI"),
    }
    raw = {k: accounts.create_token(None, u)[1] for k, u in users.items()}
    db.session.commit()
    deploy("correction_loop.bpmn")
    return {k: {"Authorization": f"Bearer {v}"} for k, v in raw.items()}


def _start(client, headers, **body):
    payload = {"process_id": "correction_loop", "data": {}, "department": "HOKEN", **body}
    return client.post("/api/v1/cases", json=payload, headers=headers)


def test_start_case_returns_201_with_tasks(client, tokens):
    response = _start(client, tokens["clerk"], subject_name="川崎 花子")
    assert response.status_code == 201
    body = response.json
    assert body["number"].startswith("R") and body["status"] == "active"
    assert isinstance(body["version"], int) and body["case_id"]
    [task] = body["tasks"]
    assert task["name"] == "審査" and task["role"] == "ward_clerk" and task["task_id"]


def test_start_case_validates_fields(client, tokens):
    response = client.post("/api/v1/cases", json={"process_id": "", "department": "NOPE",
                                                  "data": []}, headers=tokens["clerk"])
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"process_id", "department", "data"}
    missing = _start(client, tokens["clerk"], process_id="no_such_process")
    assert missing.status_code == 404


def test_task_list_claim_and_complete(client, tokens):
    case = _start(client, tokens["clerk"]).json
    listed = client.get("/api/v1/tasks", headers=tokens["clerk"]).json["tasks"]
    assert [t["task_id"] for t in listed] == [case["tasks"][0]["task_id"]]
    assert client.get("/api/v1/tasks", headers=tokens["other"]).json["tasks"] == []
    task_id = case["tasks"][0]["task_id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=tokens["other"]
                       ).status_code == 403
    claimed = client.post(f"/api/v1/tasks/{task_id}/claim", headers=tokens["clerk"])
    assert claimed.status_code == 200 and claimed.json["assignee"] == "ward.h"
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=tokens["clerk"]
                       ).status_code == 409
    mine = client.get("/api/v1/tasks?assigned=me", headers=tokens["clerk"]).json["tasks"]
    assert len(mine) == 1
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=tokens["clerk"],
                       json={"data": {"decision": "accept"}, "version": case["version"]})
    assert done.status_code == 200 and done.json["status"] == "completed"


def test_complete_errors(client, tokens):
    case = _start(client, tokens["clerk"]).json
    task_id = case["tasks"][0]["task_id"]
    url = f"/api/v1/tasks/{task_id}/complete"
    assert client.post(url, headers=tokens["branch"], json={"data": {}}).status_code == 403
    invalid = client.post(url, headers=tokens["clerk"], json={"data": {"decision": "x"}})
    assert invalid.status_code == 422 and "decision" in invalid.json["errors"]
    stale = client.post(url, headers=tokens["clerk"],
                        json={"data": {"decision": "accept"}, "version": 99})
    assert stale.status_code == 409
    assert client.post(url, headers=tokens["clerk"], json={"data": {"decision": "accept"}}
                       ).status_code == 200
    again = client.post(url, headers=tokens["clerk"], json={"data": {"decision": "accept"}})
    assert again.status_code == 409 and again.json["error"]
    assert client.post("/api/v1/tasks/nope/complete", headers=tokens["clerk"],
                       json={}).status_code == 404


def test_get_case_with_history_and_visibility(client, tokens):
    case = _start(client, tokens["clerk"]).json
    body = client.get(f"/api/v1/cases/{case['number']}", headers=tokens["clerk"]).json
    assert body["case_id"] == case["case_id"]
    assert [h["action"] for h in body["history"]] == ["case_started"]
    assert client.get(f"/api/v1/cases/{case['case_id']}", headers=tokens["branch"]
                      ).status_code == 404


def test_openapi_document_lists_exactly_the_api_routes(client, server):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    routed = set()
    for rule in server.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            path = rule.rule.replace("<", "{").replace(">", "}")
            path = path.replace("{int:", "{")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routed.add((path, method.lower()))
    assert documented == routed


def _count(model):
    from sqlalchemy import func, select

    from webapp.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def test_start_only_where_the_user_works(client, tokens):
    from models.case import Case
    from models.work_item import WorkItem

    other_office = _start(client, tokens["branch"], office="TAJIMA", department=None)
    assert other_office.status_code == 422 and list(other_office.json["errors"]) == ["office"]
    assert "大師支所" in other_office.json["errors"]["office"][0]
    no_department = _start(client, tokens["branch"], department="HOKEN")
    assert no_department.status_code == 422
    assert list(no_department.json["errors"]) == ["department"]
    other_department = _start(client, tokens["clerk"], department="KOUREI")
    assert other_department.status_code == 422
    assert "保険年金課" in other_department.json["errors"]["department"][0]
    assert _count(Case) == 0 and _count(WorkItem) == 0
    assert _start(client, tokens["clerk"], office="KAWASAKI").status_code == 201


def test_only_processes_declared_startable(client, tokens):
    """online_application is started by the portal (with its application number), never by
    the generic endpoint: a fake 申請内容の審査 could otherwise be planted in a queue."""
    from models.case import Case
    from workflows import registry

    registry.deploy_builtin()
    from webapp.extensions import db

    db.session.commit()
    for process_id in ("online_application", "postal_application", "branch_forwarding"):
        refused = _start(client, tokens["clerk"], process_id=process_id,
                         data={"application_number": "2026000001"})
        assert refused.status_code == 422, process_id
        assert process_id in refused.json["errors"]["process_id"][0]
    assert _count(Case) == 0


def test_a_task_you_may_not_act_on_tells_nothing_about_the_case(client, tokens):
    case = _start(client, tokens["clerk"]).json
    task_id = case["tasks"][0]["task_id"]
    url = f"/api/v1/tasks/{task_id}/complete"
    for version in (99, case["version"], None):
        body = {"data": {"decision": "accept"}, **({"version": version} if version else {})}
        refused = client.post(url, headers=tokens["other"], json=body)
        assert refused.status_code == 403 and "version" not in refused.json["error"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=tokens["clerk"]
                       ).status_code == 200
    # Claimed by ward.h: a clerk of another department is refused, not told who has it.
    taken = client.post(url, headers=tokens["other"], json={"data": {}})
    assert taken.status_code == 403 and "ward.h" not in taken.json["error"]
    done = client.post(url, headers=tokens["clerk"], json={"data": {"decision": "accept"}})
    assert done.status_code == 200
    after = client.post(url, headers=tokens["other"], json={"data": {"decision": "accept"}})
    assert after.status_code == 403


def test_a_task_nobody_could_take_refuses_the_start(client, tokens):
    """Without a department, correction_loop's 審査 (ward clerks) would be in no queue."""
    from models.case import Case
    from models.work_item import WorkItem

    refused = _start(client, tokens["clerk"], department=None)
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["department"]
    assert "審査" in refused.json["errors"]["department"][0]
    assert _count(Case) == 0 and _count(WorkItem) == 0
