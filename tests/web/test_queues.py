"""The three queues as clerks and supervisors use them: scope, marks, sort, filter, search,
pages, counts in the navigation and the Excel export."""

import io
import re
from datetime import datetime, time, timedelta

from openpyxl import load_workbook

from japan.calendar import JST, to_jst
from models.base import utcnow
from tests.integration.runtime_support import open_item
from tests.support import staff_ui

# Shared fixtures, found by pytest under these names.
staff = staff_ui.staff
as_user = staff_ui.as_user


def _rows(page: str) -> list[str]:
    return re.findall(r"<tr data-row.*?</tr>", page, re.S)


def _set_due(session, case, due):
    item = open_item(case)
    item.due_at = due
    session.commit()


def test_team_queue_shows_my_team_with_late_and_today_marks(staff, as_user, session):
    late = staff.case("川崎 一郎")
    today = staff.case("川崎 二郎")
    later = staff.case("川崎 三郎")
    staff.case("高齢 四郎", department="KOUREI")
    now = to_jst(utcnow())
    _set_due(session, today, datetime.combine(now.date(), time(23, 59), JST))
    _set_due(session, later, now + timedelta(days=30))
    page = as_user("ward.h").get("/queues/team").get_data(as_text=True)
    rows = _rows(page)
    assert [late.number in rows[0], today.number in rows[1], later.number in rows[2]] == \
        [True, True, True]
    assert "高齢 四郎" not in page
    assert 'class="due-overdue"' in rows[0] and "営業日超過" in rows[0]
    assert 'class="due-today"' in rows[1] and "本日期限" in rows[1]
    assert "due-" not in rows[2].split(">")[0]
    assert re.search(r'チームのタスク <span class="nav-count">3<', page)


def test_sort_filter_search_and_pages(staff, as_user, session):
    a = staff.case("ｶﾜｻｷ ﾀﾛｳ", channel="online", reference="21443380")
    b = staff.case("大師 花子", channel="counter")
    c = staff.case("田島 次郎", channel="branch")
    clerk = as_user("ward.h")
    by_name = _rows(clerk.get("/queues/team?sort=-applicant").get_data(as_text=True))
    assert [a.number in by_name[2], c.number in by_name[0]] == [True, True]
    online = clerk.get("/queues/team?channel=online").get_data(as_text=True)
    assert a.number in online and b.number not in online
    serial = str(int(b.number.split("-")[1]))  # "2" finds R8-000002
    for query, expected in (("かわさき", a), ("カワサキ　タロウ", a), ("２１４４３３８０", a),
                            (b.number.lower(), b), (serial, b)):
        found = clerk.get("/queues/team", query_string={"q": query}).get_data(as_text=True)
        assert expected.number in found, query
        assert len(_rows(found)) == 1, query
    none = clerk.get("/queues/team?q=存在しない").get_data(as_text=True)
    assert "条件に合うタスクはありません" in none
    bad = clerk.get("/queues/team?due_from=2026-13-01&sort=bogus").get_data(as_text=True)
    assert "YYYY-MM-DD" in bad and len(_rows(bad)) == 3


def test_pagination_and_capped_counts(staff, as_user, session):
    for i in range(21):
        staff.case(f"区民 {i:02d}")
    clerk = as_user("ward.h")
    first = clerk.get("/queues/team?per_page=20").get_data(as_text=True)
    assert len(_rows(first)) == 20 and 'rel="next"' in first and "21件" in first
    second = clerk.get("/queues/team?per_page=20&page=2").get_data(as_text=True)
    assert len(_rows(second)) == 1 and 'rel="prev"' in second and 'rel="next"' not in second


def test_capped_count_says_plus(staff, app, session):
    from workflows.worklist import queues

    for _ in range(3):
        staff.case()
    original = queues.COUNT_CAP
    queues.COUNT_CAP = 2
    try:
        assert str(queues.count(staff.clerk, "team", team=None)) == "0"
        from workflows.worklist.teams import teams_of

        counted = queues.count(staff.clerk, "team", team=teams_of(staff.clerk)[0])
        assert (counted.value, counted.capped, str(counted)) == (2, True, "2+")
    finally:
        queues.COUNT_CAP = original


def test_my_tasks_and_the_supervisors_all_queue(staff, as_user, session):
    mine = staff.case("川崎 一郎")
    other = staff.case("高齢 花子", department="KOUREI")
    clerk = as_user("ward.h")
    clerk.post(f"/queues/claim/{open_item(mine).task_id}", data={"next": "/queues/mine"})
    page = clerk.get("/queues/mine").get_data(as_text=True)
    assert mine.number in page and re.search(r'自分のタスク <span class="nav-count">1<', page)
    assert clerk.get("/queues/all").status_code == 403
    assert "/queues/all" not in page
    sup = as_user("sup")
    everything = sup.get("/queues/all").get_data(as_text=True)
    assert mine.number in everything and other.number in everything
    assert "保険 太郎" in everything  # the assignee column
    kourei = sup.get("/queues/all?department=KOUREI").get_data(as_text=True)
    assert other.number in kourei and mine.number not in kourei
    claimed = sup.get("/queues/all?status=claimed").get_data(as_text=True)
    assert mine.number in claimed and other.number not in claimed
    assert other.number not in as_user("sup.k").get("/queues/all?department=HOKEN") \
        .get_data(as_text=True)


def test_branch_clerk_and_english(staff, as_user, session):
    from webapp.extensions import db

    branch = as_user("branch.d").get("/queues/team").get_data(as_text=True)
    assert "大師支所（支所職員）" in branch and "ここに待っているタスクはありません" in branch
    staff.clerk.locale = "en"
    db.session.commit()
    staff.case()
    page = as_user("ward.h").get("/queues/team").get_data(as_text=True)
    assert "Team tasks" in page and "business days late" in page and "Claim" in page


def test_export_keeps_the_filter_and_order(staff, as_user, session):
    a = staff.case("川崎 一郎", channel="online")
    staff.case("川崎 二郎", channel="counter")
    response = as_user("ward.h").get("/queues/team/export.xlsx?channel=online")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[2][0] == "案件番号" and values[3][0] == a.number and len(values) == 4
    assert values[3][3] == "川崎 一郎" and values[3][9] == "電子申請"
    assert as_user("ward.h").get("/queues/all/export.xlsx").status_code == 403
