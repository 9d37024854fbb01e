"""Queue search by the name's reading (フリガナ): hiragana or katakana, full- or half-width,
with or without spaces, for cases started at the counter, forwarded from a branch office and
applied for online."""


from tests.conftest import login
from tests.support import applications, forwarding, staff_ui

# Shared fixtures, found by pytest under these names.
staff = staff_ui.staff
as_user = staff_ui.as_user
fw, world = forwarding.fw, applications.world


def _found(client, url: str, query: str) -> str:
    return client.get(url, query_string={"q": query}).get_data(as_text=True)


def test_team_queue_finds_a_case_by_its_reading(staff, as_user):
    taro = staff.case("川崎 太郎", kana="カワサキ タロウ")
    hanako = staff.case("大師 花子", kana="だいし はなこ")
    nameless = staff.case("田島 次郎")  # no reading given
    clerk = as_user("ward.h")
    for query in ("かわさき たろう", "ｶﾜｻｷﾀﾛｳ", "カワサキ　タロウ", "たろう", "川崎"):
        page = _found(clerk, "/queues/team", query)
        assert taro.number in page and hanako.number not in page, query
    for query in ("ダイシハナコ", "ﾊﾅｺ"):
        page = _found(clerk, "/queues/team", query)
        assert hanako.number in page and taro.number not in page, query
    assert nameless.number in _found(clerk, "/queues/team", "田島")
    assert "条件に合うタスクはありません" in _found(clerk, "/queues/team", "たじま")


def test_forwarded_case_is_found_by_the_residents_reading(staff, fw, as_user):
    [receipt] = forwarding.issue(fw, ("HK", 1), name="川﨑 はなこ",
                                 kana="カワサキ ハナコ").receipts
    number = receipt.case.number
    sup = as_user("supervisor")  # supervises every department: the branch steps included
    assert number in _found(sup, "/queues/all", "かわさきはなこ")
    assert number in _found(sup, "/queues/all", "ｶﾜｻｷ ﾊﾅｺ")
    assert number not in _found(sup, "/queues/all", "かわさきたろう")


def test_online_application_is_found_by_the_applicants_reading(world, session, new_client):
    from sqlalchemy import select

    from models.application import Application
    from models.procedure import Procedure
    from workflows.applications.submission import submit

    procedure = session.scalar(select(Procedure).where(Procedure.code == "JUMINHYO"))
    application = Application(procedure=procedure, applicant_name="川崎 太郎", channel="api",
                              fields={"family_name": "川崎", "given_name": "太郎",
                                      "name_kana": "カワサキ タロウ"})
    submit(application, actor=None, actor_name="test", now=forwarding.T0, findings=[])
    session.commit()
    sup = new_client()  # supervises 区民課 (KUMIN), where 住民票 applications go
    assert login(sup, "supervisor").status_code == 302
    assert application.case.number in _found(sup, "/queues/all", "ｶﾜｻｷﾀﾛｳ")
    assert application.case.number not in _found(sup, "/queues/all", "たじま")
