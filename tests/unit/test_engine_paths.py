"""Every path of every fixture, in memory and with save/restore at every step."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from workflows import engine

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # a Wednesday
Answer = dict[str, Any] | tuple[str, int] | Callable[[int], Any]


def bundle(*names: str) -> engine.ProcessBundle:
    return engine.parse_bundle({n: (FIXTURES / n).read_bytes() for n in names})


def drive(b: engine.ProcessBundle, start: dict[str, Any], answers: dict[str, Answer], *,
          restore_each_step: bool) -> tuple[engine.Run, list[str]]:
    """Answer ready tasks until the end; an answer ("wait", days) fires timers instead."""
    run = engine.start(b, start, now=NOW)
    trail: list[str] = []
    seen: dict[str, int] = {}
    for _step in range(50):
        if run.is_completed:
            return run, trail
        if restore_each_step:
            run = engine.restore(b, json.loads(json.dumps(run.dump())), now=NOW)
        ready = run.ready_user_tasks()
        key = ready[0].bpmn_id if ready else "(waiting)"
        seen[key] = seen.get(key, 0) + 1
        answer = answers[key]
        answer = answer(seen[key]) if callable(answer) else answer
        if isinstance(answer, tuple):
            fired = run.fire_timers(NOW + timedelta(days=answer[1]))
            trail.extend(f"timer:{t}" for t in fired)
            continue
        trail.append(key)
        run.complete(ready[0].task_id, answer)
    raise AssertionError(f"no end after 50 steps: {trail}")


FORWARDING_ANSWERS: dict[str, Answer] = {
    "take_documents": {"applicant": "川崎 花子"},
    "number_documents": {"serial_no": 12, "ledger_note": ""},
    "send_internal_mail": {"bag_no": "B-3"},
    "receive_documents": {"received_on": date(2026, 4, 2), "complete_set": True},
    "confirm_return": {"matched": True},
}
LOOP_ACCEPT = {"review": {"decision": "accept"}}
LOOP_TWICE = {
    "review": lambda n: {"decision": "return" if n <= 2 else "accept"},
    "await_correction": {"resubmitted_on": date(2026, 4, 3)},
}
LOOP_TIMEOUT: dict[str, Answer] = {
    "review": {"decision": "return"},
    "await_correction": lambda n: ("wait", 13) if n == 1 else ("wait", 14),
    "close_case": {"closing_note": "応答なし"},
}

FEE = ("fee_decision.bpmn", "fee_rules.dmn")
PATHS = [
    ("forwarding", ("forwarding.bpmn",), {}, FORWARDING_ANSWERS,
     ["take_documents", "number_documents", "send_internal_mail", "receive_documents",
      "confirm_return"], "end_forwarding"),
    ("loop-accept", ("correction_loop.bpmn",), {}, LOOP_ACCEPT, ["review"], "end_accepted"),
    ("loop-twice", ("correction_loop.bpmn",), {}, LOOP_TWICE,
     ["review", "await_correction"] * 2 + ["review"], "end_accepted"),
    ("loop-timeout", ("correction_loop.bpmn",), {}, LOOP_TIMEOUT,
     ["review", "timer:timer_no_reply", "close_case"], "end_closed"),
    ("fee-clerk", FEE, {}, {"enter_application": {"applicant_type": "individual", "amount": 50}},
     ["enter_application"], "end_auto"),
    ("fee-business", FEE, {},
     {"enter_application": {"applicant_type": "business", "amount": 5000},
      "approve": {"approved": True}}, ["enter_application", "approve"], "end_approved"),
    ("fee-large", FEE, {},
     {"enter_application": {"applicant_type": "individual", "amount": 200000},
      "approve": {"approved": True}}, ["enter_application", "approve"], "end_approved"),
    ("reminder", ("reminder_loop.bpmn",), {"max_reminders": 3},
     {"(waiting)": lambda n: ("wait", n), "escalate": {"action": "電話"}},
     ["timer:wait_one_day"] * 3 + ["escalate"], "end_escalated"),
]


@pytest.mark.parametrize(("name", "files", "start", "answers", "trail", "end"),
                         PATHS, ids=[p[0] for p in PATHS])
def test_every_path_runs_to_its_end_with_and_without_restores(
        name: str, files: tuple[str, ...], start: dict, answers: dict, trail: list[str],
        end: str) -> None:
    b = bundle(*files)
    in_memory, trail_a = drive(b, start, answers, restore_each_step=False)
    restored, trail_b = drive(b, start, answers, restore_each_step=True)
    assert trail_a == trail_b == trail
    assert in_memory.end_event_id() == restored.end_event_id() == end
    assert in_memory.data == restored.data
    assert in_memory.finished_elements() == restored.finished_elements()
    assert in_memory.active_elements() == restored.active_elements() == []
    assert end in in_memory.finished_elements()


def test_forwarding_script_uses_the_engine_clock_and_japanese_helpers() -> None:
    run, _ = drive(bundle("forwarding.bpmn"), {}, FORWARDING_ANSWERS, restore_each_step=False)
    assert run.data["ack_due"] == date(2026, 4, 8)  # 5 business days after 2026-04-01
    assert run.data["ack_due_text"] == "令和8年4月8日"
    assert run.data["fy"] == 2026
    assert run.data["serial_no"] == 12


def test_fee_decision_reads_the_dmn_table() -> None:
    b = bundle("fee_decision.bpmn", "fee_rules.dmn")
    run = engine.start(b, {}, now=NOW)
    run.complete(run.ready_user_tasks()[0].task_id, {"applicant_type": "business", "amount": 10})
    assert run.data["approval_level"] == "supervisor"
    assert [t.bpmn_id for t in run.ready_user_tasks()] == ["approve"]
    assert run.ready_user_tasks()[0].lane == "supervisor"
    assert run.ready_user_tasks()[0].form_key == "supervisor_approval"


def test_dump_is_json_and_holds_no_process_spec() -> None:
    from workflows._serializer import plain_serialisation_size

    b = bundle("forwarding.bpmn")
    run = engine.start(b, {"received": date(2026, 4, 1)}, now=NOW)
    for _ in range(3):
        task = run.ready_user_tasks()[0]
        run.complete(task.task_id, FORWARDING_ANSWERS[task.bpmn_id])
    state = run.dump()
    text = json.dumps(state)
    assert "spec" not in state["workflow"] and "subprocess_specs" not in state["workflow"]
    assert "task_specs" not in text and "<bpmn" not in text
    plain = plain_serialisation_size(run._wf)
    assert len(text) < 0.6 * plain, (len(text), plain)
    restored = engine.restore(b, json.loads(text), now=NOW)
    assert restored.data == run.data
    assert [t.bpmn_id for t in restored.ready_user_tasks()] == ["receive_documents"]


def test_ready_user_tasks_describe_lane_form_and_fields() -> None:
    run = engine.start(bundle("forwarding.bpmn"), {}, now=NOW)
    (task,) = run.ready_user_tasks()
    assert (task.bpmn_id, task.name, task.lane, task.form_key) == (
        "take_documents", "預かり書の作成", "branch_clerk", "custody_receipt")
    run.complete(task.task_id, {})
    (task,) = run.ready_user_tasks()
    assert [f.id for f in task.fields] == ["serial_no", "ledger_note"]
    assert task.fields[0].required and task.fields[0].min == 1
    assert run.active_elements() == ["number_documents"]
    assert run.finished_elements() == ["start_forwarding", "take_documents"]


def test_cancel_ends_the_case() -> None:
    b = bundle("correction_loop.bpmn")
    run = engine.start(b, {}, now=NOW)
    run.complete(run.ready_user_tasks()[0].task_id, {"decision": "return"})
    run.cancel()
    assert run.is_completed and run.end_event_id() is None
    assert run.ready_user_tasks() == [] and run.waiting_timers() == []
    restored = engine.restore(b, json.loads(json.dumps(run.dump())), now=NOW)
    assert restored.is_completed


def test_update_data_changes_the_open_tasks() -> None:
    b = bundle("correction_loop.bpmn")
    run = engine.start(b, {"applicant": "誤"}, now=NOW)
    run.update_data({"applicant": "正"})
    assert run.data["applicant"] == "正"
    run.complete(run.ready_user_tasks()[0].task_id, {"decision": "accept"})
    assert run.data["applicant"] == "正"


def test_update_data_sticks_while_a_timer_is_waiting() -> None:
    run = engine.start(bundle("reminder_loop.bpmn"), {"max_reminders": 1000}, now=NOW)
    assert run.fire_timers(NOW + timedelta(days=1)) == ["wait_one_day"]
    run.update_data({"max_reminders": 2})
    assert run.fire_timers(NOW + timedelta(days=1, hours=1)) == []
    assert run.data["max_reminders"] == 2
    assert run.fire_timers(NOW + timedelta(days=2)) == ["wait_one_day"]
    assert [t.bpmn_id for t in run.ready_user_tasks()] == ["escalate"]
