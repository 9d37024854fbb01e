"""Compile and run sandboxed code in the current interpreter (RestrictedPython + our policy).

Used in two places: the parent runs code here that ``_fastpath`` proved bounded, and the
sandbox child process (``_sandbox_child``) runs everything else here under its own deadline.
This module therefore imports nothing from SpiffWorkflow or Flask besides ``gettext``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from flask_babel import gettext as _
from RestrictedPython import compile_restricted_eval, compile_restricted_exec

from workflows._builtins import make_builtins
from workflows._datacheck import check_data, check_value
from workflows._guards import Guards
from workflows._limits import MAX_SECONDS, BudgetExceeded, deadline_only, run_limits
from workflows._policy import SandboxPolicy
from workflows.ast_lock import AST_LOCK
from workflows.errors import ExpressionError

Mode = Literal["eval", "exec"]
MAX_SOURCE_CHARS = 20_000


def prepare(source: str, mode: Mode) -> str:
    """Refuse overlong source; strip the whitespace modelers put around expressions."""
    if len(source) > MAX_SOURCE_CHARS:
        raise ExpressionError(_("The expression is too long (at most %(max)d characters).",
                                max=MAX_SOURCE_CHARS))
    # Modeler XML often indents scripts and wraps conditions in newlines.
    return source.strip() if mode == "eval" else textwrap.dedent(source).strip("\n")


@lru_cache(maxsize=2048)
def compile_code(source: str, mode: Mode) -> CodeType:
    """Compile restricted code once per distinct source (errors are not cached)."""
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        with AST_LOCK:
            result = compiler(prepare(source, mode), f"<{mode}>", policy=SandboxPolicy)
    # Warning: under an "error" warnings filter, SyntaxWarning ("is" with a literal) and
    # DeprecationWarning (invalid escape) arrive as exceptions.
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError, Warning) as exc:
        raise ExpressionError(_("The expression cannot be compiled: %(error)s",
                                error=str(exc))) from exc
    if result.errors or result.code is None:
        raise ExpressionError(_("The expression is not allowed: %(error)s",
                                error="; ".join(result.errors)))
    return result.code


def _run(code: CodeType, scope: dict[str, Any], mode: Mode, seconds: float,
         bounded: bool) -> Any:
    limits = deadline_only(seconds) if bounded else run_limits(seconds=seconds)
    try:
        with limits:
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
        # Escalation signals of the fast path are BaseExceptions and pass through unchanged.
        raise ExpressionError(_("The expression failed: %(error)s",
                                error=f"{type(exc).__name__}: {exc}")) from exc


def _scope(data: dict[str, Any], guards: Guards) -> dict[str, Any]:
    # Globals are looked up before builtins, so a data key such as "_getattr_" would replace a
    # guard. Sandboxed code cannot name "_..." variables anyway, so such keys are left out.
    scope = {k: v for k, v in data.items() if not str(k).startswith("_")}
    scope["__builtins__"] = make_builtins(guards)
    return scope


def evaluate_here(source: str, data: dict[str, Any], *, seconds: float = MAX_SECONDS,
                  guards: Guards | None = None, bounded: bool = False) -> Any:
    """Evaluate one expression against data (read-only use) and return its value.

    bounded: the code was proven bounded (``_fastpath``) and runs with ``deadline_only``.
    """
    code = compile_code(source, "eval")
    result = _run(code, _scope(data, guards or Guards()), "eval", seconds, bounded)
    check_value(result)
    return result


def execute_here(source: str, data: dict[str, Any], *, seconds: float = MAX_SECONDS,
                 guards: Guards | None = None, bounded: bool = False,
                 drop_unchanged: Iterable[str] = ()) -> dict[str, Any]:
    """Run a script and return its variables (callables and "_" keys dropped, size checked).

    Keys in drop_unchanged (external context such as data objects) are left out of the
    result unless the script assigned them a new value; the identity test only works where
    the data lives, so it is done here rather than by the caller.
    """
    code = compile_code(source, "exec")
    scope = _scope(data, guards or Guards())
    _run(code, scope, "exec", seconds, bounded)
    scope.pop("__builtins__", None)
    # Functions defined by a script are helpers for that script, not case data.
    result = {k: v for k, v in scope.items() if not callable(v)}
    for key in drop_unchanged:
        if key in result and result[key] is data.get(key):
            del result[key]
    check_data(result, storable=True)
    return result
