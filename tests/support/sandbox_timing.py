"""Timing the sandbox without timing the machine: a warm pool, and the child's own run time.

CI runs on a loaded 2-core machine, where starting a sandbox process can take seconds. The
issue's guarantee is about the sandboxed code (stopped within its deadline plus 0.5 s), so
tests warm the pool first and time the child's run: from the request sent to the answer or
the kill (``_Child.receive``; the child is killed right after an overrun).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from workflows import _isolation


def warm_pool(count: int = 2, timeout: float = 60.0) -> _isolation.SandboxPool:
    """This process's pool with at least count idle children (started if need be)."""
    pool = _isolation.pool()
    pool.warm(count)
    limit = time.monotonic() + timeout
    while len(pool.idle_pids()) < count:
        assert time.monotonic() < limit, "sandbox processes did not start"
        time.sleep(0.02)
    return pool


@contextmanager
def child_run_times() -> Iterator[list[float]]:
    """Collect how long each sandbox child ran a request (seconds, in order of ending)."""
    times: list[float] = []
    real = _isolation._Child.receive

    def timed(child: _isolation._Child, deadline: float) -> bytes:
        started = time.perf_counter()
        try:
            return real(child, deadline)
        finally:
            times.append(time.perf_counter() - started)

    _isolation._Child.receive = timed  # type: ignore[method-assign]
    try:
        yield times
    finally:
        _isolation._Child.receive = real  # type: ignore[method-assign]
