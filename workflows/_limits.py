"""Run-time limits for sandboxed code: a line budget and a wall-clock deadline per call."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

MAX_EVENTS = 1_000_000
MAX_SECONDS = 1.0
SANDBOX_FILENAMES = frozenset({"<eval>", "<exec>"})


class BudgetExceeded(Exception):  # noqa: N818 - internal signal, turned into ExpressionError
    """Raised inside the sandboxed frame when its line budget or deadline runs out."""


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

    # sys.settrace is per thread, so this works in web workers and CLI threads alike
    # (signal.alarm would only work in the main thread). The sandbox policy forbids
    # try/except, so sandboxed code cannot swallow BudgetExceeded.
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)
