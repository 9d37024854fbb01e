"""Sandboxed evaluation of gateway conditions, timer expressions and script tasks.

Process designers write Python expressions and scripts into BPMN files; they are untrusted.
Everything is compiled with RestrictedPython (``compile_restricted``) plus our own policy
(``_policy.SandboxPolicy``: no imports, classes, try/with/yield; ``*``, ``**``, ``<<``, ``+``,
``%`` and f-string fields rewritten into size-checked guard calls) and runs with a small set of
builtins (``_builtins``), guarded attribute/item access (``_guards``), a per-call line budget and
wall-clock deadline (``_limits``) and a size cap on the data it leaves behind.

Public API:
- ``evaluate(source, data=None)`` / ``execute(source, data)`` run one expression / script.
- ``check_expression(source, mode)`` compiles only and returns an error message or None.
- ``timer_literal(source)`` recognises Camunda-style unquoted ISO 8601 timer values.
- ``SandboxScriptEngine``: the SpiffWorkflow script engine the engine core runs with.
Every refusal or failure raises ``workflows.errors.ExpressionError``.
"""

from __future__ import annotations

import re
import textwrap
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from flask_babel import gettext as _
from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.task import Task as SpiffTask

from workflows._builtins import make_builtins
from workflows._datacheck import check_data
from workflows._guards import Guards
from workflows._limits import BudgetExceeded, run_limits
from workflows._policy import SandboxPolicy
from workflows.ast_lock import AST_LOCK
from workflows.errors import ExpressionError

Mode = Literal["eval", "exec"]
MAX_SOURCE_CHARS = 20_000

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


def _prepare(source: str, mode: Mode) -> str:
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionError(_("The expression is too long (at most %(max)d characters).",
                                max=MAX_SOURCE_CHARS))
    # Modeler XML often indents scripts and wraps conditions in newlines.
    return source.strip() if mode == "eval" else textwrap.dedent(source).strip("\n")


@lru_cache(maxsize=2048)
def _compile(source: str, mode: Mode) -> CodeType:
    """Compile restricted code once per distinct source (cache errors are not cached)."""
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        with AST_LOCK:
            result = compiler(_prepare(source, mode), f"<{mode}>", policy=SandboxPolicy)
    # Warning: under an "error" warnings filter, SyntaxWarning ("is" with a literal) and
    # DeprecationWarning (invalid escape) arrive as exceptions.
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError, Warning) as exc:
        raise ExpressionError(_("The expression cannot be compiled: %(error)s",
                                error=str(exc))) from exc
    if result.errors or result.code is None:
        raise ExpressionError(_("The expression is not allowed: %(error)s",
                                error="; ".join(result.errors)))
    return result.code


def check_expression(source: str, mode: Mode) -> str | None:
    """Compile source in the sandbox without running it; return an error message or None."""
    try:
        _compile(source, mode)
    except ExpressionError as err:
        return err.message
    return None


def _run(code: CodeType, scope: dict[str, Any], mode: Mode) -> Any:
    try:
        with run_limits():
            return eval(code, scope) if mode == "eval" else exec(code, scope)  # noqa: S307
    except ExpressionError:
        raise
    except BudgetExceeded:
        raise ExpressionError(_("The expression ran too long and was stopped.")) from None
    except RecursionError:
        raise ExpressionError(_("The expression recursed too deeply and was stopped.")) from None
    except MemoryError:
        raise ExpressionError(_("The expression needed too much memory.")) from None
    except Exception as exc:
        raise ExpressionError(_("The expression failed: %(error)s",
                                error=f"{type(exc).__name__}: {exc}")) from exc


def _scope(data: dict[str, Any]) -> dict[str, Any]:
    # Globals are looked up before builtins, so a data key such as "_getattr_" would replace a
    # guard. Sandboxed code cannot name "_..." variables anyway, so such keys are left out.
    scope = {k: v for k, v in data.items() if not str(k).startswith("_")}
    scope["__builtins__"] = make_builtins(Guards())
    return scope


def evaluate(source: str, data: dict[str, Any] | None = None) -> Any:
    """Evaluate one expression against data (read-only use) and return its value."""
    code = _compile(source, "eval")
    scope = _scope(data or {})
    result = _run(code, scope, "eval")
    check_data({"result": result}, storable=False)
    return result


def execute(source: str, data: dict[str, Any]) -> dict[str, Any]:
    """Run a script against data and return the new data (callables dropped, size checked)."""
    code = _compile(source, "exec")
    scope = _scope(data)
    _run(code, scope, "exec")
    scope.pop("__builtins__", None)
    # Functions defined by a script are helpers for that script, not case data.
    result = {k: v for k, v in scope.items() if not callable(v)}
    check_data(result, storable=True)
    result.update((k, v) for k, v in data.items() if str(k).startswith("_"))
    return result


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
        result = execute(script, {**external, **context})
        for key, value in external.items():
            if result.get(key) is value and key not in context:
                result.pop(key)
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
