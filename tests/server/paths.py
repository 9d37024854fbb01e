"""Each procedure path as its users drive it over HTTP (called from tests/server/test_paths.py,
several at once in threads). Every step asserts what the user sees."""

from __future__ import annotations

import io
import re
import uuid
from urllib.parse import urlsplit

import openpyxl

from tests.support.applications import kaigo_fields, workbook


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register_applicant(site, display_name: str) -> tuple[str, str]:
    """Register on the portal and follow the confirmation link from the e-mail."""
    email = f"{uuid.uuid4().hex[:10]}@example.jp"
    password = "correct-horse-battery"
    visitor = site.browser()
    visitor.get("/portal/register")
    sent = visitor.post("/portal/register", {
        "email": email, "email_confirm": email, "password": password,
        "password_confirm": password, "kind": "business", "display_name": display_name})
    assert sent.status_code == 302
    [(body,)] = site.sql("SELECT body FROM outbox_message WHERE to_addr = :to "
                         "AND kind = 'registration'", to=email)
    link = re.search(r"https?://[^/\s]+(/portal/\S+)", body).group(1)
    assert "ログインできます" in visitor.get(link).text
    return email, password


def online_application(site) -> str:
    """Portal application → 差し戻し → correction → acceptance; returns the 申込番号."""
    email, password = register_applicant(site, "川崎介護株式会社")
    applicant = site.browser().portal_login(email, password)
    entered = applicant.post("/portal/procedures/KAIGO_TORISAGE/apply", {
        **kaigo_fields(), "action": "next"},
        files={"attachment": ("kago(1234567890).xlsx", workbook())})
    assert entered.status_code == 302, entered.text[:2000]
    confirm = _path(entered.headers["Location"])
    assert "申請内容の確認" in applicant.get(confirm).text
    done = applicant.post(confirm.replace("/confirm", "/submit"))
    assert done.status_code == 302
    number = done.headers["Location"].rstrip("/").split("/")[-2]
    assert re.fullmatch(r"\d{8}", number)
    assert number in applicant.get(_path(done.headers["Location"])).text

    clerk = site.browser("ward.kourei")
    page = clerk.get(f"/applications/{number}").text
    assert "申請内容の審査" in page and "川崎介護事業所" in page
    sent = clerk.post(f"/applications/{number}/review", {
        "decision": "return", "message": "事業所名が登録と異なります",
        "fields_to_fix": "office_name"}, follow=True)
    assert "申請者に通知しました" in sent.text
    mine = applicant.get(f"/portal/mypage/{number}").text
    assert "差し戻し（補正待ち）" in mine and "事業所名が登録と異なります" in mine
    corrected = applicant.post(f"/portal/mypage/{number}/correct",
                               {"office_name": "川崎介護センター"})
    assert corrected.status_code == 302, corrected.text[:2000]
    page = clerk.get(f"/applications/{number}").text
    assert "修正して再申請済み" in page and "川崎介護センター" in page
    accepted = clerk.post(f"/applications/{number}/review",
                          {"decision": "accept", "message": "受理します"}, follow=True)
    assert accepted.status_code == 200
    assert "受理" in applicant.get(f"/portal/mypage/{number}").text
    [(status,)] = site.sql("SELECT status FROM application WHERE number = :n", n=number)
    assert status == "accepted"
    return number


def _postal_form(sender: str, **extra) -> dict:
    data = {"procedure_code": "POST_KISAI_SHOMEI", "arrival_date": "",
            "postmark_date": "", "sender_name": sender, "sender_postal_code": "２１０－０００１",
            "sender_address": "", "enclosures": ["請求書", "定額小為替"], "mo_number_0": "12-3456",
            "mo_amount_0": "350", "return_envelope": "y"}
    data.update(extra)
    return data


