"""The forwarding screens, as each kind of user works them."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.support import forwarding as support
from tests.support.forwarding import dispatch, issue

# Shared fixtures, found by pytest under these names.
fw = support.fw


@pytest.fixture
def as_user(fw, new_client):
    def signed_in(username):
        client = new_client()
        assert login(client, username).status_code == 302
        return client

    return signed_in


def _counter_form(**extra):
    data = {"resident_name": "ｶﾜｻｷ 花子", "resident_kana": "かわさき はなこ",
            "phone": "090-1234-5678", "submitter": "individual",
            "lines-0-document_type": "HK", "lines-0-sheets": "2",
            "lines-1-document_type": "KN", "lines-1-sheets": "1"}
    data.update(extra)
    return data


def test_counter_issues_prints_and_is_ready_for_the_next_resident(as_user):
    clerk = as_user("branch.daishi")
    page = clerk.get("/forwarding/counter").get_data(as_text=True)
    assert "窓口受付（書類の預かり）" in page and 'name="resident_name"' in page
    assert re.search(r'id="resident_name"[^>]*autofocus|autofocus[^>]*id="resident_name"', page)
    posted = clerk.post("/forwarding/counter", data=_counter_form())
    assert posted.status_code == 302 and "issued=" in posted.headers["Location"]
    page = clerk.get(posted.headers["Location"]).get_data(as_text=True)
    assert "大師-R8-HK-00001" in page and "大師-R8-KN-00001" in page
    assert "カワサキ 花子 様の預かり書を発行しました" in page
    link = re.search(r'href="(/forwarding/visits/\w+/receipt.pdf)"[^>]*data-autoprint', page)
    assert link and 'src="/static/forwarding.js"' in page
    assert 'name="resident_name" required type="text" value=""' in page or \
        'value="ｶﾜｻｷ' not in page
    pdf = clerk.get(link.group(1))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert as_user("branch.tajima").get(link.group(1)).status_code == 404


def test_temporary_window_preset_fills_the_first_document(as_user):
    clerk = as_user("branch.daishi")
    page = clerk.get("/forwarding/counter?preset=TX").get_data(as_text=True)
    assert re.search(r'<option selected value="TX">|<option value="TX" selected>', page)
    posted = clerk.post("/forwarding/counter?preset=TX", data={
        "resident_name": "障害 一郎", "phone": "044-000-0000", "lines-0-document_type": "TX",
        "lines-0-sheets": "1"})
    assert posted.status_code == 302 and "preset=TX" in posted.headers["Location"]


def test_refused_document_shows_the_reason_and_a_slip(as_user):
    clerk = as_user("branch.daishi")
    page = clerk.post("/forwarding/counter", data=_counter_form(**{
        "lines-1-document_type": "TS"})).get_data(as_text=True)
    assert "申請受理日が重要な書類のため、回送できません。" in page
    assert "提出先：区民課" in page
    slip = re.search(r'href="(/forwarding/slip.pdf\?[^"]+)"', page).group(1)
    response = clerk.get(slip.replace("&amp;", "&"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "大師-R8-HK-00001" not in clerk.get("/forwarding/ledger").get_data(as_text=True)


def test_counter_shows_field_errors_and_issues_nothing(as_user):
    clerk = as_user("branch.daishi")
    page = clerk.post("/forwarding/counter", data=_counter_form(
        resident_name="", **{"lines-0-sheets": "0"})).get_data(as_text=True)
    assert "氏名を入力してください。" in page and "枚数を入力してください（1〜999）。" in page
    assert "件" in clerk.get("/forwarding/ledger").get_data(as_text=True)
    assert "大師-R8" not in clerk.get("/forwarding/ledger").get_data(as_text=True)


def test_dispatch_receive_return_and_file_through_the_screens(fw, as_user):
    clerk = as_user("branch.daishi")
    clerk.post("/forwarding/counter", data=_counter_form(**{"lines-1-document_type": "",
                                                             "lines-1-sheets": ""}))
    page = clerk.get("/forwarding/dispatch").get_data(as_text=True)
    assert "保険年金課" in page and "大師-R8-HK-00001" in page
    receipt_id = re.search(r'name="receipt" value="(\d+)"', page).group(1)
    sent = clerk.post("/forwarding/dispatch", data={"receipt": receipt_id})
    assert sent.status_code == 302 and "printing=1" in sent.headers["Location"]
    bag_page = clerk.get(sent.headers["Location"]).get_data(as_text=True)
    bag_number = re.search(r"DAISHI-\d{8}-\d\d", bag_page).group(0)
    assert re.search(r'href="(/forwarding/bags/\d+/list.pdf)"[^>]*data-autoprint', bag_page)

    hoken = as_user("ward.hoken")
    url = hoken.get(f"/forwarding/receive?bag={bag_number.lower()}").headers["Location"]
    # Another department's bag answers as a bag that does not exist (bags are numbered per
    # branch and day: telling them apart would let anyone count another branch's bags).
    kourei = as_user("ward.kourei")
    looked_up = kourei.get(f"/forwarding/receive?bag={bag_number}").get_data(as_text=True)
    unknown = kourei.get("/forwarding/receive?bag=DAISHI-20000101-99").get_data(as_text=True)
    assert f"庁内便 {bag_number} はありません" in looked_up
    assert "庁内便 DAISHI-20000101-99 はありません" in unknown
    assert kourei.post(url, data={"present": "大師-R8-HK-00001"}).status_code == 404
    assert kourei.get(url).status_code == 404
    assert "大師-R8-HK-00001" in hoken.get(url).get_data(as_text=True)
    done = hoken.post(url, data={"present": "大師-R8-HK-00001"}, follow_redirects=True)
    assert "受領しました（過不足なし）" in done.get_data(as_text=True)
    returns = hoken.get("/forwarding/returns").get_data(as_text=True)
    assert "大師-R8-HK-00001" in returns
    back = hoken.post("/forwarding/returns", data={"receipt": receipt_id}, follow_redirects=True)
    assert "1件の預かり書を支所へ返送済みにしました。" in back.get_data(as_text=True)
    assert "大師-R8-HK-00001" in clerk.get("/forwarding/filing").get_data(as_text=True)
    filed = clerk.post("/forwarding/filing", data={"receipt": receipt_id},
                       follow_redirects=True)
    assert "1件の預かり書を照合し、綴り込みました。" in filed.get_data(as_text=True)
    detail = clerk.get(f"/forwarding/receipts/{receipt_id}").get_data(as_text=True)
    for event in ("預かり書を発行", "庁内便で回送", "庁内便を受領", "預かり書を支所へ返送",
                  "預かり書を綴り込み"):
        assert event in detail


def test_missing_item_goes_to_the_supervisor(fw, as_user, session):
    [receipt] = issue(fw, ("HK", 1), ("IR", 1)).receipts
    bag = dispatch(fw, [receipt])
    hoken = as_user("ward.hoken")
    hoken.post(f"/forwarding/receive/{bag.id}", data={
        "present": receipt.numbers[0], "extra": "大師-R8-ZZ-00001"})
    sup = as_user("supervisor")
    assert receipt.numbers[1] in sup.get("/forwarding/missing").get_data(as_text=True)
    assert bag.number in sup.get("/forwarding/bags?check=1").get_data(as_text=True)
    decided = sup.post(f"/forwarding/receipts/{receipt.id}/resolve",
                       data={"resolution": "found", "note": "机上にあった"}, follow_redirects=True)
    assert "結果を記録しました。" in decided.get_data(as_text=True)
    checked = sup.post(f"/forwarding/bags/{bag.id}/resolve", data={"note": "誤封入"},
                       follow_redirects=True)
    assert "過不足を確認済みにしました。" in checked.get_data(as_text=True)


def test_ledger_highlights_overdue_lines_and_exports(fw, as_user):
    issue(fw, ("HK", 1))  # taken in on 2026-06-01: long overdue for dispatch by now
    sup = as_user("supervisor")
    page = sup.get("/forwarding/ledger?status=overdue").get_data(as_text=True)
    assert 'class="overdue"' in page and "営業日超過" in page and "大師-R8-HK-00001" in page
    assert "大師-R8-HK-00001" not in sup.get("/forwarding/ledger?status=filed").get_data(
        as_text=True)
    xlsx = sup.get("/forwarding/ledger?format=xlsx&department=HOKEN")
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    assert ws["A4"].value == "大師-R8-HK-00001" and ws["B4"].value == "預かり済"
    assert sup.get("/forwarding/ledger?format=pdf").data.startswith(b"%PDF-")
    tajima = as_user("branch.tajima").get("/forwarding/ledger").get_data(as_text=True)
    assert "大師-R8-HK-00001" not in tajima


def test_other_branch_gets_404_as_for_no_receipt(fw, as_user):
    [receipt] = issue(fw, ("HK", 1)).receipts
    tajima = as_user("branch.tajima")
    response = tajima.get(f"/forwarding/receipts/{receipt.id}")
    assert response.status_code == 404
    assert "大師支所" not in response.get_data(as_text=True)
    assert response.get_data() == tajima.get(f"/forwarding/receipts/{receipt.id + 1000}"
                                             ).get_data()
    for path in ("", "/pdf"):
        assert tajima.get(f"/forwarding/receipts/{receipt.id}{path}").status_code == 404
    cancel = tajima.post(f"/forwarding/receipts/{receipt.id}/cancel", data={"reason": "x"})
    assert cancel.status_code == 404
    # Posting another branch's receipt id to a list form: as if it did not exist.
    theirs = tajima.post("/forwarding/dispatch", data={"receipt": receipt.id},
                         follow_redirects=True).get_data(as_text=True)
    assert "大師支所" not in theirs
    assert "庁内便に入れる預かり書を選んでください。" in theirs
    own = as_user("branch.daishi")
    done = own.post(f"/forwarding/receipts/{receipt.id}/cancel", data={"reason": "持ち帰り"},
                    follow_redirects=True).get_data(as_text=True)
    assert "受付番号は管理簿に残ります" in done and "持ち帰り" in done


def test_generic_task_page_points_to_the_forwarding_screens(fw, as_user):
    from tests.support.forwarding import item

    [receipt] = issue(fw, ("HK", 1)).receipts
    task = item(receipt.case, "dispatch")
    page = as_user("branch.daishi").post(f"/tasks/{task.task_id}",
                                         data={"f-bag_number": "X"}).get_data(as_text=True)
    assert "この手順は書類回送の画面" in page


def test_navigation_and_catalogue_admin(fw, as_user):
    nav = {"branch.daishi": ["窓口受付", "庁内便", "照合・綴り込み", "回送管理簿"],
           "ward.hoken": ["庁内便の受領", "預かり書の返送", "回送管理簿"],
           "supervisor": ["不足書類", "回送管理簿"], "admin": ["回送対象書類"]}
    for username, labels in nav.items():
        home = as_user(username).get("/").get_data(as_text=True)
        for label in labels:
            assert f">{label}</a>" in home, (username, label)
    admin = as_user("admin")
    page = admin.get("/forwarding/admin/types").get_data(as_text=True)
    assert "国民健康保険移送費支給申請" in page and "回送対象書類ではありません" in page
    created = admin.post("/forwarding/admin/types/new", data={
        "code": "hq", "name": "国民健康保険 葬祭費支給申請",
        "department_id": str(fw["departments"]["HOKEN"].id), "forwardable": "y",
        "active": "y", "position": "5"}, follow_redirects=True)
    assert "書類の種類を保存しました。" in created.get_data(as_text=True)
    duplicate = admin.post("/forwarding/admin/types/new", data={
        "code": "HQ", "name": "x", "department_id": str(fw["departments"]["HOKEN"].id),
        "position": "0"}).get_data(as_text=True)
    assert "コード HQ はすでに使われています。" in duplicate
    hoken = fw["departments"]["HOKEN"]
    saved = admin.post(f"/forwarding/admin/departments/{hoken.id}", data={
        f"d{hoken.id}-receive_days": "4", f"d{hoken.id}-ack_days": "2"}, follow_redirects=True)
    assert "保険年金課の期限を保存しました。" in saved.get_data(as_text=True)
    assert as_user("branch.daishi").get("/forwarding/admin/types").status_code == 403


def test_late_bag_escalation_is_done_by_the_branch_supervisor_only(fw, as_user, session):
    from datetime import UTC, datetime, timedelta

    from tests.support.forwarding import T0, item
    from workflows import timers

    [receipt] = issue(fw, ("HK", 1)).receipts
    dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    assert timers.run_due(datetime(2026, 6, 4, 8, 15, tzinfo=UTC))["timers"] == 1
    task = item(receipt.case, "escalate_not_received")
    url = f"/tasks/{task.task_id}"
    department = as_user("supervisor")
    assert task.task_id not in department.get("/queues/team").get_data(as_text=True)
    department.post(url, data={"f-note": "課で確認"})
    session.expire_all()
    assert task.status == "open"  # not theirs: nothing changed
    branch = as_user("sup.daishi")
    assert task.task_id in branch.get("/queues/team").get_data(as_text=True)  # their queue
    assert task.task_id not in as_user("sup.tajima").get("/queues/team").get_data(as_text=True)
    assert "未着の確認（受取期限超過）" in branch.get(url).get_data(as_text=True)
    assert branch.post(url, data={"f-note": "庁内便の遅配。翌日到着を確認"}).status_code == 302
    session.expire_all()
    assert task.status == "completed" and task.completed_by_id == fw["people"]["sup_daishi"].id
