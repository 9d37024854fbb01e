"""Serialisation of a running workflow without its process spec (stored by reference)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from functools import lru_cache
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer as SpiffSerializer
from SpiffWorkflow.bpmn.serializer.default.event_definition import (
    TimerConditionalEventDefinitionConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter as SpiffWorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter as SpiffTaskConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow as SpiffWorkflowRun
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.deep_merge import DeepMerge
from SpiffWorkflow.util.task import TaskState

from workflows._timers import CLOCK_TIMERS


class _TaskConverter(SpiffTaskConverter):
    """Task converter whose output is plain JSON (SpiffWorkflow leaves deltas unconverted).

    Written out in one pass (SpiffWorkflow's looks the parent up four times per task and
    cleans data twice); the output is the same dict, so saved states stay readable.
    """

    def to_dict(self, task: SpiffTask) -> dict[str, Any]:
        """Convert a task; predicted tasks carry no data (they inherit it when they update)."""
        parent = task.parent
        convert = self.registry.convert
        if task._state & TaskState.PREDICTED_MASK and not task.data:
            data, delta = {}, {}
        elif parent is None:
            data, delta = convert(task.data), {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {"updates": convert({k: v for k, v in after.items()
                                         if k not in before or v != before[k]}),
                     "deletions": [k for k in before if k not in after]}
        internal = task.internal_data
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task._state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": convert(internal) if internal else {},
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct: dict[str, Any], workflow: Any) -> SpiffTask:
        """Rebuild a task (as SpiffWorkflow does, with parsed ids shared through a cache)."""
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=_uuid(dct["id"]))
        task._parent = _uuid(dct["parent"]) if dct["parent"] is not None else None
        task._children = [_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        internal = dct["internal_data"]
        task.internal_data = self.registry.restore(internal) if internal else {}
        if isinstance(task_spec, CatchingEvent) and task._state & TaskState.WAITING:
            workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = task.parent if delta else None
        if parent is not None:
            data = DeepMerge.merge({}, parent.data)
            data.update(self.registry.restore(delta.get("updates", {})))
            for key in delta.get("deletions", ()):
                data.pop(key, None)
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


@lru_cache(maxsize=65536)
def _uuid(text: str) -> UUID:
    """Parse a task id; the same ids come back every step of a case (UUIDs are immutable)."""
    return UUID(text)


class _SpecByReferenceConverter(SpiffWorkflowConverter):
    """Leave out the process spec (~8 KB per case); restore() gets it from the bundle."""

    def to_dict(self, workflow: SpiffWorkflowRun) -> dict[str, Any]:
        """Convert the workflow, without spec and subprocess specs."""
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], spec: BpmnProcessSpec | None = None,
                  subprocess_specs: dict[str, BpmnProcessSpec] | None = None) -> SpiffWorkflowRun:
        """Rebuild the workflow around the given (cached, shared) specs."""
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        # subprocesses_from_dict pops entries: work on a copy, not the caller's state.
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_registry(*, spec_by_reference: bool = True) -> DefaultRegistry:
    config = dict(CAMUNDA_CONFIG)
    for clock_class in CLOCK_TIMERS.values():
        config[clock_class] = TimerConditionalEventDefinitionConverter
    if spec_by_reference:
        config[SpiffWorkflowRun] = _SpecByReferenceConverter
        config[SpiffTask] = _TaskConverter
    registry = SpiffSerializer.configure(config)
    # Task data may hold what forms and sandboxed scripts produce.
    registry.register(date, lambda v: {"value": v.isoformat()},
                      lambda v: date.fromisoformat(v["value"]))
    registry.register(time, lambda v: {"value": v.isoformat()},
                      lambda v: time.fromisoformat(v["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
    registry.register(set, lambda v: {"items": list(v)}, lambda v: set(v["items"]))
    registry.register(tuple, lambda v: {"items": list(v)}, lambda v: tuple(v["items"]))
    return registry


REGISTRY = _make_registry()
_PLAIN_SERIALIZER = SpiffSerializer(_make_registry(spec_by_reference=False))


def workflow_to_dict(workflow: SpiffWorkflowRun) -> dict[str, Any]:
    """Return a JSON-ready dict of the workflow state, without its spec."""
    return REGISTRY.convert(workflow)


def workflow_from_dict(dct: dict[str, Any], spec: BpmnProcessSpec,
                       subprocess_specs: dict[str, BpmnProcessSpec]) -> SpiffWorkflowRun:
    """Restore a workflow from workflow_to_dict() output and the bundle's specs."""
    return REGISTRY.restore(dct, spec=spec, subprocess_specs=subprocess_specs)


def plain_serialisation_size(workflow: SpiffWorkflowRun) -> int:
    """Size in characters of SpiffWorkflow's own JSON (spec included), for comparisons."""
    return len(_PLAIN_SERIALIZER.serialize_json(workflow))
