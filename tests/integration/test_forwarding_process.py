"""Every path of the branch_forwarding BPMN process, driven through the forwarding operations."""

from datetime import UTC, datetime, timedelta

import pytest

from models.receipt import ReceiptLine
from tests.support import forwarding as support
from tests.support.forwarding import T0, dispatch, issue, item, open_tasks
from workflows import cases, timers
from workflows.failures import Forbidden, InvalidInput
from workflows.forwarding import acknowledge, bags, cancel
from workflows.permissions import can_view_case, check_can_claim, matches_item

# Shared fixtures, found by pytest under these names.
fw = support.fw


def _receive(fw, session, bag, present=None, who="hoken", now=T0 + timedelta(hours=5), **kw):
    numbers = [i.number for i in bag.items] if present is None else present
    bags.receive_bag(fw["people"][who], bag, numbers, now=now, **kw)
    session.commit()


def _return(fw, session, receipt, who="hoken", now=T0 + timedelta(hours=6)):
    acknowledge.return_receipts(fw["people"][who], [receipt], now=now)
    session.commit()


def _file(fw, session, receipt, now=T0 + timedelta(days=1)):
    acknowledge.file_receipts(fw["people"]["daishi"], [receipt], now=now)
    session.commit()


def test_happy_path_moves_every_line_through_the_ledger(fw, session):
    [receipt] = issue(fw, ("HK", 2), ("IR", 1)).receipts
    case = receipt.case
    assert case.process_id == "branch_forwarding" and case.office.code == "DAISHI"
    assert case.department.code == "HOKEN" and case.subject_name == "川崎 太郎"
    assert open_tasks(case) == ["dispatch"]
    assert item(case, "dispatch").office_id == fw["offices"]["DAISHI"].id
    assert [line.status for line in receipt.lines] == ["held", "held"]
    # Dispatch by next business day's closing (Tue 2026-06-02 17:15 JST).
    assert receipt.lines[0].due_at == datetime(2026, 6, 2, 8, 15, tzinfo=UTC)

    bag = dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    assert open_tasks(case) == ["receive"]
    receive = item(case, "receive")
    assert receive.department_id == fw["departments"]["HOKEN"].id and receive.role == "ward_clerk"
    # Three business days after Monday's dispatch: Thursday 17:15 JST.
    assert receipt.lines[0].due_at == datetime(2026, 6, 4, 8, 15, tzinfo=UTC)
    assert {line.status for line in receipt.lines} == {"in_transit"}

    _receive(fw, session, bag)
    assert bag.status == "received" and open_tasks(case) == ["return_receipt"]
    assert receipt.received_at == T0 + timedelta(hours=5)
    assert case.data["received_count"] == 2 and case.data["missing_count"] == 0
    _return(fw, session, receipt)
    assert {line.status for line in receipt.lines} == {"returning"}
    assert open_tasks(case) == ["file_receipt"]
    _file(fw, session, receipt)
    assert {line.status for line in receipt.lines} == {"filed"}
    assert case.status == "completed" and case.state and open_tasks(case) == []
    line = receipt.lines[0]
    assert line.issued_at < line.dispatched_at < line.received_at < line.returned_at \
        < line.filed_at


