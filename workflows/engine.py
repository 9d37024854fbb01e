"""Run BPMN processes: parse bundles, start and restore cases, complete tasks, fire timers.

Public API (no SpiffWorkflow type crosses it):

- ``parse_bundle(files: dict[str, bytes]) -> ProcessBundle`` — ``.bpmn`` files (and ``.dmn``
  files for business rule tasks), parsed through the safe XML parser with the Camunda parser
  family. ``bundle.process_id`` is the executable process that no other process calls;
  ``bundle.user_tasks`` / ``bundle.timers`` describe user tasks (lane = role, form key,
  ``FieldSpec`` fields) and timer events. Raises ``BundleError``.
- ``get_bundle(key: str, load_files: Callable[[], dict[str, bytes]]) -> ProcessBundle`` — a
  thread-safe process-wide LRU cache keyed by e.g. the deployed version's sha256.
- ``start(bundle, data: dict, *, now: datetime) -> Run`` and
  ``restore(bundle, state: dict, *, now: datetime) -> Run``.
- ``Run``: ``ready_user_tasks() -> list[UserTaskInfo]``, ``complete(task_id, data)``,
  ``waiting_timers() -> list[TimerInfo]``, ``fire_timers(now) -> list[str]``, ``cancel()``,
  ``dump() -> dict`` (JSON-ready, without the process spec), ``data``, ``is_completed``,
  ``end_event_id``, ``rounds``, ``finished_elements()``, ``active_elements()``.

Clock: every call runs with an injected ``now`` (aware datetime). Timer due times are fixed
from it when a timer starts waiting, timers fire when ``now`` reaches them, and ``today()`` /
``now()`` in scripts read it; the wall clock is never consulted (see ``_clock``).

Errors: a failing expression, script or engine step raises ``StepError(element_id, message,
trace)``. SpiffWorkflow has then already changed the in-memory state (a completed user task
stays completed), so the Run is unusable afterwards (``RunUnusableError``): discard it and
``restore()`` the last saved state. ``TaskNotReadyError`` (unknown or not-ready task id) leaves
the Run intact.

Loops: when a case comes back to a loop entry, the tree is compacted ("continue as new", see
``_compaction``) and ``Run.rounds`` counts it; task ids of ready tasks change after that.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from flask_babel import gettext as _
from SpiffWorkflow.bpmn.specs.defaults import EndEvent as SpiffEndEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow as SpiffWorkflowRun
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from workflows._bundle import (
    ProcessBundle,
    TimerSpecInfo,
    UserTaskSpecInfo,
    clear_bundle_cache,
    get_bundle,
    parse_bundle,
)
from workflows._clock import current_time, frozen_clock, require_aware
from workflows._compaction import compact, find_loop
from workflows._limits import step_budget
from workflows._serializer import workflow_from_dict, workflow_to_dict
from workflows._timers import due_at, due_from, timer_value
from workflows._tree import OPEN as _OPEN
from workflows._tree import open_tasks
from workflows.errors import RunUnusableError, StateError, StepError, TaskNotReadyError
from workflows.formfields import FieldSpec
from workflows.sandbox import SandboxScriptEngine

__all__ = [
    "ProcessBundle", "Run", "TimerInfo", "TimerSpecInfo", "UserTaskInfo", "UserTaskSpecInfo",
    "clear_bundle_cache", "get_bundle", "parse_bundle", "restore", "start",
]

STATE_FORMAT = 1
MAX_COMPACTIONS_PER_STEP = 5
_DUE_KEY = "madoguchi_due_at"
_ENGINE = SandboxScriptEngine()  # stateless: per-call state lives in the sandbox call
_ACTIVE = TaskState.READY | TaskState.WAITING
T = TypeVar("T")


@dataclass(frozen=True)
class UserTaskInfo:
    """A user task that is ready to be worked on."""

    task_id: str
    bpmn_id: str
    name: str
    lane: str | None
    form_key: str
    fields: tuple[FieldSpec, ...]
    due_at: datetime | None = None
    route: str | None = None  # madoguchi:route of the task, see workflows.routing


@dataclass(frozen=True)
class TimerInfo:
    """A timer that is waiting; due_at is an aware UTC datetime."""

    bpmn_id: str
    due_at: datetime
    task_id: str


def _bpmn_id(task: SpiffTask) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def _element_of(exc: BaseException, fallback: SpiffTask | None) -> str | None:
    element = getattr(exc, "element_id", None)
    task = getattr(exc, "task", None)
    if element is None and task is not None:
        element = _bpmn_id(task)
    spec = getattr(exc, "task_spec", None)
    if element is None and spec is not None:
        element = getattr(spec, "bpmn_id", None) or spec.name
    if element is None and fallback is not None:
        element = _bpmn_id(fallback)
    return element


class Run:
    """One running case: a SpiffWorkflow workflow plus the bundle it belongs to."""

    def __init__(self, bundle: ProcessBundle, workflow: SpiffWorkflowRun, now: datetime,
                 rounds: int = 0, visited: set[str] | None = None) -> None:
        self.bundle = bundle
        self._wf = workflow
        self._now = require_aware(now)
        self._rounds = rounds
        self._visited = visited or set()
        self._current: SpiffTask | None = None
        self._broken = False
        # Views of the current tree (data, ready tasks, timers), computed once per change:
        # saving a step reads each of them more than once.
        self._views: dict[str, Any] = {}

    # -- reading --------------------------------------------------------------------------

    @property
    def rounds(self) -> int:
        """How many times a loop was compacted in this case."""
        return self._rounds

    @property
    def is_completed(self) -> bool:
        """True when the case has ended (at an end event or by cancel())."""
        if "completed" not in self._views:
            self._views["completed"] = self._wf.is_completed()
        return self._views["completed"]

    @property
    def tree_size(self) -> int:
        """Number of tasks in the tree, subprocesses included (stays bounded with loops)."""
        return len(self._wf.tasks) + sum(len(s.tasks) for s in self._wf.subprocesses.values())

    @property
    def data(self) -> dict[str, Any]:
        """The case data: final data when ended, else the data of the open tasks."""
        self._check_usable()
        if "data" not in self._views:
            self._views["data"] = self._collect_data()
        return dict(self._views["data"])

    def _open_tasks(self) -> list[SpiffTask]:
        # One walk of the tree per state of it, shared by data, ready tasks, timers, due dates
        # and loop detection (each used to walk the whole tree on its own).
        if "open" not in self._views:
            self._views["open"] = open_tasks(self._wf)
        return self._views["open"]

    def _ready_manual(self) -> list[SpiffTask]:
        return [t for t in self._open_tasks()
                if t.state == TaskState.READY and t.task_spec.manual]

    def _collect_data(self) -> dict[str, Any]:
        if self.is_completed and self._wf.last_task is not None:
            source = dict(self._wf.last_task.data)
            source.update(self._wf.data)
            return copy.deepcopy(source)
        merged: dict[str, Any] = {}
        for task in self._open_tasks():
            merged.update(task.data)
        if not merged and self._wf.last_task is not None:
            merged = dict(self._wf.last_task.data)
        return copy.deepcopy(merged)

    def end_event_id(self) -> str | None:
        """The bpmn id of the end event the case finished at, if it did."""
        ends = [t for t in self._wf.get_tasks(state=TaskState.COMPLETED)
                if isinstance(t.task_spec, SpiffEndEvent) and t.workflow is self._wf]
        if not self.is_completed or not ends:
            return None
        return _bpmn_id(max(ends, key=lambda t: t.last_state_change))

    def ready_user_tasks(self) -> list[UserTaskInfo]:
        """User (manual) tasks that are ready, with lane and form from the bundle."""
        self._check_usable()
        if "ready" not in self._views:
            self._views["ready"] = [self._user_task_info(t) for t in self._ready_manual()]
        return list(self._views["ready"])

    def _user_task_info(self, task: SpiffTask) -> UserTaskInfo:
        bpmn_id = _bpmn_id(task) or task.task_spec.name
        known = self.bundle.user_tasks.get(bpmn_id)
        if known is None:
            name = getattr(task.task_spec, "bpmn_name", None) or bpmn_id
            return UserTaskInfo(str(task.id), bpmn_id, name, task.task_spec.lane, "", ())
        due = task._get_internal_data(_DUE_KEY)
        return UserTaskInfo(str(task.id), bpmn_id, known.name, known.lane, known.form_key,
                            known.fields, datetime.fromisoformat(due) if due else None,
                            known.route)

    def waiting_timers(self) -> list[TimerInfo]:
        """Timers that are waiting, with their due time."""
        self._check_usable()
        if "timers" not in self._views:
            timers = []
            for task in self._open_tasks():
                due = due_at(task) if task.state == TaskState.WAITING else None
                if due is not None:
                    timers.append(TimerInfo(_bpmn_id(task) or task.task_spec.name, due,
                                            str(task.id)))
            self._views["timers"] = timers
        return list(self._views["timers"])

    def finished_elements(self) -> list[str]:
        """Bpmn ids of elements completed so far (including rounds compacted away)."""
        seen = dict.fromkeys(
            b for t in self._wf.get_tasks(state=TaskState.COMPLETED) if (b := _bpmn_id(t)))
        return list(seen) + sorted(self._visited.difference(seen))

    def active_elements(self) -> list[str]:
        """Bpmn ids of elements that are ready, waiting or running."""
        return list(dict.fromkeys(b for t in self._wf.get_tasks(state=_OPEN) if (b := _bpmn_id(t))))

    def dump(self) -> dict[str, Any]:
        """Return the JSON-ready state; the process spec is left out (the bundle has it)."""
        self._check_usable()
        return {
            "format": STATE_FORMAT,
            "process_id": self.bundle.process_id,
            "rounds": self._rounds,
            "visited": sorted(self._visited),
            "workflow": workflow_to_dict(self._wf),
        }

    # -- acting ---------------------------------------------------------------------------

    def complete(self, task_id: str, data: dict[str, Any], *, now: datetime | None = None) -> None:
        """Merge data into the ready user task, complete it and run the engine on.

        On StepError the Run is unusable: discard it and restore the last saved state.
        """
        self._check_usable()
        task = self._ready_user_task(task_id)
        if now is not None:
            self._now = require_aware(now)

        def step() -> None:
            self._current = task
            task.data.update(copy.deepcopy(data))
            task.run()
            self._advance()

        self._guarded(step)

    def fire_timers(self, now: datetime) -> list[str]:
        """Fire the timers due at now, run the engine on and return the bpmn ids that fired."""
        self._check_usable()
        self._now = require_aware(now)
        before = {t.task_id: t for t in self.waiting_timers()}

        def step() -> list[str]:
            self._wf.refresh_timers()
            fired = self._fired(before)
            self._advance()
            return fired

        return self._guarded(step)

    def _fired(self, before: dict[str, TimerInfo]) -> list[str]:
        self._views.clear()  # the timers just refreshed
        still = {t.task_id: t for t in self.waiting_timers()}
        # A cycle timer stays waiting but moves its due time on when it fires.
        return [info.bpmn_id for task_id, info in before.items()
                if task_id not in still or still[task_id].due_at != info.due_at]

    def update_data(self, changes: dict[str, Any]) -> None:
        """Overwrite case data (e.g. a supervisor's fix) in every open task, or the final data."""
        self._check_usable()
        self._views.clear()
        open_tasks = self._wf.get_tasks(state=_OPEN)
        if self._wf.is_completed() or not open_tasks:
            self._wf.data.update(copy.deepcopy(changes))
            if self._wf.last_task is not None:
                self._wf.last_task.data.update(copy.deepcopy(changes))
        for task in open_tasks:
            task.data.update(copy.deepcopy(changes))
            if task.state == TaskState.WAITING and task.parent is not None:
                # A waiting event re-inherits its parent's data at every refresh (parent wins).
                task.parent.data.update(copy.deepcopy(changes))

    def cancel(self) -> None:
        """Cancel the case: every open task is cancelled and the case counts as completed."""
        self._check_usable()
        self._guarded(self._wf.cancel)
        self._views.clear()

    def _ready_user_task(self, task_id: str) -> SpiffTask:
        try:
            task = self._wf.get_task_from_id(UUID(task_id))
        except (ValueError, TaskNotFoundException) as exc:
            raise TaskNotReadyError(_("Task %(task)s does not exist in this case.",
                                      task=task_id)) from exc
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReadyError(_("Task %(task)s is not ready to be completed.",
                                      task=task_id))
        return task

    def _advance(self) -> None:
        self._engine_steps()
        for _attempt in range(MAX_COMPACTIONS_PER_STEP):
            loop = find_loop(self._wf, [t for t in self._open_tasks() if t.state & _ACTIVE])
            if loop is None:
                break
            self._current = loop[1]
            self._views.clear()
            self._visited |= compact(self._wf, *loop)
            self._rounds += 1
            self._engine_steps()
        self._set_due_dates()

    def _engine_steps(self) -> None:
        self._wf.do_engine_steps(will_complete_task=self._remember)
        self._views.clear()  # the tree changed; views read from here on describe the new one

    def _set_due_dates(self) -> None:
        # Fixed once when the task becomes ready (and saved with the state), so a later restore
        # with another clock does not move the deadline. Only internal data changes here, so
        # the scan of open tasks stays valid (the "ready" infos are built after this).
        self._views.pop("ready", None)
        for task in self._ready_manual():
            known = self.bundle.user_tasks.get(_bpmn_id(task) or "")
            if known and known.due_date and task._get_internal_data(_DUE_KEY) is None:
                self._current = task
                due = due_from(timer_value(task, known.due_date), current_time())
                task._set_internal_data(**{_DUE_KEY: due.isoformat()})

    def _remember(self, task: SpiffTask) -> None:
        self._current = task

    def _check_usable(self) -> None:
        if self._broken:
            raise RunUnusableError(_("This case failed in an earlier step; reload it from the "
                                     "last saved state."))

    def _guarded(self, step: Callable[[], T]) -> T:
        self._views.clear()  # every change to the tree goes through here
        try:
            # step_budget: all expressions of one step share one deadline (a timer runner or
            # a request is held MAX_STEP_SECONDS at most, however many scripts run).
            with frozen_clock(self._now), step_budget():
                return step()
        except Exception as exc:
            self._broken = True
            self._views.clear()
            element = _element_of(exc, self._current)
            reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            trace = "".join(traceback.format_exception(exc))[-8000:]
            raise StepError(element, _("Step %(element)s failed: %(reason)s",
                                       element=element or "?", reason=reason), trace) from exc
        finally:
            self._current = None


def start(bundle: ProcessBundle, data: dict[str, Any], *, now: datetime) -> Run:
    """Start a new case of bundle's process with the given initial data."""
    workflow = SpiffWorkflowRun(bundle.spec, bundle.subprocess_specs, script_engine=_ENGINE)
    workflow.task_tree.data.update(copy.deepcopy(data))
    run = Run(bundle, workflow, now)
    run._guarded(run._advance)
    return run


def restore(bundle: ProcessBundle, state: dict[str, Any], *, now: datetime) -> Run:
    """Rebuild a Run from Run.dump() output and the bundle of the same process version."""
    if state.get("format") != STATE_FORMAT or state.get("process_id") != bundle.process_id:
        raise StateError(_("The saved state does not belong to process %(process)s.",
                           process=bundle.process_id))
    try:
        workflow = workflow_from_dict(state["workflow"], bundle.spec, bundle.subprocess_specs)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise StateError(_("The saved state cannot be read: %(error)s", error=str(exc))) from exc
    workflow.script_engine = _ENGINE
    return Run(bundle, workflow, now, int(state.get("rounds", 0)), set(state.get("visited", [])))
