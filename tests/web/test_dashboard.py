"""The supervisor dashboard: numbers that link to the filtered queue, charts, exports."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.integration.runtime_support import open_item
from tests.support import staff_ui

# Shared fixtures, found by pytest under these names.
staff = staff_ui.staff
as_user = staff_ui.as_user


@pytest.fixture
def busy(staff, as_user, session):
    """Three HOKEN cases (one claimed, one done), one KOUREI case, one applicant step."""
    cases = [staff.case(f"川崎 {i}") for i in range(3)] + [staff.case("高齢", department="KOUREI")]
    clerk = as_user("ward.h")
    clerk.post(f"/queues/claim/{open_item(cases[0]).task_id}")
    clerk.post(f"/tasks/{open_item(cases[1]).task_id}", data={"f-decision": "accept"})
    waiting = open_item(cases[2])
    waiting.role, waiting.department_id, waiting.office_id = "applicant", None, None
    session.commit()
    return cases


def test_numbers_link_to_the_filtered_queue(busy, as_user):
    page = as_user("sup").get("/dashboard/").get_data(as_text=True)
    assert 'href="/queues/all?department=HOKEN&amp;task=review&amp;status=claimed">1<' in page
    assert 'href="/queues/all?department=KOUREI&amp;task=review&amp;status=open">1<' in page
    assert re.search(r'href="/queues/all\?due=overdue"><span class="stat">2<', page)
    assert re.search(r'href="/queues/all\?role=applicant"><span class="stat">1<', page)
    assert busy[2].number in page  # listed under 「申請者の対応待ち」
    assert page.count("<svg") == 2 and "処理件数（過去30日・日別）" in page
    assert 'aria-labelledby="ageing-chart-title ageing-chart-desc"' in page
    assert "<script>" not in page and "style=" not in page
    linked = as_user("sup").get("/queues/all?role=applicant").get_data(as_text=True)
    assert busy[2].number in linked and busy[0].number not in linked


def test_throughput_counts_todays_completion(busy, as_user):
    from datetime import timedelta

    from models.base import utcnow
    from workflows.worklist.dashboard import throughput

    days = throughput({busy[1].department_id}, utcnow())
    assert len(days) == 30 and days[-1][1] == 1 and sum(n for _d, n in days) == 1
    tomorrow = throughput({busy[1].department_id}, utcnow() + timedelta(days=1))
    assert tomorrow[-2][1] == 1 and tomorrow[-1][1] == 0
    assert throughput({busy[3].department_id}, utcnow())[-1][1] == 0


def test_clerks_cannot_open_it(busy, as_user):
    clerk = as_user("ward.h")
    assert clerk.get("/dashboard/").status_code == 403
    assert clerk.get("/dashboard/export.xlsx").status_code == 403
    assert "/dashboard/" not in clerk.get("/").get_data(as_text=True)


def test_exports_carry_the_numbers_and_charts(busy, as_user):
    sup = as_user("sup")
    book = load_workbook(io.BytesIO(sup.get("/dashboard/export.xlsx").data))
    assert book.sheetnames == ["部署・タスク別", "期限超過", "処理件数", "滞留日数", "回送未確認"]
    rows = [[c.value for c in r] for r in book["部署・タスク別"].iter_rows()]
    assert ["保険年金課", "審査", 0, 1, 1] in rows and ["高齢・障害課", "審査", 1, 0, 1] in rows
    assert len(book["処理件数"]._charts) == 1 and len(book["滞留日数"]._charts) == 1
    pdf = sup.get("/dashboard/export.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_counts_match_the_items_task_by_task(staff, session):
    """Several tasks (one task id under two names too), overdue or not, open or claimed, of
    different ages: every number equals a plain count of the items."""
    from collections import Counter
    from datetime import timedelta

    from japan.calendar import to_jst
    from models.base import utcnow
    from workflows.worklist.dashboard import dashboard
    from workflows.worklist.filters import AGE_BUCKETS

    now = utcnow()
    shapes = [("review", "審査"), ("review", "再審査"), ("check", "確認"), ("a_first", "受付")]
    items = []
    for i in range(32):  # every task, department and status twice
        item = open_item(staff.case(f"区民 {i}", department=("HOKEN", "KOUREI")[i // 4 % 2]))
        item.bpmn_id, item.name = shapes[i % 4]
        item.status = ("open", "claimed")[i // 8 % 2]
        item.assignee_id = staff.clerk.id if item.status == "claimed" else None
        item.due_at = now + timedelta(hours=(-30, 5, -1, 400)[(i + i // 16) % 4])
        item.created_at = now - timedelta(days=(0, 2, 5, 9, 20, 45)[i % 6])
        items.append(item)
    session.commit()
    d = dashboard(staff.sup, now)
    want = Counter()
    for x in items:
        key = (x.department_id, x.bpmn_id, x.name)
        want[(*key, x.status)] += 1
        want[(*key, "overdue")] += x.due_at < now
    got = Counter()
    for line in d.lines:
        key = (line.department.id, line.bpmn_id, line.name)
        got.update({(*key, "open"): line.open, (*key, "claimed"): line.claimed,
                    (*key, "overdue"): line.overdue})
    assert +got == +want and len(d.lines) == 8
    assert d.total("overdue") == sum(x.due_at < now for x in items)
    today = to_jst(now).date()
    ages = Counter()
    for x in items:
        days = (today - to_jst(x.created_at).date()).days
        ages[next(k for k, (low, high) in AGE_BUCKETS.items()
                  if low <= days and (high is None or days <= high))] += 1
    assert dict(d.ageing) == {k: ages[k] for k in AGE_BUCKETS}
