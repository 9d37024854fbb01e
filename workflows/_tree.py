"""One fast walk of a workflow's task tree, collecting the tasks that are still open."""

from __future__ import annotations

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow as SpiffWorkflowRun
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def open_tasks(workflow: SpiffWorkflowRun) -> list[SpiffTask]:
    """READY, WAITING and STARTED tasks, subprocesses included, in tree order.

    The same tasks in the same order as ``workflow.get_tasks(state=OPEN)``: depth first, a
    subprocess's tree before the children of the task that runs it, and no descent below
    predicted (MAYBE/LIKELY) tasks, which never have open children. SpiffWorkflow's iterator
    does this with list re-building and a filter object per task; every step of every case
    walks the tree, so this does it with a stack.
    """
    found: list[SpiffTask] = []
    subprocesses = workflow.subprocesses
    stack = [workflow.task_tree]
    while stack:
        task = stack.pop()
        state = task._state
        if state & OPEN:
            found.append(task)
        subprocess = subprocesses.get(task.id)
        if subprocess is None:
            if task._children and state >= TaskState.FUTURE:
                tasks = task.workflow.tasks
                stack.extend(tasks[child] for child in reversed(task._children))
        else:
            tasks = task.workflow.tasks
            stack.extend(tasks[child] for child in reversed(task._children))
            stack.append(subprocess.task_tree)
    return found