def postal_application(site, sender: str) -> str:
    """Envelope with a postcode → review (incomplete) → letter → second envelope → review →
    result sent; returns the case number."""
    clerk = site.browser("ward.kumin")
    form = clerk.get("/postal/envelopes/new").text
    today = re.search(r'name="arrival_date"[^>]*value="([\d-]+)"', form).group(1)
    looked = clerk.post("/postal/envelopes/new", _postal_form(
        sender, arrival_date=today, postmark_date=today, lookup="1"))
    assert "神奈川県川崎市川崎区本町" in looked.text  # 住所を検索
    done = clerk.post("/postal/envelopes/new", _postal_form(
        sender, arrival_date=today, postmark_date=today), follow=True)
    found = re.search(r"(郵R\d+-\d{5}).*?(R\d+-\d{6})", done.text, re.S)
    assert found, done.text[:3000]
    case = found.group(2)
    page = clerk.get(f"/postal/cases/{case}").text
    assert found.group(1) in page and "神奈川県川崎市川崎区本町" in page
    clerk.post(f"/postal/cases/{case}/review", {
        "decision": "incomplete", "missing": "請求書", "message": "署名がありません"})
    letter = clerk.get(f"/postal/cases/{case}/letter-correction.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF-")
    clerk.post(f"/postal/cases/{case}/send", {"sent_on": today, "method": "ordinary",
                                              "tracking_number": ""})
    again = clerk.post("/postal/envelopes/new", _postal_form(
        sender, arrival_date=today, postmark_date=today, case_id=case,
        confirm_duplicate="y"), follow=True)
    assert case in again.text
    clerk.post(f"/postal/cases/{case}/review", {"decision": "complete", "message": ""})
    clerk.post(f"/postal/cases/{case}/send", {"sent_on": today, "method": "ordinary",
                                              "tracking_number": ""})
    [(status,)] = site.sql("SELECT status FROM cases WHERE number = :n", n=case)
    assert status == "completed", clerk.get(f"/postal/cases/{case}").text[:3000]
    return case


def forwarding(site, branch: str, prefix: str) -> str:
    """Counter receipt → bag → receive → return → file, then the ledger in Excel and PDF;
    returns the receipt number."""
    clerk = site.browser(branch)
    posted = clerk.post("/forwarding/counter", {
        "resident_name": "ｶﾜｻｷ 花子", "resident_kana": "かわさき はなこ",
        "phone": "090-1234-5678", "submitter": "individual",
        "lines-0-document_type": "HK", "lines-0-sheets": "2"})
    assert posted.status_code == 302 and "issued=" in posted.headers["Location"]
    page = clerk.get(_path(posted.headers["Location"])).text
    number = re.search(rf"{prefix}-R\d+-HK-\d{{5}}", page).group(0)
    pdf = re.search(r'href="(/forwarding/visits/\w+/receipt.pdf)"', page).group(1)
    assert clerk.get(pdf).content.startswith(b"%PDF-")

    listed = clerk.get("/forwarding/dispatch").text
    receipt = re.search(r'name="receipt" value="(\d+)"', listed).group(1)
    sent = clerk.post("/forwarding/dispatch", {"receipt": receipt})
    assert sent.status_code == 302
    bag = re.search(r"[A-Z]+-\d{8}-\d\d", clerk.get(_path(sent.headers["Location"])).text)
    hoken = site.browser("ward.hoken")
    opened = hoken.get(f"/forwarding/receive?bag={bag.group(0)}", allow_redirects=False)
    url = _path(opened.headers["Location"])
    assert number in hoken.get(url).text
    received = hoken.post(url, {"present": number}, follow=True)
    assert "受領しました（過不足なし）" in received.text
    back = hoken.post("/forwarding/returns", {"receipt": receipt}, follow=True)
    assert "1件の預かり書を支所へ返送済みにしました。" in back.text
    filed = clerk.post("/forwarding/filing", {"receipt": receipt}, follow=True)
    assert "1件の預かり書を照合し、綴り込みました。" in filed.text

    supervisor = site.browser("supervisor")
    xlsx = supervisor.get("/forwarding/ledger?format=xlsx&department=HOKEN")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    rows = [r for r in sheet.iter_rows(values_only=True) if number in r]
    assert len(rows) == 1, rows
    assert supervisor.get("/forwarding/ledger?format=pdf").content.startswith(b"%PDF-")
    assert number in supervisor.get("/forwarding/ledger?status=filed").text
    return number

