"""Run-time limits for sandboxed code: a line budget, a wall-clock deadline, a step budget.

The line budget and deadline here are enforced by tracing, so they stop Python-level loops
but never one long call in C (``[a] * 10**5`` then ``.count(b)``): ``_isolation`` runs such
code in a child process that is killed on deadline. The step budget bounds all sandboxed
calls of one engine step (start, complete, fire timers) together.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import FrameType
from typing import Any

MAX_EVENTS = 1_000_000
MAX_SECONDS = 1.0  # one expression or script
GRACE_SECONDS = 0.3  # for passing data to and from a sandbox process; kill after this
MAX_STEP_SECONDS = 10.0  # all expressions of one engine step together
SANDBOX_FILENAMES = frozenset({"<eval>", "<exec>"})

# Absolute time.monotonic() deadline of the engine step running in this context, if any.
_STEP_DEADLINE: ContextVar[float | None] = ContextVar("madoguchi_step_deadline", default=None)


class BudgetExceeded(Exception):  # noqa: N818 - internal signal, turned into ExpressionError
    """Raised inside the sandboxed frame when its line budget or deadline runs out."""


@contextmanager
def step_budget(seconds: float = MAX_STEP_SECONDS) -> Iterator[None]:
    """Bound every sandboxed call inside the block by one shared deadline (nests: inner wins
    only if it is earlier)."""
    deadline = time.monotonic() + seconds
    outer = _STEP_DEADLINE.get()
    token = _STEP_DEADLINE.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _STEP_DEADLINE.reset(token)


def seconds_allowed(seconds: float = MAX_SECONDS) -> float:
    """Seconds the next sandboxed call may run: its own limit or what is left of the step."""
    deadline = _STEP_DEADLINE.get()
    return seconds if deadline is None else min(seconds, deadline - time.monotonic())


@contextmanager
def run_limits(max_events: int = MAX_EVENTS, seconds: float = MAX_SECONDS) -> Iterator[None]:
    """Trace the current thread and abort the traced code when a limit is reached."""
    deadline = time.monotonic() + seconds
    remaining = max_events

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal remaining
        if event == "call" and frame.f_code.co_filename in SANDBOX_FILENAMES:
            # Line events miss one-line loops such as "while True: pass" (a jump to the same
            # line); opcode events do not. Only sandboxed frames pay for them.
            frame.f_trace_opcodes = True
        remaining -= 1
        # Checking the clock only every 64 events keeps tracing cheap; 64 lines of sandboxed
        # code take microseconds, so the deadline is still honoured closely.
        if remaining < 0 or (remaining % 64 == 0 and time.monotonic() > deadline):
            raise BudgetExceeded()
        return tracer

    with _traced(tracer):
        yield


@contextmanager
def deadline_only(seconds: float = MAX_SECONDS) -> Iterator[None]:
    """Trace for code proven bounded (``_fastpath``): a clock check at every opcode of the
    sandboxed frame and at every call it makes, no line events in helper functions.

    Such code cannot loop, so no line budget is needed; but one opcode may be one whole
    (linear) C call, so the clock is read at each one rather than every 64th.
    """
    deadline = time.monotonic() + seconds

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise BudgetExceeded()
        if event == "call":
            if frame.f_code.co_filename not in SANDBOX_FILENAMES:
                return None  # a guard or helper: checked again when it returns
            frame.f_trace_opcodes = True
        return tracer

    with _traced(tracer):
        yield


@contextmanager
def _traced(tracer: Any) -> Iterator[None]:
    # sys.settrace is per thread, so this works in web workers and CLI threads alike
    # (signal.alarm would only work in the main thread). The sandbox policy forbids
    # try/except, so sandboxed code cannot swallow BudgetExceeded.
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)
