"""Bad input and wrong people: a clear Japanese message, and nothing changes."""

from datetime import timedelta

import pytest

from models.audit import AuditEvent
from models.bag import Bag
from models.case import Case
from models.counter import peek
from models.receipt import Receipt, ReceiptLine
from tests.support import forwarding as support
from tests.support.forwarding import T0, count, dispatch, issue
from workflows.failures import Conflict, Forbidden, InvalidInput
from workflows.forwarding import acknowledge, bags, cancel
from workflows.forwarding.eligibility import NotForwardable
from workflows.forwarding.issue import LineRequest, Resident, issue_receipts

# Shared fixtures, found by pytest under these names.
fw = support.fw

TABLES = (Receipt, ReceiptLine, Case, Bag, AuditEvent)


@pytest.fixture
def unchanged(fw, session):
    """Assert that the block changed no row and took no receipt number."""

    def snapshot():
        session.rollback()
        return [count(t) for t in TABLES], peek("receipt:DAISHI:HK:2026")

    before = snapshot()
    yield
    assert snapshot() == before


def _issue(fw, *lines, who="daishi", office="DAISHI", resident=None, **kw):
    return issue_receipts(fw["people"][who], fw["offices"][office],
                          resident or Resident("川崎 太郎", "", "044-123-4567"),
                          [LineRequest(*line) for line in lines], now=T0, **kw)


def _refused(exc) -> str:
    return " ".join(m for msgs in exc.value.errors.values() for m in msgs)


@pytest.mark.usefixtures("unchanged")
def test_unknown_type_zero_sheets_and_long_names_are_refused(fw):
    with pytest.raises(InvalidInput) as exc:
        _issue(fw, ("ZZ", 1), ("HK", 0), ("IR", -2))
    assert exc.value.errors["lines-0-document_type"] == ["書類の種類 ZZ は登録されていません。"]
    assert "枚数" in exc.value.errors["lines-1-sheets"][0]
    assert "lines-2-sheets" in exc.value.errors
    with pytest.raises(InvalidInput) as exc:
        _issue(fw, ("HK", 1), resident=Resident("長" * 61))
    assert exc.value.errors["resident_name"] == ["氏名は60文字以内で入力してください。"]
    with pytest.raises(InvalidInput):
        _issue(fw, ("HK", 1), resident=Resident("　 "))
    with pytest.raises(InvalidInput):
        _issue(fw)


@pytest.mark.usefixtures("unchanged")
def test_documents_the_rules_refuse_name_the_reason_and_the_department(fw):
    with pytest.raises(NotForwardable) as exc:
        _issue(fw, ("HK", 1), ("IS", 1), ("TS", 1), ("KN", 1, True))
    reasons = {r.index: (r.reason, r.department) for r in exc.value.refusals}
    assert reasons == {1: ("not_listed", "保険年金課"), 2: ("acceptance_date", "区民課"),
                       3: ("urgent", "高齢・障害課")}
    assert exc.value.errors["lines-2-document_type"] == [
        "申請受理日が重要な書類のため、回送できません。"]
    assert exc.value.message == "回送できない書類があるため、預かり書は発行していません。"
    with pytest.raises(NotForwardable) as exc:
        _issue(fw, ("HK", 1), submitter_type="business")
    assert exc.value.refusals[0].message == "事業所等の業者からの書類は回送できません。"


@pytest.mark.usefixtures("unchanged")
def test_a_document_past_its_deadline_is_refused(fw):
    # 児童扶養手当変更届: within 14 days of the change.
    with pytest.raises(NotForwardable) as exc:
        _issue(fw, ("JF", 1, False, (T0 - timedelta(days=15)).date()))
    assert exc.value.refusals[0].reason == "past_deadline"


def test_a_document_within_its_deadline_is_forwarded(fw):
    issued = _issue(fw, ("JF", 1, False, (T0 - timedelta(days=14)).date()))
    assert issued.receipts[0].department.code == "JIDOU"


