"""Loop compaction ("continue as new") so that cases looping 1,000+ times keep a small tree.

SpiffWorkflow keeps every loop round in the task tree: about 8 tasks per round, quadratic
time, RecursionError near 170 rounds. When the run comes back to a task whose spec already has
a COMPLETED instance among its ancestors (the loop entry), we reset that first instance with
the current data (``reset_from_task_id``), which drops the previous rounds. History is kept
by the caller's audit tables, not by the tree.
"""

from __future__ import annotations

import copy

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow as SpiffWorkflowRun
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from workflows.errors import EngineError

_ACTIVE = TaskState.READY | TaskState.WAITING
_UNFINISHED_WORK = _ACTIVE | TaskState.STARTED


def _group_root(task: SpiffTask) -> SpiffTask:
    # A task with boundary events hangs below a BoundaryEventSplit together with its timers;
    # the split is the unit that is reset.
    parent = task.parent
    return parent if parent is not None and isinstance(parent.task_spec, BoundaryEventSplit) \
        else task


def _first_completed_instance(task: SpiffTask) -> SpiffTask | None:
    first = None
    node = task.parent
    while node is not None:
        if node.task_spec is task.task_spec and node.state == TaskState.COMPLETED:
            first = node
        node = node.parent
    return first


def _within(task: SpiffTask, root: SpiffTask) -> bool:
    return task is root or task.is_descendant_of(root)


def _exists(workflow: SpiffWorkflowRun, task_id: object) -> bool:
    return task_id in workflow.tasks or any(
        task_id in sub.tasks for sub in workflow.subprocesses.values())


def find_loop(workflow: SpiffWorkflowRun, active: list[SpiffTask] | None = None
              ) -> tuple[SpiffTask, SpiffTask] | None:
    """Return (first instance, new instance) of a loop entry that can be compacted, if any.

    `active` is the workflow's READY and WAITING tasks in tree order, if already at hand.
    """
    for task in workflow.get_tasks(state=_ACTIVE) if active is None else active:
        if task.workflow is not workflow:
            continue  # loops inside subprocesses are left alone
        first = _first_completed_instance(task)
        if first is None:
            continue
        new_root = _group_root(task)
        # Only compact when all unfinished work below the first instance belongs to the new
        # round; a parallel branch still running from an earlier round must not be dropped.
        pending = (t for t in _group_root(first) if t.has_state(_UNFINISHED_WORK))
        if all(_within(t, new_root) for t in pending):
            return first, task
    return None


def compact(workflow: SpiffWorkflowRun, first: SpiffTask, current: SpiffTask) -> set[str]:
    """Reset first to carry current's data; return bpmn ids of the completed tasks dropped."""
    carried = copy.deepcopy(current.data)
    expected_state = current.state
    # reset_branch merges the parent's data over the given data (parent wins), and a waiting
    # event re-inherits from its parent at every timer refresh; so the parent (a completed
    # task before the loop entry, history only) takes the carried data for good.
    first.parent.data = copy.deepcopy(carried)
    dropped = workflow.reset_from_task_id(first.id, data=copy.deepcopy(carried))
    # Dropped WAITING events stay registered with the event manager; forget them.
    manager = workflow.event_manager
    for task_id in [tid for tid in manager.tasks if not _exists(workflow, tid)]:
        manager.tasks.pop(task_id)
    if first.state != expected_state:
        raise EngineError(f"loop compaction left {first.task_spec.name} in state "
                          f"{TaskState.get_name(first.state)}")
    return {t.task_spec.bpmn_id for t in dropped
            if t.state == TaskState.COMPLETED and getattr(t.task_spec, "bpmn_id", None)}
