"""Intake API: catalogue description, idempotent submissions, per-field errors, status."""

import base64
import threading

from models.application import Application
from models.case import Case
from models.idempotency import IdempotencyKey
from tests.support import applications as support
from tests.support.applications import count, kaigo_fields, outbox, sodai_fields, workbook

# Shared fixtures, found by pytest under these names.
app_config, world = support.app_config, support.world


def _headers(world, token="intake", key="key-1"):
    headers = {"Authorization": f"Bearer {world['tokens'][token]}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def _body(**changes):
    body = {"procedure_code": "KAIGO_TORISAGE",
            "applicant": {"name": "川崎介護株式会社", "email": "Office@Example.jp"},
            "fields": kaigo_fields(),
            "attachments": [{"field": "attachment", "filename": "kago(1234567890).xlsx",
                             "content_base64": base64.b64encode(WORKBOOK).decode()}]}
    body.update(changes)
    return body


WORKBOOK = workbook()


def test_procedures_describe_fields_for_other_systems(client, world):
    listed = client.get("/api/v1/procedures?audience=business", headers=_headers(world)).json
    assert [p["code"] for p in listed["procedures"]] == ["KAIGO_TORISAGE"]
    detail = client.get("/api/v1/procedures/KAIGO_TORISAGE", headers=_headers(world)).json
    assert detail["accepting"] is True and detail["accept_until"] is None
    fields = {f["id"]: f for f in detail["form"]["fields"]}
    assert fields["office_number"] == {"id": "office_number", "label": "事業所番号",
                                       "type": "digits", "required": True, "digits": 10,
                                       "help": "10桁で入力してください。"}
    assert fields["remarks"]["max_length"] == 100 and fields["email_confirm"]["confirm_of"] == \
        "email"
    assert fields["data_sent_on"]["format"] == "YYYY-MM-DD"
    assert fields["attachment"]["attachment"]["kinds"] == ["xlsx", "xlsm"]
    assert fields["attachment"]["attachment"]["filename_must_contain_field"] == "office_number"
    assert "claim_rows_duplicate_9554" in fields["attachment"]["attachment"]["checks"]
    assert client.get("/api/v1/procedures/NOPE", headers=_headers(world)).status_code == 404
    assert client.get("/api/v1/procedures").status_code == 401


def test_submission_is_created_once_per_key(client, world, session):
    created = client.post("/api/v1/applications", json=_body(), headers=_headers(world))
    assert created.status_code == 201
    body = created.json
    assert set(body) == {"application_number", "case_id", "status"}
    assert len(body["application_number"]) == 8 and body["status"] == "submitted"
    # The same key and body again (a retry after a timeout): the same application, 200.
    again = client.post("/api/v1/applications", json=_body(), headers=_headers(world))
    assert again.status_code == 200 and again.json == body
    # The same key with another body: refused.
    changed = client.post("/api/v1/applications", json=_body(fields=kaigo_fields(remarks="x")),
                          headers=_headers(world))
    assert changed.status_code == 409 and "Idempotency-Key" in changed.json["error"]
    # Another integration may use the same key for its own application.
    other = client.post("/api/v1/applications", json=_body(), headers=_headers(world, "intake2"))
    assert other.status_code == 201 and other.json["application_number"] != \
        body["application_number"]
    assert count(Case) == 2 and count(Application) == 2
    [received] = outbox("submitted", to="notice@example.jp")[:1]
    assert body["application_number"] in received.subject


def test_concurrent_retries_with_one_key_make_one_case(server, world):
    results = []

    def post():
        with server.test_client() as client:
            results.append(client.post("/api/v1/applications", json=_body(),
                                       headers=_headers(world, key="race")))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 200, 200, 201]
    assert len({r.json["application_number"] for r in results}) == 1
    assert count(Case) == 1 and count(IdempotencyKey) == 1


