"""Claim and release from the list, conflicts, and supervisors' bulk actions (audited)."""

from sqlalchemy import select

from models.audit import AuditEvent
from tests.integration.runtime_support import case_actions, open_item
from tests.support import staff_ui

# Shared fixtures, found by pytest under these names.
staff = staff_ui.staff
as_user = staff_ui.as_user


def test_claim_from_the_list_then_a_colleague_gets_a_clear_conflict(staff, as_user, session):
    case = staff.case()
    item = open_item(case)
    first, second = as_user("ward.h"), as_user("ward.h2")
    done = first.post(f"/queues/claim/{item.task_id}", data={"next": "/queues/team?sort=task"})
    assert done.status_code == 302 and done.headers["Location"] == "/queues/team?sort=task"
    page = second.post(f"/queues/claim/{item.task_id}", data={"next": "/queues/team"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"{case.number} 審査" in page and "既に" in page
    session.expire_all()
    assert item.assignee_id == staff.clerk.id
    refused = second.post(f"/queues/unclaim/{item.task_id}", follow_redirects=True)
    assert "担当者" in refused.get_data(as_text=True)
    first.post(f"/queues/unclaim/{item.task_id}")
    session.expire_all()
    assert item.status == "open" and case_actions(case)[-2:] == ["task_claimed",
                                                                 "task_unclaimed"]


def test_next_must_stay_on_this_site(staff, as_user):
    item = open_item(staff.case())
    response = as_user("ward.h").post(f"/queues/claim/{item.task_id}",
                                      data={"next": "//evil.example/x"})
    assert response.headers["Location"] == "/"


def test_other_department_cannot_claim_or_see(staff, as_user):
    item = open_item(staff.case())
    assert as_user("ward.k").post(f"/queues/claim/{item.task_id}").status_code == 404


def test_bulk_actions_are_for_supervisors_only(staff, as_user, session):
    item = open_item(staff.case())
    clerk = as_user("ward.h")
    response = clerk.post("/queues/bulk", data={"action": "claim", "task_ids": [item.task_id]})
    assert response.status_code == 403
    session.expire_all()
    assert item.status == "open"


def test_bulk_reassign_due_date_and_per_item_refusals(staff, as_user, session):
    hoken = [open_item(staff.case(f"区民 {i}")) for i in range(3)]
    kourei = open_item(staff.case("高齢 花子", department="KOUREI"))
    sup = as_user("sup.k")  # supervises KOUREI only
    page = sup.post("/queues/bulk", data={
        "action": "reassign", "assignee": staff.other.id,
        "task_ids": [kourei.task_id, hoken[0].task_id], "next": "/queues/all"},
        follow_redirects=True).get_data(as_text=True)
    assert "1件のタスクを変更しました" in page and "係長" in page
    session.expire_all()
    assert kourei.assignee_id == staff.other.id and hoken[0].assignee_id is None

    boss = as_user("sup")
    ids = [i.task_id for i in hoken]
    boss.post("/queues/bulk", data={"action": "reassign", "assignee": staff.clerk2.id,
                                    "task_ids": ids})
    moved = boss.post("/queues/bulk", data={"action": "due", "due_date": "2099-04-01",
                                            "task_ids": ids}, follow_redirects=True)
    assert "3件のタスクを変更しました" in moved.get_data(as_text=True)
    session.expire_all()
    assert {i.assignee_id for i in hoken} == {staff.clerk2.id}
    assert {i.due_at.isoformat() for i in hoken} == {"2099-04-01T08:15:00+00:00"}
    summary = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "tasks_bulk_due_set")).one()
    assert summary.actor_name == "sup" and sorted(summary.details["done"]) == sorted(ids)
    assert case_actions(hoken[0].case)[-2:] == ["task_reassigned", "task_due_changed"]
    timeline = boss.get(f"/cases/{hoken[0].case.number}").get_data(as_text=True)
    assert "期限変更" in timeline and "2099-04-01" in timeline


def test_bulk_input_errors_change_nothing(staff, as_user, session):
    item = open_item(staff.case())
    sup = as_user("sup")
    for data, message in (({"action": "due", "due_date": "2000-01-01"}, "新しい期限"),
                          ({"action": "reassign"}, "担当者を選んでください"),
                          ({"action": "claim", "task_ids": []}, "1件以上")):
        data.setdefault("task_ids", [item.task_id])
        page = sup.post("/queues/bulk", data=data, follow_redirects=True)
        assert message in page.get_data(as_text=True), data
    session.expire_all()
    assert item.status == "open" and item.assignee_id is None


def test_bulk_claim_reports_items_someone_else_took(staff, as_user, session):
    from models.user import User
    from webapp.extensions import db

    sup = db.session.get(User, staff.sup.id)
    sup.roles = ["supervisor", "ward_clerk"]
    db.session.commit()
    taken, free = open_item(staff.case("川崎 一郎")), open_item(staff.case("川崎 二郎"))
    as_user("ward.h").post(f"/queues/claim/{taken.task_id}")
    page = as_user("sup").post("/queues/bulk", data={
        "action": "claim", "task_ids": [taken.task_id, free.task_id]},
        follow_redirects=True).get_data(as_text=True)
    assert "1件のタスクを変更しました" in page and f"{taken.case.number} 審査" in page
    session.expire_all()
    assert taken.assignee_id == staff.clerk.id and free.assignee_id == staff.sup.id
