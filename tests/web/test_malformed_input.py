"""Malformed input answers 4xx naming the field (never 500) and changes nothing.

Integers past 64 bits overflow in both database drivers, dates near 9999-12-31 overflow
Python's date arithmetic and non-string codes break SQL parameters: every request below
answered 500 before.
"""

import base64

import pytest

from tests.conftest import login
from tests.support import forwarding as support
from tests.support.applications import kaigo_fields, workbook

# Shared fixtures, found by pytest under these names.
fw = support.fw

HUGE = "99999999999999999999"  # 20 digits: past any 64-bit integer
BAD_CODES = [["HOKEN"], {"code": "HOKEN"}, 10**24 + 7, True]
BAD_TYPES = [None, "", 0, [], {}]  # and a line without "type" at all


@pytest.fixture
def tokens(fw, make_user):
    from tests.support.applications import ROOT
    from webapp import accounts, seed_applications
    from webapp.extensions import db
    from workflows import registry

    seed_applications.seed_catalogue()
    bpmn = ROOT / "bpmn" / "online_application" / "online_application.bpmn"
    registry.deploy({bpmn.name: bpmn.read_bytes()}, None)
    users = dict(fw["people"], intake=make_user("intake.x", roles=["integration"]))
    raw = {k: accounts.create_token(None, u)[1] for k, u in users.items()}
    db.session.commit()
    return {k: {"Authorization": f"Bearer {v}"} for k, v in raw.items()}


def _state() -> dict:
    """Row counts of everything a request could have created."""
    from sqlalchemy import func, select

    from models.application import Application
    from models.audit import AuditEvent
    from models.case import Case
    from models.receipt import Receipt
    from models.work_item import WorkItem
    from webapp.extensions import db

    db.session.expire_all()
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in (Application, AuditEvent, Case, Receipt, WorkItem)}


def _refused(response, status: int, field: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json and field in response.json["errors"], response.json


@pytest.mark.parametrize("attachments", [["x"], [1], [None], [["a"]]])
def test_application_attachments_that_are_not_objects(client, tokens, attachments):
    before = _state()
    response = client.post("/api/v1/applications", headers={
        **tokens["intake"], "Idempotency-Key": "k1"}, json={
        "procedure_code": "KAIGO_TORISAGE", "fields": kaigo_fields(),
        "applicant": {"name": "川崎介護株式会社", "email": "office@example.jp"},
        "attachments": attachments})
    _refused(response, 422, "attachments")
    assert _state() == before
    good = [{"field": "attachment", "filename": "kago(1234567890).xlsx",
             "content_base64": base64.b64encode(workbook()).decode()}]
    assert client.post("/api/v1/applications", headers={
        **tokens["intake"], "Idempotency-Key": "k1"}, json={
        "procedure_code": "KAIGO_TORISAGE", "fields": kaigo_fields(),
        "applicant": {"name": "川崎介護株式会社", "email": "office@example.jp"},
        "attachments": good}).status_code == 201  # the key was not used up


@pytest.mark.parametrize("field", ["department", "office"])
@pytest.mark.parametrize("value", BAD_CODES)
def test_case_start_with_codes_that_are_not_strings(client, tokens, field, value):
    before = _state()
    response = client.post("/api/v1/cases", headers=tokens["hoken"], json={
        "process_id": "forwarding", "data": {}, "department": "HOKEN", field: value})
    _refused(response, 422, field)
    assert _state() == before


def _receipt(client, tokens, **changes):
    body = {"office": "DAISHI", "resident": {"name": "川崎 太郎", "kana": "かわさき たろう"},
            "lines": [{"type": "HK", "sheets": 2}]}
    body.update(changes)
    return client.post("/api/v1/forwarding/receipts", json=body, headers=tokens["daishi"])


@pytest.mark.parametrize("line", [{"sheets": 2}, *({"type": t, "sheets": 2} for t in BAD_TYPES)])
def test_receipt_lines_without_a_usable_type(client, tokens, line):
    before = _state()
    _refused(_receipt(client, tokens, lines=[line]), 422, "lines[0].type")
    assert _state() == before


@pytest.mark.parametrize("event_date", ["9999-12-31", "0001-01-01", 20240101, ["2024-01-01"]])
def test_receipt_event_dates_out_of_range(client, tokens, event_date):
    before = _state()
    line = {"type": "HK", "sheets": 2, "event_date": event_date}
    _refused(_receipt(client, tokens, lines=[line]), 422, "lines[0].event_date")
    assert _state() == before


@pytest.mark.parametrize("office", BAD_CODES)
def test_receipt_office_that_is_not_a_code(client, tokens, office):
    before = _state()
    _refused(_receipt(client, tokens, office=office), 422, "office")
    assert _state() == before


@pytest.mark.parametrize("query, field", [
    ("to=9999-12-31", "to"), ("from=9999-12-31", "from"), ("to=0001-01-01", "to"),
    ("office=" + HUGE, "office")])
def test_ledger_filters_out_of_range(client, tokens, query, field):
    _refused(client.get(f"/api/v1/forwarding/ledger?{query}", headers=tokens["sup"]), 422,
             field)


@pytest.mark.parametrize("path", [f"/api/v1/cases/{HUGE}", "/api/v1/cases/%C2%B2",
                                  f"/api/v1/forwarding/receipts/{HUGE}",
                                  f"/api/v1/applications/{HUGE}"])
def test_ids_past_64_bits_are_not_found(client, tokens, path):
    who = "intake" if "/applications/" in path else "sup"
    response = client.get(path, headers=tokens[who])
    assert response.status_code == 404 and response.is_json and response.json["error"]


@pytest.mark.parametrize("query, field", [("limit=" + HUGE, None), ("limit=-5", None),
                                          ("limit=abc", None)])
def test_task_list_limits_are_clamped(client, tokens, query, field):
    assert client.get(f"/api/v1/tasks?{query}", headers=tokens["sup"]).status_code == 200


@pytest.mark.parametrize("path", ["/queues/all", "/queues/team", "/queues/mine",
                                  "/forwarding/ledger", "/admin/audit", "/admin/outbox"])
@pytest.mark.parametrize("page", [HUGE, "-3", "0", "x"])
def test_page_numbers_are_clamped_on_every_list(client, tokens, path, page):
    login(client, "admin" if path.startswith("/admin/") else "supervisor")
    response = client.get(f"{path}?page={page}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("path", [f"/admin/users/{HUGE}/edit", f"/forwarding/bags/{HUGE}",
                                  f"/forwarding/receipts/{HUGE}", f"/admin/offices/{HUGE}/edit",
                                  f"/cases/{HUGE}"])
