"""Serialisation of a running workflow without its process spec (stored by reference)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
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
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow as SpiffWorkflowRun
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from workflows._timers import CLOCK_TIMERS


class _TaskConverter(SpiffTaskConverter):
    """Task converter whose output is plain JSON (SpiffWorkflow leaves deltas unconverted)."""

    def to_dict(self, task: SpiffTask) -> dict[str, Any]:
        """Convert a task; predicted tasks carry no data (they inherit it when they update)."""
        if task.has_state(TaskState.PREDICTED_MASK) and not task.data:
            dct = super().to_dict(task)
            dct["data"], dct["delta"] = {}, {}
            return dct
        dct = super().to_dict(task)
        dct["data"] = self.registry.convert(self.registry.clean(dct["data"]))
        if dct["delta"]:
            updates = self.registry.clean(dct["delta"]["updates"])
            dct["delta"]["updates"] = self.registry.convert(updates)
        return dct


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
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
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
