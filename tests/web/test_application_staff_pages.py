"""Staff pages: review on the application page, the 決裁, the case page diff, admin pages."""

import io

from models.procedure import Procedure
from tests.conftest import login
from tests.support import applications as support
from tests.support.applications import (
    count,
    kaigo_fields,
    outbox,
    portal_login,
    submit_kaigo,
)
from workflows.applications import queries
from workflows.applications.steps import REVIEW, open_step

# Shared fixtures, found by pytest under these names.
app_config, world = support.app_config, support.world


def _staff(new_client, username):
    client = new_client()
    login(client, username, "correct-horse")
    return client


def test_review_return_correct_and_see_the_diff_on_the_case_page(client, new_client, world,
                                                                 session):
    portal_login(client, "a@example.jp")
    number = submit_kaigo(client, fields=kaigo_fields(remarks="<b>太字</b>"))
    clerk = _staff(new_client, "ward.kourei")
    page = clerk.get(f"/applications/{number}").get_data(as_text=True)
    assert "申請内容の審査" in page and "&lt;b&gt;太字&lt;/b&gt;" in page
    assert clerk.get("/applications").get_data(as_text=True).count(f">{number}<") == 1
    # Returning without saying what is wrong is refused on the page.
    refused = clerk.post(f"/applications/{number}/review", data={"decision": "return"})
    assert refused.status_code == 422
    assert "申請者が修正する項目を1つ以上選んでください" in refused.get_data(as_text=True)
    sent = clerk.post(f"/applications/{number}/review", data={
        "decision": "return", "message": "事業所名が登録と異なります",
        "fields_to_fix": ["office_name"]}, follow_redirects=True)
    assert "申請者に通知しました" in sent.get_data(as_text=True)
    mine = client.get(f"/portal/mypage/{number}").get_data(as_text=True)
    assert "差し戻し（補正待ち）" in mine and "事業所名が登録と異なります" in mine
    client.post(f"/portal/mypage/{number}/correct", data={"office_name": "川崎介護センター"},
                content_type="multipart/form-data")
    session.expire_all()
    application = queries.application_by_number(number)
    case_page = clerk.get(f"/cases/{application.case.number}").get_data(as_text=True)
    assert "補正（1回目）" in case_page
    assert "川崎介護事業所" in case_page and "川崎介護センター" in case_page
    app_page = clerk.get(f"/applications/{number}").get_data(as_text=True)
    assert "修正して再申請済み" in app_page and "川崎介護センター" in app_page
    # The generic task page cannot complete the review behind the applicant's back.
    item = open_step(application, REVIEW)
    generic = clerk.post(f"/tasks/{item.task_id}", data={"f-decision": "accept",
                                                         "version": application.case.version})
    assert "電子申請の申請画面で行ってください" in generic.get_data(as_text=True)
    clerk.post(f"/applications/{number}/review", data={"decision": "accept",
                                                       "message": "受理します"})
    session.expire_all()
    assert queries.application_by_number(number).status == "accepted"


def test_rejection_waits_for_the_supervisor(client, new_client, world, session):
    portal_login(client, "a@example.jp")
    number = submit_kaigo(client)
    clerk = _staff(new_client, "ward.kourei")
    clerk.post(f"/applications/{number}/review", data={"decision": "reject",
                                                       "message": "対象外です"})
    assert "却下の決裁待ち" in clerk.get(f"/applications/{number}").get_data(as_text=True)
    assert clerk.post(f"/applications/{number}/rejection",
                      data={"approval": "approve"}).status_code == 403
    supervisor = _staff(new_client, "supervisor")
    assert "対象外です" in supervisor.get(f"/applications/{number}").get_data(as_text=True)
    supervisor.post(f"/applications/{number}/rejection", data={"approval": "approve"})
    session.expire_all()
    assert queries.application_by_number(number).status == "rejected"
    assert "対象外です" in outbox("rejected")[0].body
    assert "却下" in client.get(f"/portal/mypage/{number}").get_data(as_text=True)


def test_admin_edits_the_catalogue_and_reads_the_outbox(client, new_client, world, session):
    admin = _staff(new_client, "admin")
    form = {"code": "TEST_PROC", "name": "テスト手続<i>", "audience": "individual",
            "category": "暮らし・環境", "organisation": "川崎区役所", "department_id": "0",
            "summary": "概要", "how_to_apply": "", "contact_name": "区民課",
            "contact_phone": "0440000000", "channels": ["online"],
            "process_id": "online_application", "form_key": "sodai_gomi",
            "correction_days": "7", "position": "9", "active": "y"}
    # Without a reviewing department its applications would be in nobody's queue.
    nobody = admin.post("/admin/procedures/new", data=form).get_data(as_text=True)
    assert "申請を受け付ける手続きには、審査する担当課を指定してください。" in nobody
    assert count(Procedure, Procedure.code == "TEST_PROC") == 0
    form["department_id"] = str(world["kourei"].departments[0].id)
    assert admin.post("/admin/procedures/new", data=form).status_code == 302
    duplicate = admin.post("/admin/procedures/new", data=form)
    assert "このコードは他の手続きで使われています" in duplicate.get_data(as_text=True)
    assert count(Procedure, Procedure.code == "TEST_PROC") == 1
    listed = client.get("/portal/procedures?q=テスト手続").get_data(as_text=True)
    assert "該当件数 1 件" in listed and "テスト手続&lt;i&gt;" in listed
    portal_login(client, "a@example.jp")
    outbox_page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "ログイン通知のお知らせ" in outbox_page and "MAIL_SERVER" in outbox_page
    message = outbox("login")[0]
    detail = admin.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "a@example.jp" in detail and "ログイン日時" in detail
    assert _staff(new_client, "ward.kourei").get("/admin/outbox").status_code == 403


def test_uploads_over_the_limit_get_413_in_the_portal_layout(client, world, server):
    server.config["MAX_CONTENT_LENGTH"] = 4096  # small, so the test body stays in memory
    portal_login(client, "a@example.jp")
    response = client.post("/portal/procedures/KAIGO_TORISAGE/apply", data={
        **kaigo_fields(), "action": "next",
        "attachment": (io.BytesIO(b"0" * 8192), "kago(1234567890).xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 413
    assert "アップロードするファイルが大きすぎます" in response.get_data(as_text=True)
