"""Staff pages: a clerk works a task in the browser; supervisors retry, cancel, edit data."""

import pytest

from tests.conftest import login
from tests.integration.runtime_support import T0, deploy, open_item


@pytest.fixture
def setup(app, org, make_user, session):
    from workflows import cases

    people = {
        "clerk": make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"]),
        "branch": make_user("branch.d", roles=["branch_clerk"], office="DAISHI"),
        "sup": make_user("sup", roles=["supervisor"], departments=["HOKEN"]),
    }
    deploy("correction_loop.bpmn", "divide.bpmn")

    def start(process_id="correction_loop"):
        case = cases.start_case(process_id, {}, actor=people["clerk"], now=T0,
                                department=org["departments"]["HOKEN"],
                                subject_name="<b>川崎</b> 太郎").case
        session.commit()
        return case

    return people, start


def test_clerk_sees_the_task_at_home_and_completes_it(client, setup, session):
    people, start = setup
    case = start()
    login(client, "ward.h")
    home = client.get("/").get_data(as_text=True)
    item = open_item(case)
    assert case.number in home and f"/tasks/{item.task_id}" in home
    assert "&lt;b&gt;川崎&lt;/b&gt;" in home  # names are escaped
    page = client.get(f"/tasks/{item.task_id}").get_data(as_text=True)
    assert "判定" in page and "差し戻し理由" in page
    invalid = client.post(f"/tasks/{item.task_id}", data={"f-decision": "", "f-reason": ""})
    assert "判定を入力してください。" in invalid.get_data(as_text=True)
    done = client.post(f"/tasks/{item.task_id}", data={"f-decision": "return",
                                                        "f-reason": "印鑑がありません"})
    assert done.status_code == 302 and done.headers["Location"] == f"/cases/{case.number}"
    session.expire_all()
    assert open_item(case).bpmn_id == "await_correction"
    timeline = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "タスク完了" in timeline and "印鑑がありません" in timeline


def test_claim_from_the_task_page_and_conflict_message(client, new_client, setup, make_user):
    people, start = setup
    make_user("ward.h2", roles=["ward_clerk"], departments=["HOKEN"])
    case = start()
    item = open_item(case)
    login(client, "ward.h")
    client.post(f"/tasks/{item.task_id}/claim")
    other = new_client()
    login(other, "ward.h2")
    page = other.post(f"/tasks/{item.task_id}/claim", follow_redirects=True)
    assert "既に" in page.get_data(as_text=True)


def test_other_office_cannot_see_the_case(client, setup):
    _people, start = setup
    case = start()
    login(client, "branch.d")
    assert client.get(f"/cases/{case.number}").status_code == 404
    assert client.get(f"/tasks/{open_item(case).task_id}").status_code == 404


def test_failed_step_is_shown_and_supervisor_fixes_and_retries(client, new_client, setup,
                                                               session):
    _people, start = setup
    case = start("divide")
    login(client, "ward.h")
    item = open_item(case)
    response = client.post(f"/tasks/{item.task_id}", data={"f-parts": "0"},
                           follow_redirects=True)
    assert response.status_code == 200 and "エラー" in response.get_data(as_text=True)
    sup = new_client()
    login(sup, "sup")
    page = sup.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "compute_share" in page and "再実行" in page
    sup.post(f"/cases/{case.number}/data", data={"changes": '{"parts": 5}'})
    sup.post(f"/cases/{case.number}/retry")
    session.expire_all()
    assert case.status == "active" and case.data["share"] == 200
    bad = sup.post(f"/cases/{case.number}/data", data={"changes": "[1,2"},
                   follow_redirects=True)
    assert "JSON" in bad.get_data(as_text=True)


def test_clerk_cannot_use_supervisor_actions(client, setup, session):
    _people, start = setup
    case = start()
    login(client, "ward.h")
    page = client.post(f"/cases/{case.number}/cancel", data={"reason": "x"},
                       follow_redirects=True).get_data(as_text=True)
    assert "係長" in page or "権限" in page
    session.expire_all()
    assert case.status == "active"


def test_claim_only_redirects_to_local_pages(client, setup):
    _people, start = setup
    item = open_item(start())
    login(client, "ward.h")
    response = client.post(f"/tasks/{item.task_id}/claim", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
