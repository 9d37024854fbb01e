"""Sandboxed evaluation of gateway conditions, timer expressions and script tasks.

Process designers write Python expressions and scripts into BPMN files; they are untrusted.
Everything is compiled with RestrictedPython (``compile_restricted``) plus our own policy
(``_policy.SandboxPolicy``: no imports, classes, try/with/yield; ``*``, ``**``, ``<<``, ``+``,
``%`` and f-string fields rewritten into size-checked guard calls) and runs with a small set of
builtins (``_builtins``), guarded attribute/item access (``_guards``), a per-call line budget and
wall-clock deadline (``_limits``) and a size cap on the data it leaves behind.

Hard limit: no call holds its caller longer than its deadline (MAX_SECONDS, or what is left
of the engine step's MAX_STEP_SECONDS) plus GRACE_SECONDS, whatever it calls. Code that
``_fastpath`` proves bounded (conditions such as ``amount > 1000 and kind == 'a'``, simple
assignments) runs in this process; everything else runs in a sandbox process that is killed
on deadline (``_isolation``), since a trace-based deadline cannot stop one long call in C.

Public API:
- ``evaluate(source, data=None)`` / ``execute(source, data)`` run one expression / script.
- ``check_expression(source, mode)`` compiles only and returns an error message or None.
- ``timer_literal(source)`` recognises Camunda-style unquoted ISO 8601 timer values.
- ``SandboxScriptEngine``: the SpiffWorkflow script engine the engine core runs with.
Every refusal or failure raises ``workflows.errors.ExpressionError``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.task import Task as SpiffTask

from workflows import _isolation
from workflows._fastpath import Escalate, FastGuards, is_bounded
from workflows._limits import MAX_STEP_SECONDS, seconds_allowed
from workflows._restricted import MAX_SOURCE_CHARS, Mode, compile_code, evaluate_here, execute_here
from workflows.ast_lock import AST_LOCK
from workflows.errors import ExpressionError

__all__ = ["MAX_SOURCE_CHARS", "SandboxScriptEngine", "check_expression", "evaluate", "execute",
           "timer_literal"]

# Unquoted ISO 8601 values as Camunda Modeler users type them: P3D, PT2H, R3/PT1H,
# R/2026-04-01T09:00:00+09:00/P1D, 2026-04-01T09:00:00+09:00. Deliberately loose: the timer
# parser (and deploy validation) reports malformed ones with a precise message.
_TIMER_LITERAL = re.compile(
    r"(?:R\d*/[0-9A-Za-z:.,+\-/]+|P[0-9T][0-9A-Za-z.,]*|\d{4}-\d{2}-\d{2}(?:T[0-9:.,]+)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)"
)


def timer_literal(source: str) -> str | None:
    """Return source as a string if it is exactly an unquoted ISO 8601 timer value."""
    text = source.strip()
    return text if _TIMER_LITERAL.fullmatch(text) else None


def check_expression(source: str, mode: Mode) -> str | None:
    """Compile source in the sandbox without running it; return an error message or None."""
    try:
        compile_code(source, mode)
    except ExpressionError as err:
        return err.message
    return None


def _prepare_call(source: str, mode: Mode) -> tuple[float, bool]:
    """Compile (errors are reported from here, as always); return seconds and fast or not."""
    compile_code(source, mode)
    seconds = seconds_allowed()
    if seconds <= 0:
        raise ExpressionError(_("This step ran longer than %(seconds)d seconds and was stopped.",
                                seconds=int(MAX_STEP_SECONDS)))
    return seconds, is_bounded(source, mode)


def _left(end: float) -> float:
    """Seconds left for the isolated run after a fast attempt escalated: one limit per call,
    not one for each attempt."""
    seconds = end - time.monotonic()
    if seconds <= 0:
        raise ExpressionError(_("The expression ran too long and was stopped."))
    return seconds


def evaluate(source: str, data: dict[str, Any] | None = None) -> Any:
    """Evaluate one expression against data (read-only use) and return its value."""
    seconds, fast = _prepare_call(source, "eval")
    end = time.monotonic() + seconds
    data = data or {}
    if fast:
        try:
            return evaluate_here(source, data, seconds=seconds, guards=FastGuards(),
                                 bounded=True)
        except Escalate:
            seconds = _left(end)  # met a value it cannot bound; nothing changed: isolate
    return _isolation.pool().run("eval", source, _visible(data), seconds)


def execute(source: str, data: dict[str, Any],
            drop_unchanged: Iterable[str] = ()) -> dict[str, Any]:
    """Run a script against data and return the new data (callables dropped, size checked).

    Keys in drop_unchanged are left out of the result unless the script assigned them.
    """
    seconds, fast = _prepare_call(source, "exec")
    drop = tuple(drop_unchanged)
    end = time.monotonic() + seconds
    result = None
    if fast:
        try:
            result = execute_here(source, data, seconds=seconds, guards=FastGuards(),
                                  bounded=True, drop_unchanged=drop)
        except Escalate:
            seconds = _left(end)  # as in evaluate
    if result is None:
        result = _isolation.pool().run("exec", source, _visible(data), seconds, drop)
    # "_" keys are the engine's, invisible to sandboxed code: handed back unchanged.
    result.update((k, v) for k, v in data.items() if str(k).startswith("_"))
    return result


def _visible(data: dict[str, Any]) -> dict[str, Any]:
    # Only what sandboxed code may see goes to the sandbox process ("_" keys may hold
    # engine objects that are not plain data).
    return {k: v for k, v in data.items() if not str(k).startswith("_")}


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow script environment that runs everything through the sandbox."""

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: dict[str, Any] | None = None) -> Any:
        """Evaluate expression with task data (and e.g. DMN inputs) as variables."""
        return evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any],
                external_context: dict[str, Any] | None = None) -> bool:
        """Run script and update the task data in place, as SpiffWorkflow expects."""
        external = external_context or {}
        result = execute(script, {**external, **context},
                         drop_unchanged=[k for k in external if k not in context])
        context.clear()
        context.update(result)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        """Service tasks are not supported: there is nothing a sandbox may call."""
        raise ExpressionError(_("Service tasks are not supported."))


def _element_id(task: SpiffTask) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


class SandboxScriptEngine(PythonScriptEngine):
    """The script engine for all workflows: sandboxed, errors tagged with the element id."""

    def __init__(self) -> None:
        super().__init__(environment=SandboxEnvironment())

    def validate(self, expression: str) -> None:
        """Raise SyntaxError unless expression parses (DMN cells ask while deciding)."""
        with AST_LOCK:
            super().validate(expression)

    def evaluate(self, task: SpiffTask, expression: str,
                 external_context: dict[str, Any] | None = None) -> Any:
        """Evaluate a condition/timer/DMN expression for task."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except ExpressionError as err:
            err.element_id = err.element_id or _element_id(task)
            raise

    def execute(self, task: SpiffTask, script: str,
                external_context: dict[str, Any] | None = None) -> bool:
        """Run a script task's script on the task's data."""
        try:
            return self.environment.execute(script, task.data, external_context)
        except ExpressionError as err:
            err.element_id = err.element_id or _element_id(task)
            raise
