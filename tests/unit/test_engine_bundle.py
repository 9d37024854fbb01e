"""Parsing bundles: process choice, user task and timer descriptions, the cache."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflows import engine
from workflows.errors import BundleError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))

CALLER_AND_CALLEE = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="x">
  <bpmn:process id="callee" isExecutable="true">
    <bpmn:startEvent id="callee_start"><bpmn:outgoing>c1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="callee_script"><bpmn:incoming>c1</bpmn:incoming>
      <bpmn:outgoing>c2</bpmn:outgoing><bpmn:script>called = True</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="callee_end"><bpmn:incoming>c2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="c1" sourceRef="callee_start" targetRef="callee_script" />
    <bpmn:sequenceFlow id="c2" sourceRef="callee_script" targetRef="callee_end" />
  </bpmn:process>
  <bpmn:process id="caller" name="Caller" isExecutable="true">
    <bpmn:startEvent id="caller_start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="call" calledElement="callee"><bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity>
    <bpmn:endEvent id="caller_end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="caller_start" targetRef="call" />
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="caller_end" />
  </bpmn:process>
</bpmn:definitions>
"""


def files(*names: str) -> dict[str, bytes]:
    return {n: (FIXTURES / n).read_bytes() for n in names}


def test_bundle_describes_user_tasks_and_timers() -> None:
    b = engine.parse_bundle(files("correction_loop.bpmn"))
    assert b.process_id == "correction_loop" and b.process_ids == ("correction_loop",)
    assert b.name == "審査と差し戻し"
    review = b.user_task("review")
    assert review is not None and review.lane == "ward_clerk" and review.form_key == ""
    assert [f.id for f in review.fields] == ["decision", "reason"]
    assert review.fields[0].choices == (("accept", "受理"), ("return", "差し戻し"))
    assert b.user_tasks["close_case"].lane == "supervisor"
    timer = b.timers["timer_no_reply"]
    assert (timer.kind, timer.expression, timer.name) == ("duration", "P14D", "14日間応答なし")
    assert b.element_names["gw_review"] == "判定は?"
    assert b.user_task("nope") is None


def test_the_process_not_called_by_another_is_started() -> None:
    b = engine.parse_bundle({"two.bpmn": CALLER_AND_CALLEE})
    assert b.process_id == "caller"
    assert set(b.process_ids) == {"caller", "callee"}
    assert "callee" in b.subprocess_specs
    run = engine.start(b, {}, now=NOW)
    assert run.is_completed and run.data["called"] is True
    assert run.end_event_id() == "caller_end"


def test_unsafe_or_unusable_files_raise_bundle_errors() -> None:
    with pytest.raises(BundleError, match="DOCTYPE"):
        engine.parse_bundle({"x.bpmn": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'})
    not_executable = CALLER_AND_CALLEE.replace(b'isExecutable="true"', b'isExecutable="false"')
    with pytest.raises(BundleError, match="isExecutable"):
        engine.parse_bundle({"two.bpmn": not_executable})
    with pytest.raises(BundleError) as caught:
        engine.parse_bundle(files("fee_decision.bpmn"))  # its DMN file is missing
    assert caught.value.element_id == "decide_fee"


def test_bundle_cache_parses_once_per_key_and_is_thread_safe() -> None:
    engine.clear_bundle_cache()
    calls: list[int] = []

    def load() -> dict[str, bytes]:
        calls.append(1)
        return files("forwarding.bpmn")

    first = engine.get_bundle("sha-forwarding", load)
    assert engine.get_bundle("sha-forwarding", load) is first
    assert len(calls) == 1
    results: list[engine.ProcessBundle] = []
    threads = [threading.Thread(target=lambda: results.append(engine.get_bundle("sha-t", load)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r is results[0] for r in results)
    engine.clear_bundle_cache()


def test_cached_spec_is_shared_by_concurrent_cases() -> None:
    b = engine.parse_bundle(files("correction_loop.bpmn"))
    errors: list[BaseException] = []

    def case() -> None:
        try:
            run = engine.start(b, {}, now=NOW)
            for _ in range(20):
                run.complete(run.ready_user_tasks()[0].task_id, {"decision": "return"})
                run.complete(run.ready_user_tasks()[0].task_id, {"resubmitted_on": "x"})
            assert run.data["return_count"] == 20
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=case) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