def test_a_tajima_clerk_cannot_touch_a_daishi_receipt(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    tajima = fw["people"]["tajima"]
    with pytest.raises(Forbidden) as exc:
        cancel.cancel_lines(tajima, receipt, "x", now=T0)
    assert exc.value.message == "これは大師支所のものです。あなたの所属は田島支所です。"
    with pytest.raises(Forbidden):
        bags.dispatch_bag(tajima, fw["offices"]["TAJIMA"], [receipt], now=T0)
    with pytest.raises(Forbidden):
        _issue(fw, ("HK", 1), who="tajima", office="DAISHI")
    session.rollback()
    assert [line.status for line in receipt.lines] == ["held"]


def test_dispatching_twice_and_mixing_departments_are_refused(fw, session):
    receipts = issue(fw, ("HK", 1), ("KN", 1)).receipts
    with pytest.raises(InvalidInput) as exc:
        bags.dispatch_bag(fw["people"]["daishi"], fw["offices"]["DAISHI"], receipts, now=T0)
    assert "同じ担当課" in _refused(exc)
    session.rollback()
    dispatch(fw, receipts[:1])
    bags_before = count(Bag)
    with pytest.raises(Conflict) as exc:
        bags.dispatch_bag(fw["people"]["daishi"], fw["offices"]["DAISHI"], receipts[:1],
                          now=T0)
    assert "すでに回送済み" in exc.value.message
    session.rollback()
    assert count(Bag) == bags_before


def test_receiving_at_the_wrong_department_or_twice_is_refused(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    bag = dispatch(fw, [receipt])
    with pytest.raises(Forbidden) as exc:
        bags.receive_bag(fw["people"]["kourei"], bag, [receipt.numbers[0]], now=T0)
    assert exc.value.message == "これは保険年金課宛てです。あなたの担当課ではありません。"
    session.rollback()
    assert bag.status == "in_transit" and receipt.lines[0].status == "in_transit"
    with pytest.raises(InvalidInput):
        bags.receive_bag(fw["people"]["hoken"], bag, [], received_at=T0 + timedelta(days=1),
                         now=T0)
    session.rollback()
    bags.receive_bag(fw["people"]["hoken"], bag, receipt.numbers, now=T0)
    session.commit()
    with pytest.raises(Conflict, match="受領済み"):
        bags.receive_bag(fw["people"]["hoken"], bag, receipt.numbers, now=T0)
    session.rollback()


def test_acknowledging_a_filed_receipt_or_one_not_received_is_a_conflict(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    bag = dispatch(fw, [receipt])
    with pytest.raises(Conflict, match="まだ担当課で受領されていません"):
        acknowledge.return_receipts(fw["people"]["hoken"], [receipt], now=T0)
    session.rollback()
    bags.receive_bag(fw["people"]["hoken"], bag, receipt.numbers, now=T0)
    acknowledge.return_receipts(fw["people"]["hoken"], [receipt], now=T0)
    acknowledge.file_receipts(fw["people"]["daishi"], [receipt], now=T0)
    session.commit()
    with pytest.raises(Conflict, match="綴り込み済み"):
        acknowledge.return_receipts(fw["people"]["hoken"], [receipt], now=T0)
    session.rollback()
    with pytest.raises(Conflict, match="綴り込み済み"):
        acknowledge.file_receipts(fw["people"]["daishi"], [receipt], now=T0)
    session.rollback()
    with pytest.raises(Conflict, match="回送されている"):
        cancel.cancel_lines(fw["people"]["daishi"], receipt, "x", now=T0)
    session.rollback()


def test_only_the_departments_supervisor_decides_on_missing_documents(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    bag = dispatch(fw, [receipt])
    bags.receive_bag(fw["people"]["hoken"], bag, [], extra=["大師-R8-ZZ-00009"], now=T0)
    session.commit()
    assert [(i.number, i.listed, i.line_id) for i in bag.items][1] == \
        ("大師-R8-ZZ-00009", False, None)
    for who in ("sup_kourei", "hoken", "daishi"):
        with pytest.raises(Forbidden):
            acknowledge.resolve_missing(fw["people"][who], receipt, "found", "x", now=T0)
        session.rollback()
    with pytest.raises(InvalidInput):
        acknowledge.resolve_missing(fw["people"]["sup"], receipt, "maybe", "", now=T0)
    session.rollback()
    with pytest.raises(Forbidden):
        bags.resolve_bag(fw["people"]["hoken"], bag, "x", now=T0)
    session.rollback()
    bags.resolve_bag(fw["people"]["sup"], bag, "過剰分は田島支所の誤封入。返送済み", now=T0)
    session.commit()
    assert not bag.needs_check and bag.resolved_by.username == "supervisor"
