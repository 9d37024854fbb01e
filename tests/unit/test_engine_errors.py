"""Failing steps raise StepError with the element id; the Run must then be reloaded."""

from __future__ import annotations

import json
import pickle
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflows import engine
from workflows.errors import (
    BundleError,
    RunUnusableError,
    StateError,
    StepError,
    TaskNotReadyError,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def variant(name: str, old: str, new: str, extra: str | None = None) -> engine.ProcessBundle:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert old in text
    files = {name: text.replace(old, new).encode()}
    if extra:
        files[extra] = (FIXTURES / extra).read_bytes()
    return engine.parse_bundle(files)


def test_no_matching_condition_names_the_gateway() -> None:
    b = variant("correction_loop.bpmn", "x", "x")
    run = engine.start(b, {}, now=NOW)
    saved = run.dump()
    task = run.ready_user_tasks()[0]
    with pytest.raises(StepError) as caught:
        run.complete(task.task_id, {"decision": "maybe"})
    assert caught.value.element_id == "gw_review"
    assert "gw_review" in caught.value.message
    assert "Traceback" in caught.value.trace
    for action in (lambda: run.complete(task.task_id, {"decision": "accept"}), run.dump,
                   run.ready_user_tasks, lambda: run.fire_timers(NOW), lambda: run.data):
        with pytest.raises(RunUnusableError):
            action()
    again = engine.restore(b, saved, now=NOW)  # the saved state is intact
    again.complete(again.ready_user_tasks()[0].task_id, {"decision": "accept"})
    assert again.end_event_id() == "end_accepted"


def test_condition_that_raises_names_the_gateway() -> None:
    b = variant("correction_loop.bpmn", "decision == 'accept'", "decision.startswith('a') / 0")
    run = engine.start(b, {}, now=NOW)
    with pytest.raises(StepError) as caught:
        run.complete(run.ready_user_tasks()[0].task_id, {"decision": "accept"})
    assert caught.value.element_id == "gw_review"
    assert "ZeroDivisionError" in caught.value.message


def test_sandbox_refusal_in_a_condition_is_a_step_error() -> None:
    b = variant("correction_loop.bpmn", "decision == 'accept'", "decision.format_map({})")
    run = engine.start(b, {}, now=NOW)
    with pytest.raises(StepError, match="format_map") as caught:
        run.complete(run.ready_user_tasks()[0].task_id, {"decision": "accept"})
    assert caught.value.element_id == "gw_review"


def test_failing_script_names_the_script_task() -> None:
    b = variant("forwarding.bpmn", "add_business_days(today(), 5)",
                "add_business_days(received_on, 5)")
    run = engine.start(b, {}, now=NOW)
    run.complete(run.ready_user_tasks()[0].task_id, {})
    with pytest.raises(StepError, match="received_on") as caught:
        run.complete(run.ready_user_tasks()[0].task_id, {"serial_no": 1})
    assert caught.value.element_id == "set_ack_due"


def test_failing_timer_expression_names_the_timer() -> None:
    b = variant("correction_loop.bpmn", ">P14D<", ">'P' + missing_days<")
    run = engine.start(b, {}, now=NOW)
    with pytest.raises(StepError) as caught:
        run.complete(run.ready_user_tasks()[0].task_id, {"decision": "return"})
    assert caught.value.element_id == "timer_no_reply"


def test_failing_decision_table_names_the_business_rule_task() -> None:
    with pytest.raises(BundleError):
        engine.parse_bundle({"fee_rules.dmn": b"<nope/>"})
    b = engine.parse_bundle({
        "fee_decision.bpmn": (FIXTURES / "fee_decision.bpmn").read_bytes(),
        "fee_rules.dmn": (FIXTURES / "fee_rules.dmn").read_text(encoding="utf-8").replace(
            "<text>amount_yen</text>", "<text>amount_yen.bit_length()</text>").encode(),
    })
    run = engine.start(b, {}, now=NOW)
    with pytest.raises(StepError) as caught:
        run.complete(run.ready_user_tasks()[0].task_id,
                     {"applicant_type": "business", "amount": 1})
    assert caught.value.element_id == "decide_fee"


def test_unknown_or_finished_task_ids_leave_the_run_usable() -> None:
    b = variant("correction_loop.bpmn", "x", "x")
    run = engine.start(b, {}, now=NOW)
    with pytest.raises(TaskNotReadyError):
        run.complete("not-a-uuid", {})
    with pytest.raises(TaskNotReadyError):
        run.complete("00000000-0000-0000-0000-000000000000", {})
    finished = [t for t in run._wf.get_tasks() if t.task_spec.name == "init_case"][0]
    with pytest.raises(TaskNotReadyError):
        run.complete(str(finished.id), {})
    run.complete(run.ready_user_tasks()[0].task_id, {"decision": "accept"})
    assert run.is_completed


def test_state_of_another_process_is_refused() -> None:
    loop = variant("correction_loop.bpmn", "x", "x")
    other = engine.parse_bundle({"f.bpmn": (FIXTURES / "forwarding.bpmn").read_bytes()})
    state = engine.start(loop, {}, now=NOW).dump()
    with pytest.raises(StateError):
        engine.restore(other, state, now=NOW)
    with pytest.raises(StateError):
        engine.restore(loop, {**state, "workflow": {"typename": "BpmnWorkflow"}}, now=NOW)


def test_step_error_survives_pickling_and_json() -> None:
    error = StepError("gw_review", "Step gw_review failed", "trace")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.element_id, copy.message, copy.trace) == ("gw_review", error.message, "trace")
    json.dumps({"element": copy.element_id, "message": str(copy)})
