"""The case page: the diagram data of the case's own process version, documents, and the
supervisor's reassign action."""


from tests.integration.runtime_support import deploy, open_item
from tests.support import staff_ui

# Shared fixtures, found by pytest under these names.
staff = staff_ui.staff
as_user = staff_ui.as_user



def test_diagram_data_follows_the_case(staff, as_user, session):
    case = staff.case()
    clerk = as_user("ward.h")
    page = clerk.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f'data-src="/cases/{case.number}/diagram.json"' in page
    assert 'src="/static/diagram.js"' in page and "<script>" not in page
    data = clerk.get(f"/cases/{case.number}/diagram.json").get_json()
    assert 'id="correction_loop"' in data["xml"] and data["process"] == "correction_loop v1"
    assert data["active"] == ["review"] and data["timers"] == []
    assert {"start_received", "init_case"} <= set(data["finished"])
    clerk.post(f"/tasks/{open_item(case).task_id}",
               data={"f-decision": "return", "f-reason": "記載漏れ"})
    data = clerk.get(f"/cases/{case.number}/diagram.json").get_json()
    assert data["active"] == ["await_correction"]
    assert [t["id"] for t in data["timers"]] == ["timer_no_reply"]
    assert "review" in data["finished"]
    assert as_user("ward.k").get(f"/cases/{case.number}/diagram.json").status_code == 404


def test_diagram_shows_the_version_the_case_started_on(staff, as_user, session):
    from tests.integration.runtime_support import FIXTURES

    case = staff.case()
    changed = (FIXTURES / "correction_loop.bpmn").read_text().replace(
        'name="審査"', 'name="審査（新）"')
    from webapp.extensions import db
    from workflows import registry

    registry.deploy({"correction_loop.bpmn": changed.encode()}, None)
    db.session.commit()
    data = as_user("ward.h").get(f"/cases/{case.number}/diagram.json").get_json()
    assert data["process"] == "correction_loop v1" and "審査（新）" not in data["xml"]
    assert deploy  # the fixture deployed v1 before the case started


def test_ended_case_has_nothing_active(staff, as_user, session):
    case = staff.case()
    clerk = as_user("ward.h")
    clerk.post(f"/tasks/{open_item(case).task_id}", data={"f-decision": "accept"})
    data = clerk.get(f"/cases/{case.number}/diagram.json").get_json()
    assert data["active"] == [] and "end_accepted" in data["finished"]


def test_supervisor_reassigns_from_the_case_page(staff, as_user, session):
    case = staff.case()
    item = open_item(case)
    sup = as_user("sup")
    page = sup.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "担当者の変更" in page and "保険 次郎" in page and "高齢 花子" not in page
    done = sup.post(f"/cases/{case.number}/items/{item.task_id}/reassign",
                    data={"assignee": staff.clerk2.id}, follow_redirects=True)
    assert "保険 次郎 さんに割り当てました" in done.get_data(as_text=True)
    session.expire_all()
    assert item.assignee_id == staff.clerk2.id
    clerk = as_user("ward.h")
    assert "担当者の変更" not in clerk.get(f"/cases/{case.number}").get_data(as_text=True)
    refused = clerk.post(f"/cases/{case.number}/items/{item.task_id}/reassign",
                         data={"assignee": staff.clerk.id}, follow_redirects=True)
    assert "係長" in refused.get_data(as_text=True)
    session.expire_all()
    assert item.assignee_id == staff.clerk2.id