def test_missing_key_wrong_role_and_bad_input(client, world):
    no_key = client.post("/api/v1/applications", json=_body(), headers=_headers(world, key=None))
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json["error"]
    clerk = client.post("/api/v1/applications", json=_body(), headers=_headers(world, "kourei"))
    assert clerk.status_code == 403
    bad = client.post("/api/v1/applications", headers=_headers(world), json=_body(
        fields=kaigo_fields(office_number="12345678901", email_confirm="x@example.jp",
                            remarks="あ" * 101),
        attachments=[{"field": "attachment", "filename": "kago(1234567890).xlsx",
                      "content_base64": base64.b64encode(b"MZ\x90\x00" * 10).decode()}]))
    assert bad.status_code == 422
    errors = bad.json["errors"]
    assert errors["office_number"] == ["10桁の半角数字で入力してください。"]
    assert errors["email_confirm"] == ["メールアドレスが一致しません。"]
    assert errors["remarks"] == ["100文字以内で入力してください。"]
    assert "Excelファイル" in errors["attachment"][0]
    structural = client.post("/api/v1/applications", headers=_headers(world, key="k2"), json={
        "procedure_code": "NOPE", "applicant": {"name": "", "email": "bad"}, "fields": [],
        "attachments": [{"field": "attachment", "filename": "a.xlsx", "content_base64": "!!"}]})
    assert structural.status_code == 422
    assert set(structural.json["errors"]) == {"procedure_code", "applicant.name",
                                              "applicant.email", "fields", "attachment"}
    missing_file = client.post("/api/v1/applications", headers=_headers(world, key="k3"),
                               json=_body(attachments=[]))
    assert missing_file.json["errors"] == {"attachment": ["ファイルを添付してください。"]}
    # A request with errors stores nothing, not even its key: it can be fixed and resent.
    assert count(Application) == 0 and count(IdempotencyKey) == 0
    fixed = client.post("/api/v1/applications", json=_body(), headers=_headers(world, key="k3"))
    assert fixed.status_code == 201


def test_status_of_own_applications_only(client, world):
    created = client.post("/api/v1/applications", json=_body(
        procedure_code="SODAI_GOMI", fields=sodai_fields(), attachments=[]),
        headers=_headers(world)).json
    number = created["application_number"]
    status = client.get(f"/api/v1/applications/{number}", headers=_headers(world)).json
    assert status["status"] == "submitted" and status["procedure_code"] == "SODAI_GOMI"
    assert status["case_number"].startswith("R8-") and status["correction"] is None
    assert client.get(f"/api/v1/applications/{number}",
                      headers=_headers(world, "intake2")).status_code == 404
    assert client.get("/api/v1/applications/00000000", headers=_headers(world)).status_code == 404


def test_api_application_is_stored_complete_and_audited(client, world, session):
    from models.attachment import Attachment
    from models.audit import AuditEvent

    body = _body(attachments=[{"field": "attachment", "filename": "kago(1234567890).xlsx",
                               "content_base64": base64.b64encode(
                                   workbook(support.duplicate_rows())).decode()}])
    created = client.post("/api/v1/applications", json=body, headers=_headers(world)).json
    stored = session.query(Application).one()
    case = session.get(Case, created["case_id"])
    assert stored.number == created["application_number"] == case.reference
    assert (stored.channel, stored.status, stored.source_user_id) == ("api", "submitted",
                                                                      world["intake"].id)
    assert stored.applicant_email == "office@example.jp" and stored.draft_key
    assert stored.fields["office_number"] == "1234567890" and stored.round == 0
    assert [f["field"] for f in stored.findings] and {f["field"] for f in stored.findings} == \
        {"attachment"}
    assert session.query(Attachment).filter_by(application_id=stored.id).count() == 1
    audit = session.query(AuditEvent).filter_by(action="application_submitted").one()
    assert audit.object_id == str(stored.id) and audit.actor_name == "intake.portal"
    page = client.get(f"/api/v1/applications/{stored.number}", headers=_headers(world)).json
    assert page["status"] == "submitted" and page["case_number"] == case.number


def test_retry_is_answered_even_after_the_procedure_closed(client, world, session):
    from models.procedure import Procedure

    created = client.post("/api/v1/applications", json=_body(), headers=_headers(world))
    session.query(Procedure).filter_by(code="KAIGO_TORISAGE").one().active = False
    session.commit()
    again = client.post("/api/v1/applications", json=_body(), headers=_headers(world))
    assert again.status_code == 200 and again.json == created.json
    closed = client.post("/api/v1/applications", json=_body(), headers=_headers(world, key="k2"))
    assert closed.status_code == 422 and "procedure_code" in closed.json["errors"]


def test_an_over_wide_workbook_is_refused_with_a_field_message(client, world):
    wide = workbook([["1234567890", "202305", "141305", "0000000001", *range(1200)]])
    response = client.post("/api/v1/applications", headers=_headers(world), json=_body(
        attachments=[{"field": "attachment", "filename": "kago(1234567890).xlsx",
                      "content_base64": base64.b64encode(wide).decode()}]))
    assert response.status_code == 422
    assert response.json["errors"]["attachment"] == [
        "シートに1000列を超える行があります。不要な列を削除してください。"]
    assert count(Application) == 0
