"""API tokens: created once, hashed, revocable, acting with their user's roles."""

from sqlalchemy import select

from models.api_token import ApiToken
from tests.conftest import login


def _bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_cli_creates_a_token_that_authenticates(app, make_user, session, new_client):
    make_user("intake.a", roles=["ward_clerk"])
    result = app.test_cli_runner().invoke(args=["tokens", "create", "intake.a", "--name", "x"])
    raw = result.output.strip()
    assert result.exit_code == 0 and raw.startswith("mdg_")
    stored = session.scalar(select(ApiToken))
    assert raw not in stored.token_hash and stored.hint == raw[:8]
    me = new_client().get("/api/v1/me", headers=_bearer(raw))
    assert me.status_code == 200 and me.json["username"] == "intake.a"


def test_missing_bad_and_revoked_tokens_get_401_json(app, make_user, session, new_client):
    make_user("intake.a")
    client = new_client()
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=_bearer("mdg_nope")).json["error"]
    raw = app.test_cli_runner().invoke(args=["tokens", "create", "intake.a"]).output.strip()
    token_id = session.scalar(select(ApiToken.id))
    app.test_cli_runner().invoke(args=["tokens", "revoke", str(token_id)])
    response = client.get("/api/v1/me", headers=_bearer(raw))
    assert response.status_code == 401 and "error" in response.json


def test_token_of_user_without_role_gets_403_json(app, make_user, new_client):
    make_user("ward.a", roles=["ward_clerk"])
    raw = app.test_cli_runner().invoke(args=["tokens", "create", "ward.a"]).output.strip()
    response = new_client().get("/api/v1/users", headers=_bearer(raw))
    assert response.status_code == 403 and response.json["error"]


def test_admin_creates_and_revokes_tokens_in_the_ui(client, make_user, session):
    make_user("admin.a", roles=["admin"])
    target = make_user("intake.b", roles=["ward_clerk"])
    login(client, "admin.a")
    page = client.post("/admin/tokens", data={"user_id": target.id, "name": "portal"}
                       ).get_data(as_text=True)
    token = session.scalar(select(ApiToken))
    assert token.hint in page and "二度と表示されません" in page
    assert client.post(f"/admin/tokens/{token.id}/revoke").status_code == 302
    session.refresh(token)
    assert token.revoked_at is not None


def test_session_cookie_does_not_authenticate_the_api(client, make_user):
    make_user("admin.a", roles=["admin"])
    login(client, "admin.a")
    assert client.get("/api/v1/users").status_code == 401


def _token_for(app, username):
    return app.test_cli_runner().invoke(args=["tokens", "create", username]).output.strip()


def test_revoked_token_and_deactivated_user_are_refused_at_once(app, make_user, session,
                                                                new_client):
    from webapp import accounts

    user = make_user("intake.a", roles=["integration"])
    other = make_user("intake.b", roles=["integration"])
    raw, raw_other = _token_for(app, "intake.a"), _token_for(app, "intake.b")
    client = new_client()
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    token = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    accounts.revoke_token(None, token)
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(raw_other)).status_code == 200
    accounts.deactivate_user(other, other)
    session.commit()
    assert client.get("/api/v1/me", headers=_bearer(raw_other)).status_code == 401


def test_role_changes_apply_to_the_next_request(app, make_user, session, new_client):
    user = make_user("ward.a", roles=["ward_clerk"])
    raw = _token_for(app, "ward.a")
    client = new_client()
    assert client.get("/api/v1/users", headers=_bearer(raw)).status_code == 403
    user.roles = ["ward_clerk", "admin"]
    session.commit()
    response = client.get("/api/v1/me", headers=_bearer(raw))
    assert response.json["roles"] == ["admin", "ward_clerk"]
    assert client.get("/api/v1/users", headers=_bearer(raw)).status_code == 200


def test_last_used_at_is_written_at_most_once_a_minute(app, make_user, session, new_client):
    from datetime import timedelta

    make_user("intake.a", roles=["integration"])
    raw = _token_for(app, "intake.a")
    client = new_client()
    assert session.scalar(select(ApiToken.last_used_at)) is None
    client.get("/api/v1/me", headers=_bearer(raw))
    first = session.scalar(select(ApiToken.last_used_at))
    assert first is not None
    client.get("/api/v1/me", headers=_bearer(raw))
    assert session.scalar(select(ApiToken.last_used_at)) == first
    token = session.scalar(select(ApiToken))
    token.last_used_at = first - timedelta(minutes=2)
    session.commit()
    client.get("/api/v1/me", headers=_bearer(raw))
    session.expire_all()
    assert session.scalar(select(ApiToken.last_used_at)) > first - timedelta(minutes=1)
