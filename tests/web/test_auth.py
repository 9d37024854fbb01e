"""Sign-in, lockout, CSRF, redirects, sessions and security headers, on both databases."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models.audit import AuditEvent
from models.base import utcnow
from tests.conftest import login

WRONG = "ユーザーIDまたはパスワードが正しくありません。"


def actions(session):
    return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_lands_on_home_and_is_audited(client, make_user, session):
    make_user("ward.a", roles=["ward_clerk"], departments=["HOKEN"], display_name="保険 太郎")
    response = login(client, "ward.a")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "保険 太郎" in page and "保険年金課" in page
    assert "login" in actions(session)


def test_wrong_password_and_unknown_user_get_the_same_message(client, make_user, session):
    make_user("ward.a")
    wrong = login(client, "ward.a", "nope-nope").get_data(as_text=True)
    unknown = login(client, "nobody", "nope-nope").get_data(as_text=True)
    assert WRONG in wrong and WRONG in unknown
    assert actions(session).count("login_failed") == 2


def test_five_failures_lock_the_account_for_fifteen_minutes(client, make_user, session):
    user = make_user("ward.a")
    for _ in range(5):
        login(client, "ward.a", "bad-password")
    page = login(client, "ward.a").get_data(as_text=True)  # right password, still locked
    assert "15分" in page
    assert client.get("/").status_code == 302
    assert "lockout" in actions(session) and "login_refused_locked" in actions(session)
    session.refresh(user)
    user.locked_until = utcnow() - timedelta(seconds=1)  # the 15 minutes have passed
    session.commit()
    assert login(client, "ward.a").headers["Location"] == "/"


def test_pages_need_a_session_and_keep_the_target(client):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil",
                                    "javascript:alert(1)"])
def test_only_local_next_targets_are_honoured(client, make_user, target):
    make_user("ward.a")
    response = client.post(f"/login?next={target}",
                           data={"username": "ward.a", "password": "correct-horse"})
    assert response.headers["Location"] == "/"


def test_local_next_target_is_honoured(client, make_user):
    make_user("admin.a", roles=["admin"])
    response = client.post("/login?next=/admin/users",
                           data={"username": "admin.a", "password": "correct-horse"})
    assert response.headers["Location"] == "/admin/users"


def test_sign_out_ends_the_session(client, make_user, session):
    make_user("ward.a")
    login(client, "ward.a")
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302
    assert "logout" in actions(session)


def _replay(new_client, cookie: str):
    """A browser that never signed in, presenting a copy of an old session cookie."""
    replayed = new_client()
    replayed.set_cookie("session", cookie)
    return replayed


def test_a_copy_of_the_cookie_opens_nothing_after_sign_out(make_user, new_client, session):
    """Sign-out ends that session on the server, not only in the browser that signed out;
    the same person's session on another device goes on."""
    make_user("ward.a")
    desk, laptop = new_client(), new_client()
    login(desk, "ward.a")
    login(laptop, "ward.a")
    copied = desk.get_cookie("session").value
    assert _replay(new_client, copied).get("/queues/mine").status_code == 200
    assert desk.post("/logout").status_code == 302
    replayed = _replay(new_client, copied).get("/queues/mine")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    assert laptop.get("/queues/mine").status_code == 200
    login(desk, "ward.a")  # signing in again is a new session; the old copy stays dead
    assert _replay(new_client, copied).get("/queues/mine").status_code == 302


def test_deactivation_ends_every_session(make_user, new_client, session):
    from webapp import accounts
    from webapp.extensions import db

    user = make_user("ward.a")
    desk = new_client()
    login(desk, "ward.a")
    accounts.deactivate_user(None, user)
    db.session.commit()
    assert desk.get("/queues/mine").status_code == 302


def test_password_change_signs_out_other_sessions(app, make_user, new_client):
    make_user("ward.a")
    first, second = new_client(), new_client()
    login(first, "ward.a")
    login(second, "ward.a")
    response = first.post("/account/password", data={
        "current_password": "correct-horse", "new_password": "new-password-1",
        "confirm": "new-password-1"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200  # this session was re-issued
    assert second.get("/").status_code == 302  # the other one is gone
    assert login(new_client(), "ward.a", "new-password-1").headers["Location"] == "/"


def test_password_change_validates_in_japanese(client, make_user):
    make_user("ward.a")
    login(client, "ward.a")
    page = client.post("/account/password", data={
        "current_password": "wrong-one", "new_password": "short", "confirm": "other"}
    ).get_data(as_text=True)
    assert "8文字以上" in page and "一致しません" in page


def test_login_form_field_messages_are_japanese(client):
    page = client.post("/login", data={"username": "", "password": ""}).get_data(as_text=True)
    assert "ユーザーIDを入力してください。" in page
    assert "パスワードを入力してください。" in page


def test_security_headers_and_cookie_flags(client, make_user):
    make_user("ward.a")
    response = login(client, "ward.a")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app, make_user, new_client):
    make_user("ward.a")
    client = new_client()
    response = client.post("/login", base_url="https://localhost",
                           data={"username": "ward.a", "password": "correct-horse"})
    assert "Secure" in response.headers["Set-Cookie"]


def test_session_is_fresh_after_sign_in(client, make_user):
    make_user("ward.a")
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    login(client, "ward.a")
    with client.session_transaction() as sess:
        assert "planted" not in sess


def test_english_user_sees_english(client, make_user):
    make_user("ward.en", locale="en")
    login(client, "ward.en")
    page = client.get("/").get_data(as_text=True)
    assert "Sign out" in page and "ログアウト" not in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_post_without_csrf_token_is_rejected(client, make_user):
    make_user("ward.a")
    response = client.post("/login", data={"username": "ward.a", "password": "correct-horse"})
    assert response.status_code == 400
    assert "セキュリティ" in response.get_data(as_text=True)
