"""The applicant portal: registration, sign-in, catalogue, the three steps, drafts, bad input."""

import io
import re
import shutil
import subprocess

from models.applicant import Applicant
from models.application import Application
from models.attachment import Attachment
from models.case import Case
from tests.support import applications as support
from tests.support.applications import (
    PASSWORD,
    count,
    duplicate_rows,
    kaigo_fields,
    link_in,
    outbox,
    portal_login,
    submit_kaigo,
    workbook,
)

# Shared fixtures, found by pytest under these names.
app_config, world = support.app_config, support.world


def test_register_confirm_and_sign_in_with_a_login_notice(client, world, session):
    form = {"email": "New@Example.jp", "email_confirm": "new@example.jp", "password": PASSWORD,
            "password_confirm": PASSWORD, "kind": "individual", "display_name": "川崎 花子"}
    assert client.post("/portal/register", data=form).status_code == 302
    # Sending the form twice makes one account and one e-mail (at most one per 10 minutes).
    assert client.post("/portal/register", data=form).status_code == 302
    assert count(Applicant, Applicant.email == "new@example.jp") == 1
    assert [m.kind for m in outbox(to="new@example.jp")] == ["registration"]
    # Registering a taken address looks the same, and tells the address's owner instead.
    taken = {**form, "email": "a@example.jp", "email_confirm": "a@example.jp"}
    assert client.post("/portal/register", data=taken).headers["Location"] == \
        "/portal/register/sent"
    assert [m.kind for m in outbox(to="a@example.jp")] == ["registration_exists"]
    refused = portal_login(client, "new@example.jp", follow=True).get_data(as_text=True)
    assert "メールアドレスの確認が済んでいません" in refused
    verify = link_in(outbox("registration")[0].body)
    assert "ログインできます" in client.get(verify, follow_redirects=True).get_data(as_text=True)
    assert portal_login(client, "NEW@example.jp").headers["Location"] == "/portal/mypage"
    [notice] = outbox("login", to="new@example.jp")
    assert notice.subject == "ログイン通知のお知らせ"
    assert "川崎 花子 様" in notice.body and "ログイン日時" in notice.body
    assert "覚えがない場合は、パスワードの変更をご検討ください" in notice.body
    assert "マイページ" in client.get("/portal/mypage").get_data(as_text=True)


def test_five_wrong_passwords_lock_the_account(client, world):
    for _ in range(5):
        portal_login(client, "a@example.jp", "wrong-password")
    page = portal_login(client, "a@example.jp", follow=True).get_data(as_text=True)
    assert "15分後にもう一度お試しください" in page
    assert outbox("login") == []


def test_catalogue_search_with_hit_count_filters_and_details(client, world):
    page = client.get("/portal/procedures?q=介護給付費の取下げ").get_data(as_text=True)
    assert "該当件数 1 件" in page and "介護給付費の取下げ" in page and "健康福祉局" in page
    business = client.get("/portal/procedures?audience=business").get_data(as_text=True)
    assert "該当件数 1 件" in business and "粗大ごみ" not in business
    kana = client.get("/portal/procedures?q=ソダイゴミ").get_data(as_text=True)
    assert "該当件数 0 件" in kana
    welfare = client.get("/portal/procedures?category=福祉・医療・保健・衛生").get_data(
        as_text=True)
    assert "該当件数 2 件" in welfare
    detail = client.get("/portal/procedures/KAIGO_TORISAGE").get_data(as_text=True)
    for text in ("内容詳細", "手続の概要", "受付開始日", "2023-03-06", "随時受付", "0570005503",
                 "次へ進む", "一覧に戻る"):
        assert text in detail
    assert client.get("/portal/procedures/NOPE").status_code == 404


def test_the_three_steps_give_one_application_even_on_a_double_click(client, world, session):
    portal_login(client, "a@example.jp")
    form = client.get("/portal/procedures/KAIGO_TORISAGE/apply").get_data(as_text=True)
    for text in ("申請内容の入力", "法人名", "事業所番号", "10桁で入力してください。",
                 "送信先（E-mailアドレス）", "担当者名", "kago(1475600000).xlsx",
                 "保存してあとで申請する"):
        assert text in form
    data = {**kaigo_fields(office_number="１２３４５６７８９０"), "action": "next",
            "attachment": (io.BytesIO(workbook(duplicate_rows())), "kago(1234567890).xlsx")}
    confirm_url = client.post("/portal/procedures/KAIGO_TORISAGE/apply", data=data,
                              content_type="multipart/form-data").headers["Location"]
    confirm = client.get(confirm_url).get_data(as_text=True)
    assert "申請内容の確認" in confirm and confirm.count("修正する") == 10
    assert "1234567890" in confirm and "kago(1234567890).xlsx" in confirm
    assert "エラー9554" in confirm and "申請します。よろしいですか?" in confirm
    submit_url = confirm_url.replace("/confirm", "/submit")
    first, second = client.post(submit_url), client.post(submit_url)  # double click
    assert first.headers["Location"] == second.headers["Location"]
    number = first.headers["Location"].split("/")[-2]
    assert re.fullmatch(r"\d{8}", number)
    done = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "申請の完了" in done and number in done
    assert count(Application, Application.status != "draft") == 1 and count(Case) == 1
    mypage = client.get("/portal/mypage").get_data(as_text=True)
    assert number in mypage and "審査中" in mypage and "申請を受け付けました" in mypage


