"""Applicants who forgot their password set a new one by e-mail link; signed-in ones change it."""

from sqlalchemy import select

from models.audit import AuditEvent
from tests.support import applications as support
from tests.support.applications import PASSWORD, link_in, outbox, portal_login

# Shared fixtures, found by pytest under these names.
app_config, world = support.app_config, support.world

NEW_PASSWORD = "atarashii-pass-2026"


def _actions(session, applicant) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "applicant", AuditEvent.object_id == str(applicant.id))
        .order_by(AuditEvent.id)))


def _reset_link(client, email: str) -> str:
    page = client.post("/portal/password/forgot", data={"email": email}, follow_redirects=True)
    assert "パスワード再設定用のリンクをお送りしました" in page.get_data(as_text=True)
    return link_in(outbox("password_reset", to=email.lower())[-1].body)


def test_a_reset_link_sets_a_new_password_once(client, new_client, world, session):
    other = new_client()
    portal_login(other, "a@example.jp")
    link = _reset_link(client, "A@example.jp")
    assert "新しいパスワードの設定" in client.get(link).get_data(as_text=True)
    mismatch = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": "x" * 12})
    assert "パスワードが一致しません" in mismatch.get_data(as_text=True)
    done = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/portal/login"
    # The old password no longer works, the new one does, and the link is used up.
    assert portal_login(client, "a@example.jp").status_code == 200
    assert portal_login(client, "a@example.jp", NEW_PASSWORD).status_code == 302
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "使用済み" in again
    # Sessions that were signed in before the reset are signed out.
    assert other.get("/portal/mypage").headers["Location"].startswith("/portal/login")
    [changed] = outbox("password_changed", to="a@example.jp")
    assert changed.subject == "パスワード変更のお知らせ"
    assert "applicant_password_reset" in _actions(session, world["a"])


def test_asking_for_a_link_does_not_reveal_whether_an_account_exists(client, world):
    known = client.post("/portal/password/forgot", data={"email": "a@example.jp"})
    unknown = client.post("/portal/password/forgot", data={"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert outbox("password_reset", to="nobody@example.jp") == []
    # Asking again at once sends no second mail (no mail bombing).
    client.post("/portal/password/forgot", data={"email": "a@example.jp"})
    assert len(outbox("password_reset", to="a@example.jp")) == 1


def test_a_tampered_or_foreign_link_changes_nothing(client, world, session):
    link = _reset_link(client, "a@example.jp")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    page = client.post(tampered, data={"password": NEW_PASSWORD,
                                       "password_confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "このリンクは無効" in page.get_data(as_text=True)
    assert portal_login(client, "a@example.jp").status_code == 302  # old password still works


def test_a_reset_clears_a_lockout(client, world):
    for _ in range(5):
        portal_login(client, "a@example.jp", "wrong-password")
    link = _reset_link(client, "a@example.jp")
    client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert portal_login(client, "a@example.jp", NEW_PASSWORD).status_code == 302


def test_change_password_on_my_page(client, new_client, world, session):
    other = new_client()
    portal_login(other, "a@example.jp")
    portal_login(client, "a@example.jp")
    assert "パスワードの変更" in client.get("/portal/mypage").get_data(as_text=True)
    wrong = client.post("/portal/mypage/password", data={
        "current_password": "not-it-at-all", "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD})
    assert "現在のパスワードが正しくありません" in wrong.get_data(as_text=True)
    short = client.post("/portal/mypage/password", data={
        "current_password": PASSWORD, "password": "short", "password_confirm": "short"})
    assert "文字以上" in short.get_data(as_text=True)
    assert portal_login(new_client(), "a@example.jp").status_code == 302  # still unchanged
    done = client.post("/portal/mypage/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.headers["Location"] == "/portal/mypage"
    assert client.get("/portal/mypage").status_code == 200  # this session stays signed in
    assert other.get("/portal/mypage").status_code == 302  # the other one is signed out
    assert portal_login(new_client(), "a@example.jp", NEW_PASSWORD).status_code == 302
    actions = _actions(session, world["a"])
    assert "applicant_password_change_refused" in actions
    assert "applicant_password_changed" in actions


def test_my_page_password_form_needs_a_signed_in_applicant(client, world):
    response = client.get("/portal/mypage/password")
    assert response.headers["Location"].startswith("/portal/login")
