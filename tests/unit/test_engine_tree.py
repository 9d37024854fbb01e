"""The engine's own walk of open tasks finds what SpiffWorkflow's iterator finds, in order."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workflows import engine
from workflows._tree import OPEN, open_tasks

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))

# Parallel branches, an embedded subprocess with its own user task, and a user task with an
# interrupting boundary timer: every shape the walk has to get into.
PROCESS = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    id="defs_tree" targetNamespace="https://madoguchi.example/bpmn">
  <bpmn:process id="tree_shapes" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:parallelGateway id="split" />
    <bpmn:userTask id="left" name="left" />
    <bpmn:subProcess id="sub">
      <bpmn:startEvent id="sub_start" />
      <bpmn:userTask id="inner" name="inner" />
      <bpmn:endEvent id="sub_end" />
      <bpmn:sequenceFlow id="s1" sourceRef="sub_start" targetRef="inner" />
      <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="sub_end" />
    </bpmn:subProcess>
    <bpmn:userTask id="right" name="right" />
    <bpmn:boundaryEvent id="right_timer" attachedToRef="right">
      <bpmn:timerEventDefinition><bpmn:timeDuration>"P2D"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:parallelGateway id="join" />
    <bpmn:endEvent id="finish" />
    <bpmn:endEvent id="right_done" />
    <bpmn:endEvent id="timed_out" />
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="split" />
    <bpmn:sequenceFlow id="f1" sourceRef="split" targetRef="left" />
    <bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="sub" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="right" />
    <bpmn:sequenceFlow id="f4" sourceRef="left" targetRef="join" />
    <bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="right" targetRef="right_done" />
    <bpmn:sequenceFlow id="f7" sourceRef="right_timer" targetRef="timed_out" />
    <bpmn:sequenceFlow id="f8" sourceRef="join" targetRef="finish" />
  </bpmn:process>
</bpmn:definitions>
"""


def _same_as_spiff(run: engine.Run) -> list[str]:
    workflow = run._wf
    assert open_tasks(workflow) == workflow.get_tasks(state=OPEN)
    return sorted(t.bpmn_id for t in run.ready_user_tasks())


def test_walk_matches_spiffworkflow_through_branches_subprocess_and_timer() -> None:
    bundle = engine.parse_bundle({"tree.bpmn": PROCESS})
    run = engine.start(bundle, {}, now=NOW)
    assert _same_as_spiff(run) == ["inner", "left", "right"]
    assert [t.bpmn_id for t in run.waiting_timers()] == ["right_timer"]

    run = engine.restore(bundle, json.loads(json.dumps(run.dump())), now=NOW)
    run.complete(next(t.task_id for t in run.ready_user_tasks() if t.bpmn_id == "inner"), {})
    assert _same_as_spiff(run) == ["left", "right"]

    run = engine.restore(bundle, json.loads(json.dumps(run.dump())), now=NOW)
    assert run.fire_timers(NOW + timedelta(days=3)) == ["right_timer"]
    assert _same_as_spiff(run) == ["left"]

    run.complete(run.ready_user_tasks()[0].task_id, {})
    assert run.is_completed and _same_as_spiff(run) == []