def test_save_for_later_then_finish_from_my_page(client, world):
    portal_login(client, "a@example.jp")
    data = {"corporation_name": "川崎介護", "remarks": "途中", "action": "save"}
    saved = client.post("/portal/procedures/KAIGO_TORISAGE/apply", data=data,
                        content_type="multipart/form-data", follow_redirects=True)
    page = saved.get_data(as_text=True)
    assert "入力内容を保存しました" in page and "一時保存した申請" in page
    key = re.search(r'/portal/drafts/([\w-]+)"', page).group(1)
    draft_page = client.get(f"/portal/drafts/{key}").get_data(as_text=True)
    assert 'value="川崎介護"' in draft_page
    # Confirming an incomplete draft sends the applicant back to the fields to fill in.
    back = client.get(f"/portal/drafts/{key}/confirm", follow_redirects=True)
    assert "事業所番号を入力してください" in back.get_data(as_text=True)
    data = {**kaigo_fields(), "action": "next",
            "attachment": (io.BytesIO(workbook()), "kago(1234567890).xlsx")}
    assert client.post(f"/portal/drafts/{key}", data=data,
                       content_type="multipart/form-data").status_code == 302
    assert client.post(f"/portal/drafts/{key}/submit").status_code == 302
    assert count(Application, Application.status == "submitted") == 1
    assert count(Application, Application.status == "draft") == 0


def test_bad_input_gets_japanese_messages_and_stores_nothing(client, world):
    portal_login(client, "a@example.jp")
    exe = b"MZ\x90\x00" + b"\0" * 2048
    cases = [
        (kaigo_fields(office_number="12345678901"), workbook(), "kago(1234567890).xlsx",
         "10桁の半角数字で入力してください。"),
        (kaigo_fields(email_confirm="other@example.jp"), workbook(), "kago(1234567890).xlsx",
         "メールアドレスが一致しません。"),
        (kaigo_fields(remarks="あ" * 101), workbook(), "kago(1234567890).xlsx",
         "100文字以内で入力してください。"),
        (kaigo_fields(), workbook(), "kago(1234567899).xlsx",
         "ファイル名の事業所番号（1234567899）が入力した事業所番号（1234567890）と一致しません。"),
        (kaigo_fields(), workbook(), "torisage.xlsx", "kago(1475600000).xlsx の形式"),
        (kaigo_fields(), exe, "kago(1234567890).xlsx", "Excelファイル（.xlsx/.xlsm）ではない"),
        (kaigo_fields(), workbook([["1234567890", "202305", "141305", "1", *range(1200)]]),
         "kago(1234567890).xlsx", "シートに1000列を超える行があります。"),
    ]
    for fields, content, name, message in cases:
        data = {**fields, "action": "next", "attachment": (io.BytesIO(content), name)}
        response = client.post("/portal/procedures/KAIGO_TORISAGE/apply", data=data,
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and message in page, message
        assert "入力内容に誤りがあります" in page
    assert count(Application) == 0 and count(Attachment) == 0


def test_text_is_escaped_on_every_page_and_in_the_pdf(client, world):
    portal_login(client, "a@example.jp")
    script = "<script>alert('x')</script>"
    number = submit_kaigo(client, fields=kaigo_fields(remarks=script, office_name=script))
    page = client.get(f"/portal/mypage/{number}").get_data(as_text=True)
    assert script not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    pdf = client.get(f"/portal/mypage/{number}/summary.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    if shutil.which("pdftotext"):  # poppler-utils: make test installs it
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True,
                              check=True).stdout.decode()
        assert "<script>alert('x')</script>" in text and "介護給付費の取下げ" in text
    assert all(script in m.body for m in outbox("submitted"))  # plain text, as typed
    # Mobile-friendly and no inline script anywhere in the portal.
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None
