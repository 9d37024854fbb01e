"""Saved filters: private or shared with a department, opened by URL, deleted by their owner."""

from sqlalchemy import select

from models.audit import AuditEvent
from models.saved_filter import SavedFilter
from tests.support import staff_ui

# Shared fixtures, found by pytest under these names.
staff = staff_ui.staff
as_user = staff_ui.as_user


def _save(client, name, query, share=""):
    return client.post("/queues/filters", data={"name": name, "queue": "team",
                                                "query": query, "share": share})


def test_private_filter_is_mine_only_and_opens_the_queue_view(staff, as_user, session):
    owner = as_user("ward.h")
    saved = _save(owner, "期限超過の審査", "task=review&due=overdue&page=3&bogus=1")
    found = session.scalars(select(SavedFilter)).one()
    assert saved.headers["Location"] == f"/queues/filters/{found.id}"
    assert found.query == "task=review&due=overdue" and found.department_id is None
    opened = owner.get(f"/queues/filters/{found.id}")
    assert opened.headers["Location"] == "/queues/team?task=review&due=overdue"
    assert "期限超過の審査" in owner.get("/queues/team").get_data(as_text=True)
    colleague = as_user("ward.h2")
    assert colleague.get(f"/queues/filters/{found.id}").status_code == 404
    assert "期限超過の審査" not in colleague.get("/queues/team").get_data(as_text=True)


def test_shared_filter_reaches_the_department_by_url(staff, as_user, session):
    owner = as_user("ward.h")
    hoken = staff.org["departments"]["HOKEN"]
    _save(owner, "窓口受付分", "channel=counter", share=str(hoken.id))
    found = session.scalars(select(SavedFilter)).one()
    colleague = as_user("ward.h2")
    assert colleague.get(f"/queues/filters/{found.id}").headers["Location"] == \
        "/queues/team?channel=counter"
    page = colleague.get("/queues/team").get_data(as_text=True)
    assert "窓口受付分" in page and "保険年金課で共有" in page
    assert as_user("ward.k").get(f"/queues/filters/{found.id}").status_code == 404
    refused = colleague.post(f"/queues/filters/{found.id}/delete", follow_redirects=True)
    assert "保存した本人" in refused.get_data(as_text=True)
    owner.post(f"/queues/filters/{found.id}/delete")
    assert session.scalars(select(SavedFilter)).all() == []
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "saved_filter")).all()
    assert actions == ["saved_filter_created", "saved_filter_deleted"]


def test_cannot_share_with_another_department_or_save_without_a_name(staff, as_user, session):
    owner = as_user("ward.h")
    kourei = staff.org["departments"]["KOUREI"]
    page = _save(owner, "x", "", share=str(kourei.id)).get_data(as_text=True)
    follow = owner.get("/queues/team").get_data(as_text=True)
    assert "自分の所属する課" in page + follow
    _save(owner, "  ", "")
    assert session.scalars(select(SavedFilter)).all() == []
