"""The task page as a clerk works it: drafts, complete and go on to the next task of the
queue, previous rounds, staff comments (audited, never in the API), documents."""

import re

from tests.integration.runtime_support import case_actions, open_item
from tests.support import staff_ui

# Shared fixtures, found by pytest under these names.
staff = staff_ui.staff
as_user = staff_ui.as_user



def test_draft_is_kept_for_me_only_and_dropped_on_completion(staff, as_user, session):
    case = staff.case()
    item = open_item(case)
    clerk = as_user("ward.h")
    saved = clerk.post(f"/tasks/{item.task_id}/draft",
                       data={"f-decision": "return", "f-reason": "印鑑がありません"})
    assert saved.status_code == 302
    page = clerk.get(f"/tasks/{item.task_id}").get_data(as_text=True)
    assert "下書きを入力欄に表示しています" in page and "印鑑がありません" in page
    assert re.search(r'<option selected value="return">|value="return" selected', page)
    other = as_user("ward.h2").get(f"/tasks/{item.task_id}").get_data(as_text=True)
    assert "印鑑がありません" not in other
    clerk.post(f"/tasks/{item.task_id}", data={"f-decision": "return", "f-reason": "印鑑"})
    from models.task_draft import TaskDraft

    assert session.query(TaskDraft).count() == 0
    assert "task_draft_saved" not in case_actions(case)  # drafts stay out of the timeline


def test_complete_and_go_to_the_next_task_of_the_same_queue(staff, as_user, session):
    first, second = staff.case("川崎 一郎"), staff.case("川崎 二郎")
    clerk = as_user("ward.h")
    queue_page = clerk.get("/queues/team?q=川崎").get_data(as_text=True)
    link = re.search(r'href="(/tasks/[^"]+queue=team[^"]*)"', queue_page).group(1)
    link = link.replace("&amp;", "&")
    page = clerk.get(link).get_data(as_text=True)
    assert "完了して次のタスクへ" in page and "チームのタスクに戻る" in page
    item = open_item(first)
    done = clerk.post(link, data={"f-decision": "accept", "and_next": "1",
                                  "queue": "team", "filter": "q=川崎"})
    following = open_item(second)
    assert done.status_code == 302
    assert done.headers["Location"].startswith(f"/tasks/{following.task_id}?queue=team")
    session.expire_all()
    assert item.status == "completed"
    last = clerk.post(done.headers["Location"], data={
        "f-decision": "accept", "and_next": "1", "queue": "team", "filter": "q=川崎"},
        follow_redirects=True).get_data(as_text=True)
    assert "この一覧に残っているタスクはありません" in last


def test_previous_rounds_and_comments(staff, as_user, session, app):
    from webapp import accounts
    from webapp.extensions import db

    case = staff.case()
    clerk = as_user("ward.h")
    clerk.post(f"/tasks/{open_item(case).task_id}",
               data={"f-decision": "return", "f-reason": "住所の記載漏れ"})
    clerk.post(f"/tasks/{open_item(case).task_id}", data={"f-resubmitted_on": "2026-06-03"})
    item = open_item(case, "review")
    page = clerk.get(f"/tasks/{item.task_id}").get_data(as_text=True)
    assert "このタスクのこれまでの処理" in page and "住所の記載漏れ" in page
    clerk.post(f"/cases/{case.number}/comments",
               data={"body": "電話で確認済み。<script>x</script>", "task_id": item.task_id})
    empty = clerk.post(f"/cases/{case.number}/comments", data={"body": "  "},
                       follow_redirects=True)
    assert "コメントは2000文字以内" in empty.get_data(as_text=True)
    shown = as_user("ward.h2").get(f"/cases/{case.number}").get_data(as_text=True)
    assert "電話で確認済み。&lt;script&gt;" in shown and "保険 太郎" in shown
    assert case_actions(case)[-1] == "case_comment_added"
    assert as_user("ward.k").post(f"/cases/{case.number}/comments",
                                  data={"body": "x"}).status_code == 404
    _token, raw = accounts.create_token(None, staff.clerk)
    db.session.commit()
    api = app.test_client().get(f"/api/v1/cases/{case.number}",
                                headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200 and "電話で確認済み" not in api.get_data(as_text=True)


def test_documents_include_the_case_sheet_pdf(staff, as_user):
    case = staff.case("川崎 太郎")
    clerk = as_user("ward.h")
    page = clerk.get(f"/tasks/{open_item(case).task_id}").get_data(as_text=True)
    assert f'href="/cases/{case.number}/sheet.pdf"' in page and "案件票（PDF）" in page
    pdf = clerk.get(f"/cases/{case.number}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert as_user("ward.k").get(f"/cases/{case.number}/sheet.pdf").status_code == 404
