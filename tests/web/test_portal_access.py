"""Who sees what: applicant vs applicant, applicant vs staff, files of earlier rounds."""

import io

from werkzeug.datastructures import MultiDict

from models.attachment import Attachment
from models.audit import AuditEvent
from tests.conftest import login
from tests.support import applications as support
from tests.support.applications import (
    T0,
    count,
    kaigo_fields,
    portal_login,
    submit_kaigo,
    workbook,
)
from workflows.applications import correction, queries, review
from workflows.applications.files import Upload

# Shared fixtures, found by pytest under these names.
app_config, world = support.app_config, support.world


def _return_and_replace_file(session, world, number, content):
    application = queries.application_by_number(number)
    review.decide(application, world["kourei"], decision="return", message="ファイルを差し替えて",
                  fields_to_fix=["attachment"], now=T0)
    correction.resubmit(world["a"], application, MultiDict(), {"attachment": Upload(
        "kago(1234567890).xlsm", content)}, T0)
    session.commit()
    return session.query(Attachment).filter(Attachment.application_id == application.id
                                            ).order_by(Attachment.id).all()


def test_another_applicant_gets_404_and_the_attempt_is_audited(client, new_client, world):
    portal_login(client, "a@example.jp")
    number = submit_kaigo(client)
    other = new_client()
    portal_login(other, "b@example.jp")
    for path in (f"/portal/mypage/{number}", f"/portal/mypage/{number}/correct",
                 f"/portal/mypage/{number}/summary.pdf", f"/portal/mypage/{number}/files/1",
                 "/portal/mypage/12345678", "/portal/drafts/not-a-real-draft-key"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/portal/mypage/{number}/withdraw").status_code == 404
    assert number not in other.get("/portal/mypage").get_data(as_text=True)
    refused = count(AuditEvent, AuditEvent.action == "application_access_refused")
    assert refused >= 6
    assert client.get(f"/portal/mypage/{number}").status_code == 200


def test_drafts_of_others_are_404(client, new_client, world):
    portal_login(client, "a@example.jp")
    saved = client.post("/portal/procedures/KAIGO_TORISAGE/apply",
                        data={"corporation_name": "x", "action": "save"},
                        content_type="multipart/form-data", follow_redirects=True)
    key = saved.get_data(as_text=True).split("/portal/drafts/")[1].split('"')[0]
    other = new_client()
    portal_login(other, "b@example.jp")
    assert other.get(f"/portal/drafts/{key}").status_code == 404
    assert other.post(f"/portal/drafts/{key}/submit").status_code == 404
    assert other.post(f"/portal/drafts/{key}/delete").status_code == 404


def test_staff_and_applicant_sessions_never_mix(client, new_client, world, make_user):
    portal_login(client, "a@example.jp")
    number = submit_kaigo(client)
    # An applicant's session does not open staff pages, nor the staff API.
    assert client.get(f"/applications/{number}").status_code == 302
    assert client.get("/api/v1/procedures").status_code == 401
    # A staff session does not open the portal's pages.
    staff = new_client()
    login(staff, "ward.kourei", "correct-horse")
    assert staff.get("/portal/mypage").headers["Location"].startswith("/portal/login")
    assert staff.get(f"/applications/{number}").status_code == 200
    # Staff of another department do not see the application at all.
    elsewhere = new_client()
    login(elsewhere, "ward.hoken", "correct-horse")
    assert elsewhere.get(f"/applications/{number}").status_code == 404
    assert elsewhere.get(f"/applications/{number}/files/1").status_code == 404


def test_replaced_files_stay_available_to_staff_only(client, new_client, world, session):
    portal_login(client, "a@example.jp")
    number = submit_kaigo(client)
    content = workbook()
    old, new = _return_and_replace_file(session, world, number, content)
    assert old.replaced_at is not None and new.filename == "kago(1234567890).xlsm"
    assert client.get(f"/portal/mypage/{number}/files/{old.id}").status_code == 404
    with client.get(f"/portal/mypage/{number}/files/{new.id}") as download:
        assert download.status_code == 200 and download.data == content
        assert "attachment" in download.headers["Content-Disposition"]
    staff = new_client()
    login(staff, "ward.kourei", "correct-horse")
    with staff.get(f"/applications/{number}/files/{old.id}") as earlier:
        assert earlier.status_code == 200 and earlier.mimetype.endswith("spreadsheetml.sheet")
    page = staff.get(f"/applications/{number}").get_data(as_text=True)
    assert "差し替え" in page and "kago(1234567890).xlsm" in page


def test_an_api_application_is_seen_by_the_confirmed_owner_of_its_address(client, world):
    import base64

    body = {"procedure_code": "KAIGO_TORISAGE",
            "applicant": {"name": "田島 太郎", "email": "b@example.jp"},
            "fields": kaigo_fields(),
            "attachments": [{"field": "attachment", "filename": "kago(1234567890).xlsx",
                             "content_base64": base64.b64encode(workbook()).decode()}]}
    created = client.post("/api/v1/applications", json=body, headers={
        "Authorization": f"Bearer {world['tokens']['intake']}", "Idempotency-Key": "k-1"})
    number = created.json["application_number"]
    portal_login(client, "b@example.jp")
    assert number in client.get("/portal/mypage").get_data(as_text=True)
    assert client.get(f"/portal/mypage/{number}").status_code == 200
    client.post("/portal/logout")
    portal_login(client, "a@example.jp")
    assert client.get(f"/portal/mypage/{number}").status_code == 404


def test_upload_field_names_other_than_the_asked_ones_are_ignored(client, world, session):
    portal_login(client, "a@example.jp")
    number = submit_kaigo(client)
    application = queries.application_by_number(number)
    review.decide(application, world["kourei"], decision="return", message="備考を",
                  fields_to_fix=["remarks"], now=T0)
    session.commit()
    page = client.get(f"/portal/mypage/{number}/correct").get_data(as_text=True)
    assert 'name="remarks"' in page and 'name="office_number"' not in page
    data = {"remarks": "修正しました", "office_number": "9999999999",
            "attachment": (io.BytesIO(b"MZ"), "kago(9999999999).xlsx")}
    response = client.post(f"/portal/mypage/{number}/correct", data=data,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    session.expire_all()
    application = queries.application_by_number(number)
    assert application.fields["office_number"] == "1234567890"
    assert application.fields["remarks"] == "修正しました"
    assert application.rounds[0].changes == {"remarks": ["連絡事項はありません", "修正しました"]}


def test_a_copy_of_the_portal_cookie_opens_nothing_after_sign_out(client, new_client, world):
    portal_login(client, "a@example.jp")
    phone = new_client()
    portal_login(phone, "a@example.jp")
    copied = client.get_cookie("session").value
    assert client.get("/portal/mypage").status_code == 200
    assert client.post("/portal/logout").status_code == 302
    replayed = new_client()
    replayed.set_cookie("session", copied)
    page = replayed.get("/portal/mypage")
    assert page.status_code == 302 and "/portal/login" in page.headers["Location"]
    assert phone.get("/portal/mypage").status_code == 200  # signed in elsewhere: goes on
