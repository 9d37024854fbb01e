"""The faults of issue 15, tried as a user would on the served app (gunicorn threads; two
masters on PostgreSQL). Each answer must be the clear 4xx or the refusal the issue asks for."""

from __future__ import annotations

import uuid

import pytest

from tests.server import paths

pytestmark = pytest.mark.server

RESIDENT = {"name": "川崎 太郎", "phone": "0441234567"}
APPLICANT = {"name": "川崎 太郎", "email": "taro@example.jp"}
MALFORMED = [  # (user, method, path, JSON body) — each answered 500 before the fixes
    *(("intake.portal", "POST", "/api/v1/applications", {
        "procedure_code": "KAIGO_TORISAGE", "applicant": APPLICANT, "fields": {},
        "attachments": [bad]}) for bad in ("x", 1, None)),
    *(("branch.daishi", "POST", "/api/v1/cases", {"process_id": "branch_forwarding", key: bad})
      for key in ("department", "office") for bad in (["HOKEN"], {"a": 1}, 10**25)),
    *(("branch.daishi", "POST", "/api/v1/forwarding/receipts", {
        "resident": RESIDENT, "lines": [{"sheets": 1, **kind}]})
      for kind in ({}, {"type": ""}, {"type": None}, {"type": 0}, {"type": []}, {"type": {}})),
    ("branch.daishi", "POST", "/api/v1/forwarding/receipts", {
        "resident": RESIDENT, "lines": [{"sheets": 1, "type": "HK", "event_date": "9999-12-31"}]}),
    *(("branch.daishi", "POST", "/api/v1/forwarding/receipts", {
        "office": bad, "resident": RESIDENT, "lines": [{"sheets": 1, "type": "HK"}]})
      for bad in (["DAISHI"], {"a": 1}, 10**25)),
    ("supervisor", "GET", "/api/v1/forwarding/ledger?to=9999-12-31", None),
    ("supervisor", "GET", "/api/v1/cases/99999999999999999999", None),
]


def test_malformed_input_gets_a_4xx_naming_the_problem(site):
    answers = []
    for user, method, path, body in MALFORMED:
        response = site.api(user).session.request(
            method, site.bases[0] + path, json=body, timeout=60,
            headers={"Idempotency-Key": uuid.uuid4().hex})
        answers.append((user, method, path, body, response.status_code, response.text[:300]))
    wrong = [a for a in answers if not (400 <= a[4] < 500 and '"error"' in a[5])]
    assert wrong == [], "\n".join(map(str, wrong))
    assert site.tracebacks() == []


@pytest.mark.parametrize("path", ["/queues/all", "/queues/team", "/queues/mine",
                                  "/forwarding/ledger", "/admin/audit", "/admin/outbox"])
def test_a_huge_page_number_is_not_a_server_error(site, path):
    user = site.browser("admin" if path.startswith("/admin") else "supervisor")
    response = user.session.get(f"{site.bases[0]}{path}?page={'9' * 25}", timeout=60)
    assert response.status_code < 500, response.text[:2000]


def test_sign_out_ends_the_session_on_the_server(site):
    clerk = site.browser("ward.hoken")
    stolen = dict(clerk.session.cookies)
    clerk.post("/logout")
    replay = site.browser()
    replay.session.cookies.update(stolen)
    assert replay.get("/queues/mine", allow_redirects=False).status_code in (302, 401)
    email, password = paths.register_applicant(site, "川崎 花子")
    applicant = site.browser().portal_login(email, password)
    stolen = dict(applicant.session.cookies)
    applicant.post("/portal/logout")
    replay = site.browser()
    replay.session.cookies.update(stolen)
    assert replay.get("/portal/mypage", allow_redirects=False).status_code in (302, 401)


def test_a_branch_starts_no_case_at_another_office(site):
    daishi = site.api("branch.daishi")
    answer = daishi.call("POST", "/api/v1/cases", json={
        "process_id": "branch_forwarding", "office": "TAJIMA", "data": {}})
    assert 400 <= answer.status_code < 500 and answer.json()["error"]


def test_another_branchs_receipt_looks_like_a_missing_one(site):
    issued = site.api("branch.daishi").call("POST", "/api/v1/forwarding/receipts", json={
        "resident": RESIDENT, "lines": [{"type": "HK", "sheets": 1}]})
    assert issued.status_code == 201, issued.text
    number = issued.json()["receipt_numbers"][0]
    tajima = site.api("branch.tajima")
    unknown = f"{number[:-5]}99999"
    other = tajima.call("GET", f"/api/v1/forwarding/receipts/{number}")
    missing = tajima.call("GET", f"/api/v1/forwarding/receipts/{unknown}")
    assert other.status_code == missing.status_code == 404
    # The same answer, naming only the number that was asked for.
    assert other.json()["error"].replace(number, "#") == \
        missing.json()["error"].replace(unknown, "#")


def test_an_envelope_with_a_postcode_from_the_api(site):
    # Fault 1: every lookup answered 500 on gunicorn's worker threads.
    answer = site.api("ward.kumin").call("POST", "/api/v1/postal/envelopes", json={
        "procedure_code": "POST_KISAI_SHOMEI", "arrival_date": "2026-12-01",
        "postmark_date": "2026-11-30", "sender": {"name": "川崎 花子",
                                                  "postal_code": "〒２１０－０００１"},
        "enclosures": ["請求書"], "money_orders": [], "return_envelope": True})
    assert answer.status_code == 201, answer.text
    assert answer.json()["sender"]["address"] == "神奈川県川崎市川崎区本町"
    assert site.tracebacks() == []