def test_not_received_in_time_escalates_to_the_branch_supervisor(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    bag = dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    due = datetime(2026, 6, 4, 8, 15, tzinfo=UTC)
    assert timers.run_due(due - timedelta(minutes=1))["timers"] == 0
    assert timers.run_due(due)["timers"] == 1
    session.expire_all()
    case = receipt.case
    assert open_tasks(case) == ["escalate_not_received", "receive"]
    escalation = item(case, "escalate_not_received")
    assert escalation.role == "supervisor"
    # The branch that took the documents in chases them: the task is offered to its
    # supervisor; the department's supervisors and the other branch's cannot take it.
    assert escalation.office_id == fw["offices"]["DAISHI"].id
    assert escalation.department_id is None
    people = fw["people"]
    assert matches_item(people["sup_daishi"], escalation)
    assert can_view_case(people["sup_daishi"], case)
    check_can_claim(people["sup_daishi"], escalation)
    assert escalation.id not in _team_queue_ids(people["sup"])
    for who in ("sup", "sup_tajima", "daishi"):
        with pytest.raises(Forbidden):
            check_can_claim(people[who], escalation)
        with pytest.raises(Forbidden):
            cases.complete_task(escalation, {"note": "x"}, actor=people[who],
                                now=due + timedelta(hours=1))
    # The department can still receive the late bag; the supervisor records the follow-up.
    _receive(fw, session, bag, now=due + timedelta(hours=1))
    cases.complete_task(escalation, {"note": "庁内便の遅配。翌日到着を確認"},
                        actor=people["sup_daishi"], now=due + timedelta(hours=2))
    session.commit()
    assert escalation.status == "completed"
    assert escalation.completed_by_id == people["sup_daishi"].id
    _return(fw, session, receipt, now=due + timedelta(hours=3))
    _file(fw, session, receipt, now=due + timedelta(days=1))
    assert case.status == "completed"
    assert case.data["note"] == "庁内便の遅配。翌日到着を確認"


def _team_queue_ids(user) -> set[int]:
    """Ids of the open items in all of the user's team queues (the worklist's to-do lists)."""
    from webapp.extensions import db
    from workflows.worklist.filters import QueueFilter
    from workflows.worklist.queues import page_statement
    from workflows.worklist.teams import teams_of

    return {i for team in teams_of(user) for i in db.session.scalars(page_statement(
        user, "team", QueueFilter(), T0, team, 0, 1000))}


def test_receipt_not_returned_in_time_sends_the_department_a_reminder(fw, session):
    [receipt] = issue(fw, ("KN", 1)).receipts
    bag = dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    _receive(fw, session, bag, who="kourei")
    case = receipt.case
    # Received Monday 15:00 JST: return by Thursday 17:15 JST (3 business days).
    ack_due = datetime(2026, 6, 4, 8, 15, tzinfo=UTC)
    assert receipt.lines[0].due_at == ack_due
    assert timers.run_due(ack_due)["timers"] == 1
    session.expire_all()
    assert open_tasks(case) == ["remind_return"]
    reminder = item(case, "remind_return")
    assert reminder.role == "ward_clerk"
    assert reminder.department_id == fw["departments"]["KOUREI"].id
    from workflows.forwarding.ledger import late_days

    assert late_days(receipt.lines[0].due_at, "received", ack_due + timedelta(days=1)) == 1
    _return(fw, session, receipt, who="kourei", now=ack_due + timedelta(days=1))
    assert open_tasks(case) == ["file_receipt"]
    _file(fw, session, receipt, now=ack_due + timedelta(days=2))
    assert case.status == "completed"


def test_missing_document_found_after_a_search(fw, session):
    [receipt] = issue(fw, ("HK", 2), ("IR", 1)).receipts
    bag = dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    hk, ir = receipt.lines
    _receive(fw, session, bag, present=[hk.number])
    assert bag.status == "discrepancy" and bag.needs_check
    assert (hk.status, ir.status, ir.missing) == ("received", "in_transit", True)
    case = receipt.case
    assert open_tasks(case) == ["resolve_missing"]
    decision = item(case, "resolve_missing")
    # The department has the bag now: its supervisors search, not the branch's.
    assert decision.role == "supervisor"
    assert decision.department_id == fw["departments"]["HOKEN"].id
    assert decision.office_id == fw["departments"]["HOKEN"].office_id
    assert not matches_item(fw["people"]["sup_daishi"], decision)
    acknowledge.resolve_missing(fw["people"]["sup"], receipt, "found", "課内の別トレイにあった",
                                now=T0 + timedelta(days=1))
    session.commit()
    assert (ir.status, ir.missing) == ("received", False)
    assert open_tasks(case) == ["return_receipt"]
    _return(fw, session, receipt, now=T0 + timedelta(days=1, hours=1))
    _file(fw, session, receipt, now=T0 + timedelta(days=2))
    assert case.status == "completed"


def test_missing_document_never_found_is_cancelled_and_the_rest_goes_on(fw, session):
    [receipt] = issue(fw, ("HK", 2), ("IR", 1)).receipts
    bag = dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    hk, ir = receipt.lines
    _receive(fw, session, bag, present=[hk.number])
    acknowledge.resolve_missing(fw["people"]["sup"], receipt, "lost", "支所・課内とも見当たらず",
                                now=T0 + timedelta(days=1))
    session.commit()
    assert ir.status == "cancelled" and ir.missing and ir.cancel_reason.startswith("所在不明")
    assert ir.cancelled_by.username == "supervisor"
    assert open_tasks(receipt.case) == ["return_receipt"]


def test_whole_receipt_lost_ends_the_case(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    bag = dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    _receive(fw, session, bag, present=[])
    acknowledge.resolve_missing(fw["people"]["sup"], receipt, "lost", "袋ごと所在不明",
                                now=T0 + timedelta(days=1))
    session.commit()
    case = receipt.case
    assert case.status == "completed" and open_tasks(case) == []
    assert receipt.lines[0].status == "cancelled"


def test_cancelling_every_line_ends_the_case_but_keeps_the_numbers(fw, session):
    [receipt] = issue(fw, ("HK", 1), ("IR", 1)).receipts
    numbers = receipt.numbers
    cancel.cancel_lines(fw["people"]["daishi"], receipt, "本人が持ち帰り",
                        [receipt.lines[0].id], now=T0 + timedelta(minutes=5))
    session.commit()
    assert receipt.case.status == "active" and open_tasks(receipt.case) == ["dispatch"]
    bag = dispatch(fw, [receipt], now=T0 + timedelta(hours=1))
    assert [i.number for i in bag.items] == [numbers[1]]
    [other] = issue(fw, ("HK", 1), now=T0 + timedelta(hours=2)).receipts
    cancel.cancel_lines(fw["people"]["daishi2"], other, "記載誤り", now=T0 + timedelta(hours=3))
    session.commit()
    assert other.case.status == "cancelled" and open_tasks(other.case) == []
    assert other.lines[0].number.endswith("HK-00002")
    assert session.get(ReceiptLine, other.lines[0].id).cancel_reason == "記載誤り"


def test_department_limits_count_business_days_only(fw, session):
    from workflows.forwarding import catalogue

    catalogue.save_department_days(fw["people"]["admin"], fw["departments"]["HOKEN"],
                                   receive_days=2, ack_days=5)
    session.commit()
    # Friday 2026-07-17 10:00 JST; Monday 7/20 is 海の日: two business days → Wed 7/22.
    friday = datetime(2026, 7, 17, 1, 0, tzinfo=UTC)
    [receipt] = issue(fw, ("HK", 1), now=friday).receipts
    assert receipt.case.data["receive_days"] == 2
    dispatch(fw, [receipt], now=friday)
    assert receipt.lines[0].due_at == datetime(2026, 7, 22, 8, 15, tzinfo=UTC)


def test_forwarding_steps_cannot_be_completed_from_the_generic_task_page(fw, session):
    [receipt] = issue(fw, ("HK", 1)).receipts
    dispatch_item = item(receipt.case, "dispatch")
    with pytest.raises(InvalidInput) as exc:
        cases.complete_task(dispatch_item, {"bag_number": "X"}, actor=fw["people"]["daishi"],
                            now=T0)
    session.rollback()
    assert "書類回送" in exc.value.errors["bag_number"][0]
    assert open_tasks(receipt.case) == ["dispatch"]