def test_page_ids_past_64_bits_are_not_found(client, tokens, path):
    login(client, "admin")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["from=9999-12-31", "to=9999-12-31", f"object_id={HUGE}"])
def test_audit_filters_out_of_range_do_not_fail(client, tokens, query):
    login(client, "admin")
    assert client.get(f"/admin/audit?{query}").status_code == 200


@pytest.mark.parametrize("query", ["due_to=9999-12-31", "due_from=0001-01-01"])
def test_queue_due_filters_out_of_range_are_field_errors(client, tokens, query):
    login(client, "supervisor")
    page = client.get(f"/queues/all?{query}")
    assert page.status_code in (200, 422)
    assert "入力できる範囲の日付を入力してください" in page.get_data(as_text=True)


@pytest.mark.parametrize("query", ["department=%00", "q=a%00b", "%00=1"])
def test_nul_characters_in_query_strings_are_refused(client, tokens, query):
    # PostgreSQL cannot bind a string with NUL: refused before any route runs.
    response = client.get(f"/api/v1/forwarding/ledger?{query}", headers=tokens["sup"])
    assert response.status_code == 400 and response.json["errors"]
    login(client, "supervisor")
    page = client.get(f"/queues/all?{query}")
    assert page.status_code == 400 and "NUL" in page.get_data(as_text=True)


def test_nul_characters_in_json_and_forms_name_the_field(client, tokens):
    login(client, "branch.daishi")
    before = _state()
    response = _receipt(client, tokens, resident={"name": "川崎\u0000", "kana": "かわさき"})
    _refused(response, 400, "resident.name")
    assert response.json["errors"]["resident.name"] == ["使用できない文字（NUL）が含まれています。"]
    nested = _receipt(client, tokens, lines=[{"type": "HK\u0000", "sheets": 2}])
    _refused(nested, 400, "lines[0].type")
    form = client.post("/forwarding/counter", data={"resident_name": "a\x00"})
    assert form.status_code == 400
    assert _state() == before


def test_a_query_argument_named_like_a_path_argument(client, tokens):
    # The language links repeat the page's URL: ?code= must not clash with <code>.
    page = client.get("/portal/procedures/KAIGO_TORISAGE?code=x")
    assert page.status_code == 200 and "/portal/procedures/KAIGO_TORISAGE?lang=en" \
        in page.get_data(as_text=True)


DEEP = "[" * 5000 + "]" * 5000  # 10 KB: json.loads raises RecursionError, not ValueError


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/applications",
                                  "/api/v1/forwarding/receipts"])
def test_deeply_nested_json_is_refused_naming_the_body(client, tokens, path):
    before = _state()
    for body in (DEEP, '{"a": ' + DEEP + ', "b": "\\u0000"}'):
        response = client.post(path, data=body, content_type="application/json",
                               headers=tokens["sup"])
        _refused(response, 400, "body")
        assert response.json["errors"]["body"] == ["リクエストの本文の入れ子が深すぎます。"]
    assert _state() == before


def test_nul_deep_inside_json_is_found_without_recursion(client, tokens):
    body = '{"resident": ' + "[" * 300 + '"\\u0000"' + "]" * 300 + "}"
    response = client.post("/api/v1/forwarding/receipts", data=body,
                           content_type="application/json", headers=tokens["daishi"])
    _refused(response, 400, "resident" + "[0]" * 300)
