"""Admin pages: user CRUD, organisation edits, role checks, audit with before/after."""

from sqlalchemy import select

from models.audit import AuditEvent
from models.user import User
from tests.conftest import login


def _as_admin(client, make_user):
    make_user("admin.a", roles=["admin"])
    login(client, "admin.a")


def _new_user_form(org, **over):
    data = {"username": "ward.new", "display_name": "新人 職員", "email": "",
            "office_id": org["offices"]["KAWASAKI"].id,
            "department_ids": [org["departments"]["HOKEN"].id], "roles": ["ward_clerk"],
            "locale": "ja", "password": "initial-pass"}
    data.update(over)
    return data


def test_admin_creates_a_user_who_can_sign_in(client, make_user, org, session, app, new_client):
    _as_admin(client, make_user)
    response = client.post("/admin/users/new", data=_new_user_form(org))
    assert response.status_code == 302
    user = session.scalar(select(User).where(User.username == "ward.new"))
    assert user.roles == {"ward_clerk"} and [d.code for d in user.departments] == ["HOKEN"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user_created")
                           .order_by(AuditEvent.id.desc()))
    assert event.actor_name == "admin.a" and event.details["after"]["roles"] == ["ward_clerk"]
    assert login(new_client(), "ward.new", "initial-pass").headers["Location"] == "/"


def test_bad_user_input_shows_japanese_messages_and_saves_nothing(client, make_user, org,
                                                                   session):
    _as_admin(client, make_user)
    page = client.post("/admin/users/new", data=_new_user_form(
        org, username="Bad Name!", password="short", roles=[], display_name="x" * 61)
    ).get_data(as_text=True)
    assert "小文字の英字" in page
    assert "8文字以上" in page
    assert "ロールを1つ以上選んでください。" in page
    assert "60文字以内" in page
    assert session.scalar(select(User).where(User.username == "bad name!")) is None


def test_duplicate_username_is_refused(client, make_user, org):
    _as_admin(client, make_user)
    make_user("ward.new")
    page = client.post("/admin/users/new", data=_new_user_form(org)).get_data(as_text=True)
    assert "このユーザーIDは既に使われています。" in page


def test_edit_records_before_and_after(client, make_user, org, session):
    _as_admin(client, make_user)
    user = make_user("ward.b", roles=["ward_clerk"], departments=["HOKEN"])
    data = _new_user_form(org, roles=["ward_clerk", "supervisor"], active="y", password="")
    data.pop("username")
    assert client.post(f"/admin/users/{user.id}/edit", data=data).status_code == 302
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
    assert event.details["before"]["roles"] == ["ward_clerk"]
    assert event.details["after"]["roles"] == ["supervisor", "ward_clerk"]
    assert "roles" in event.details["changed"]


def test_deactivated_user_is_signed_out_and_cannot_sign_in(client, make_user, new_client):
    _as_admin(client, make_user)
    user = make_user("ward.b")
    theirs = new_client()
    login(theirs, "ward.b")
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 302
    assert theirs.get("/").status_code == 302
    assert login(new_client(), "ward.b").status_code == 200  # form again, not signed in


def test_user_list_filters(client, make_user):
    _as_admin(client, make_user)
    make_user("branch.x", roles=["branch_clerk"], office="DAISHI")
    make_user("ward.y", roles=["ward_clerk"])
    page = client.get("/admin/users?role=branch_clerk").get_data(as_text=True)
    assert "branch.x" in page and "ward.y" not in page


def test_non_admin_gets_403_page_in_layout(client, make_user):
    make_user("ward.a")
    login(client, "ward.a")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "権限がありません" in response.get_data(as_text=True)


def test_admin_edits_office_and_adds_department(client, make_user, org, session):
    _as_admin(client, make_user)
    office = org["offices"]["DAISHI"]
    assert client.post(f"/admin/offices/{office.id}/edit",
                       data={"name": "大師支所", "short_name": "大師", "active": "y"}
                       ).status_code == 302
    ward = org["offices"]["KAWASAKI"]
    assert client.post(f"/admin/offices/{ward.id}/departments/new",
                       data={"code": "EISEI", "name": "衛生課", "position": 8, "active": "y"}
                       ).status_code == 302
    clash = client.post(f"/admin/offices/{ward.id}/departments/new",
                        data={"code": "EISEI", "name": "重複", "position": 9, "active": "y"})
    assert "既に" in clash.get_data(as_text=True)
    assert "衛生課" in client.get("/admin/offices").get_data(as_text=True)
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "department_created"))


def test_navigation_follows_roles(app, make_user, new_client):
    expectations = {
        ("branch.b", "branch_clerk"): [],
        ("admin.b", "admin"): ["/admin/users", "/admin/audit"],
        ("sup.b", "supervisor"): ["/admin/audit"],
    }
    for (username, role), links in expectations.items():
        make_user(username, roles=[role])
        client = new_client()
        login(client, username)
        page = client.get("/").get_data(as_text=True)
        for link in ["/admin/users", "/admin/audit"]:
            assert (f'href="{link}"' in page) == (link in links), (username, link)


def test_audit_page_filters_by_action(client, make_user):
    _as_admin(client, make_user)
    page = client.get("/admin/audit?action=login").get_data(as_text=True)
    assert "admin.a" in page
