"""Cases through the operations layer: every path of the correction loop, errors, retry."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.timer import Timer
from tests.integration.runtime_support import T0, case_actions, deploy, open_item
from workflows import cases, supervision, timers
from workflows.failures import Conflict, Forbidden, InvalidInput


@pytest.fixture
def people(make_user):
    return {
        "clerk": make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"]),
        "other": make_user("ward.k", roles=["ward_clerk"], departments=["KOUREI"]),
        "branch": make_user("branch.d", roles=["branch_clerk"], office="DAISHI"),
        "sup": make_user("sup", roles=["supervisor"], departments=["HOKEN", "KOUREI"]),
    }


@pytest.fixture
def start(session, org, people):
    deploy("correction_loop.bpmn", "divide.bpmn")

    def starter(process_id="correction_loop", data=None, now=T0):
        outcome = cases.start_case(process_id, data or {}, actor=people["clerk"],
                                   department=org["departments"]["HOKEN"],
                                   office=org["offices"]["KAWASAKI"], subject_name="川崎 太郎",
                                   now=now)
        session.commit()
        return outcome.case

    return starter


def complete(session, item, actor, data, **kw):
    outcome = cases.complete_task(item, data, actor=actor, now=kw.pop("now", T0), **kw)
    session.commit()
    return outcome


def test_start_numbers_the_case_and_routes_the_first_task(start, org):
    case = start()
    assert case.number == "R8-000001" and case.fiscal_year == 2026
    assert case.status == "active" and case.process_version.version == 1
    item = open_item(case, "review")
    assert item.role == "ward_clerk" and item.name == "審査"
    assert item.office_id == org["offices"]["KAWASAKI"].id
    assert item.department_id == org["departments"]["HOKEN"].id
    assert start().number == "R8-000002"
    assert case_actions(case) == ["case_started"]


def test_case_numbers_restart_with_the_fiscal_year(start):
    march = start(now=T0.replace(month=3, day=31))
    april = start(now=T0.replace(month=4, day=1))
    assert march.number == "R7-000001" and april.number == "R8-000001"


def test_accept_path_completes_and_audits_the_change(start, session, people):
    case = start()
    complete(session, open_item(case), people["clerk"], {"decision": "accept"})
    assert case.status == "completed" and case.completed_at is not None
    assert case.data["decision"] == "accept"
    assert case_actions(case) == ["case_started", "task_completed", "case_completed"]


def test_return_and_correct_goes_round_the_loop(start, session, people):
    case = start()
    complete(session, open_item(case), people["clerk"], {"decision": "return", "reason": "印鑑"})
    correction = open_item(case, "await_correction")
    assert session.scalar(select(func.count()).select_from(Timer)
                          .where(Timer.case_id == case.id)) == 1
    complete(session, correction, people["clerk"], {"resubmitted_on": "2026-06-03"})
    review = open_item(case, "review")
    assert case.data["return_count"] == 1 and case.rounds >= 1
    complete(session, review, people["clerk"], {"decision": "accept"})
    assert case.status == "completed"


def test_unanswered_return_times_out_to_the_supervisor(start, session, people):
    case = start()
    complete(session, open_item(case), people["clerk"], {"decision": "return", "reason": "x"})
    assert timers.run_due(T0 + timedelta(days=13))["cases"] == 0
    assert open_item(case).bpmn_id == "await_correction"
    counts = timers.run_due(T0 + timedelta(days=14, minutes=1))
    assert counts == {"cases": 1, "timers": 1, "conflicts": 0}
    session.expire_all()
    closing = open_item(case, "close_case")
    assert closing.role == "supervisor"
    assert "timer_fired" in case_actions(case)
    complete(session, closing, people["sup"], {"closing_note": "応答なし"})
    assert case.status == "completed"


def test_role_office_and_department_are_enforced(start, session, people):
    case = start()
    item = open_item(case)
    for who in ("branch", "other", "sup"):
        with pytest.raises(Forbidden):
            cases.complete_task(item, {"decision": "accept"}, actor=people[who], now=T0)
        session.rollback()
    assert case.status == "active"


def test_claimed_item_belongs_to_its_assignee(start, session, people, make_user):
    from workflows import tasks

    colleague = make_user("ward.h2", roles=["ward_clerk"], departments=["HOKEN"])
    case = start()
    item = open_item(case)
    tasks.claim_task(item, people["clerk"])
    session.commit()
    with pytest.raises(Conflict):
        tasks.claim_task(item, colleague)
    session.rollback()
    with pytest.raises(Conflict):
        cases.complete_task(item, {"decision": "accept"}, actor=colleague, now=T0)
    session.rollback()
    tasks.unclaim_task(item, people["clerk"])
    tasks.reassign_task(item, people["sup"], colleague)
    session.commit()
    complete(session, item, colleague, {"decision": "accept"})
    assert case.status == "completed"
    assert {"task_claimed", "task_unclaimed", "task_reassigned"} <= set(case_actions(case))


def test_reassign_checks_the_new_assignee(start, session, people):
    from workflows import tasks

    item = open_item(start())
    with pytest.raises(Forbidden):
        tasks.reassign_task(item, people["sup"], people["branch"])
    with pytest.raises(Forbidden):
        tasks.reassign_task(item, people["clerk"], people["clerk"])


def test_completing_twice_or_with_a_stale_version_conflicts(start, session, people):
    case = start()
    item = open_item(case)
    with pytest.raises(Conflict):
        cases.complete_task(item, {"decision": "accept"}, actor=people["clerk"],
                            expected_version=case.version + 5, now=T0)
    session.rollback()
    complete(session, item, people["clerk"], {"decision": "return", "reason": "x"},
             expected_version=case.version)
    version = case.version
    with pytest.raises(Conflict):
        cases.complete_task(item, {"decision": "accept"}, actor=people["clerk"], now=T0)
    session.rollback()
    assert case.version == version and open_item(case).bpmn_id == "await_correction"


def test_bad_task_input_gives_field_messages_and_changes_nothing(start, session, people):
    case = start()
    item = open_item(case)
    with pytest.raises(InvalidInput) as caught:
        cases.complete_task(item, {"decision": "maybe", "reason": "x" * 201},
                            actor=people["clerk"], now=T0)
    session.rollback()
    assert set(caught.value.errors) == {"decision", "reason"}
    assert item.status == "open" and case_actions(case) == ["case_started"]


def test_failing_script_puts_case_in_error_and_retry_after_fix(start, session, people):
    case = start("divide")
    state_before = dict(case.state)
    outcome = complete(session, open_item(case), people["clerk"], {"parts": 0})
    assert outcome.error and case.status == "error"
    assert case.error["element_id"] == "compute_share" and case.error["trace"]
    assert case.state == state_before  # the step was not applied
    with pytest.raises(Conflict):  # nobody works on a case in error until it is retried
        cases.complete_task(open_item(case), {"parts": 1}, actor=people["clerk"], now=T0)
    session.rollback()
    again = supervision.retry_case(case, people["sup"], now=T0)
    session.commit()
    assert again.error and case.status == "error"
    supervision.edit_case_data(case, people["sup"], {"parts": 4}, now=T0)
    supervision.retry_case(case, people["sup"], now=T0)
    session.commit()
    assert case.status == "active" and case.data["share"] == 250
    assert open_item(case).bpmn_id == "confirm_share"
    actions = case_actions(case)
    assert actions.count("case_error") == 2 and "case_data_edited" in actions
    assert actions.count("case_retried") == 2


def test_cancel_needs_a_reason_and_ends_everything(start, session, people):
    case = start()
    complete(session, open_item(case), people["clerk"], {"decision": "return", "reason": "x"})
    with pytest.raises(InvalidInput):
        supervision.cancel_case(case, people["sup"], " ")
    with pytest.raises(Forbidden):
        supervision.cancel_case(case, people["clerk"], "重複申請")
    supervision.cancel_case(case, people["sup"], "重複申請")
    session.commit()
    assert case.status == "cancelled" and case.cancel_reason == "重複申請"
    assert session.scalar(select(func.count()).select_from(Timer)) == 0
    with pytest.raises(Conflict):
        supervision.cancel_case(case, people["sup"], "again")


def test_running_cases_keep_their_version(start, session, people):
    from tests.integration.runtime_support import FIXTURES
    from workflows import registry

    old = start()
    changed = (FIXTURES / "correction_loop.bpmn").read_bytes().replace(
        "審査と差し戻し".encode(), "審査と差し戻し（改）".encode())
    [deployed] = registry.deploy({"correction_loop.bpmn": changed}, None)
    session.commit()
    assert deployed.version == 2 and deployed.created
    new = start()
    assert old.process_version.version == 1 and new.process_version.version == 2
    complete(session, open_item(old), people["clerk"], {"decision": "accept"})
    assert old.status == "completed" and old.process_version.version == 1


def test_crash_between_engine_step_and_commit_leaves_case_as_before(start, session, people,
                                                                    monkeypatch):
    from workflows import state

    case = start()
    item = open_item(case)
    before = (dict(case.state), case.version, item.status, len(case_actions(case)))

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    monkeypatch.setattr(state, "_sync_timers", crash)
    with pytest.raises(RuntimeError):
        cases.complete_task(item, {"decision": "return", "reason": "x"}, actor=people["clerk"],
                            now=T0)
    session.rollback()
    session.expire_all()
    assert (case.state, case.version, item.status, len(case_actions(case))) == before
