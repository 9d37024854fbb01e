"""Admins set how a procedure is handled by post; new envelopes follow the saved terms."""

from sqlalchemy import select

from models.audit import AuditEvent
from models.postal import PostalTerms
from models.procedure import Procedure
from tests.conftest import login
from tests.support import postal as support
from tests.support.postal import register

# Shared fixtures, found by pytest under these names.
postal = support.postal

GOOD = {"enclosures": "申出書\n本人確認書類の写し\n申出書\n", "fee": "0", "fee_note": "",
        "deadline_rule": "postmark", "deadline_days": "", "deadline_basis": "",
        "reminder_days": "7", "withdraw_days": "21", "send_to": "〒210-8570 川崎区東田町8"}


def _admin(new_client):
    client = new_client()
    assert login(client, "admin").status_code == 302
    return client


def _procedure(session, code: str) -> Procedure:
    return session.scalar(select(Procedure).where(Procedure.code == code))


def test_admin_changes_the_terms_and_new_cases_use_them(postal, new_client, session):
    admin = _admin(new_client)
    procedure = _procedure(session, "POST_NENKIN_MENJO")
    page = admin.get(f"/postal/admin/procedures/{procedure.id}")
    assert page.status_code == 200 and "郵送の設定" in page.text
    done = admin.post(f"/postal/admin/procedures/{procedure.id}", data=GOOD)
    assert done.status_code == 302
    session.expire_all()
    terms = session.get(PostalTerms, procedure.id)
    assert terms.enclosures == ["申出書", "本人確認書類の写し"]  # one per line, no repeats
    assert (terms.reminder_days, terms.withdraw_days, terms.deadline_rule) == (7, 21, "postmark")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "postal_terms_updated"))
    assert event.details["before"]["reminder_days"] == 14
    assert event.details["after"]["reminder_days"] == 7 and "withdraw_days" in \
        event.details["changed"]
    case = register(postal).outcome.case
    assert case.data["reminder_days"] == 7 and case.data["withdraw_days"] == 21


def test_bad_terms_get_messages_and_change_nothing(postal, new_client, session):
    admin = _admin(new_client)
    procedure = _procedure(session, "POST_NENKIN_MENJO")
    before = dict(vars(session.get(PostalTerms, procedure.id)))
    page = admin.post(f"/postal/admin/procedures/{procedure.id}", data={
        **GOOD, "fee": "-1", "reminder_days": "30", "withdraw_days": "10",
        "deadline_days": "14"})
    assert page.status_code == 200
    assert "0から100000までの数値を入力してください" in page.text
    assert "督促状までの日数より大きい日数を入力してください" in page.text
    assert "期限を何から数えるかを入力してください" in page.text
    free = admin.post(f"/postal/admin/procedures/{procedure.id}", data={
        **GOOD, "money_order_accepted": "y"})
    assert "定額小為替は手数料のある手続でのみ受け付けられます" in free.text
    session.expire_all()
    after = vars(session.get(PostalTerms, procedure.id))
    assert all(after[k] == before[k] for k in ("fee", "reminder_days", "withdraw_days"))


def test_a_procedure_becomes_postal_when_terms_are_saved(postal, new_client, session):
    admin = _admin(new_client)
    online = _procedure(session, "POST_NENKIN_MENJO")  # any procedure row will do for the id
    other = Procedure(code="TEST_ONLINE", name="オンラインだけの手続", audience="individual",
                      form_key=online.form_key, process_id="online_application",
                      channels=["online"], department=online.department)
    session.add(other)
    session.commit()
    listing = admin.get("/admin/procedures").text
    assert f"/postal/admin/procedures/{other.id}" in listing and "郵送で受け付ける" in listing
    admin.post(f"/postal/admin/procedures/{other.id}", data=GOOD)
    session.expire_all()
    assert session.get(Procedure, other.id).channels == ["online", "postal"]
    assert "TEST_ONLINE" in _admin(new_client).get("/postal/envelopes/new").text


def test_only_admins_edit_terms(postal, new_client, session):
    clerk = new_client()
    login(clerk, "ward.kumin")
    procedure = _procedure(session, "POST_NENKIN_MENJO")
    assert clerk.post(f"/postal/admin/procedures/{procedure.id}", data=GOOD).status_code == 403
    assert _admin(new_client).get("/postal/admin/procedures/999999").status_code == 404
