"""Run sandboxed code in child processes that are killed when it overruns its deadline.

A deadline checked by tracing cannot stop one long call in C (``[a] * 10**5`` then
``.count(b)`` ran 30 s in a web worker until gunicorn killed it). Only another process,
killed on deadline, bounds that. ``run`` sends the code and its data to an idle child
(``_sandbox_child``), waits at most the call's seconds plus GRACE_SECONDS after sending and
otherwise SIGKILLs and reaps the child and raises ExpressionError; a fresh child is started
in the background, so the next evaluation works. Waiting for a child (started on demand
when none is idle) has its own limit, START_SECONDS: it is not the code's running time.

- Children are started with subprocess (fork + exec at once, no Python code in between, safe
  in the multi-threaded gunicorn worker), with a minimal environment (no database URL or
  secret key) and their own session (Ctrl-C in a terminal is the parent's).
- They are started from long-lived threads, because PR_SET_PDEATHSIG fires when the
  *thread* that started a child ends; this way it means "the parent process ended".
- Requests and answers are (un)pickled by ``_wire``: plain data only, messages translated
  in the parent.
- One pool per process (re-created after fork), shared by all threads; each child serves
  one call at a time, at most MAX_IDLE wait for work. A child is retired after MAX_CALLS
  calls, after a failure other than an ordinary ExpressionError, or when it has written
  more than its answer (code that escaped the restrictions must not answer the next call).
  ``shutdown()`` ends them (atexit).
"""

from __future__ import annotations

import atexit
import io
import os
import pickle
import select
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from workflows._clock import current_time
from workflows._limits import GRACE_SECONDS
from workflows._sandbox_child import HEADER, write_frame
from workflows._wire import DataPickler, SandboxFault, decode
from workflows.errors import ExpressionError

# As many idle children as a gunicorn worker has threads (gunicorn.conf.py): under full load
# every thread finds one, rather than children being started and retired all the time.
MAX_IDLE = max(int(os.environ.get("GUNICORN_THREADS", "8")), 1)
# Starting a child takes ~0.1 s idle but seconds on a loaded machine; failing a healthy call
# for that must be rare, and this wait is not the code's running time.
START_SECONDS = 10.0
# A long-lived interpreter grows (fragmented heap, caches); retiring it now and then bounds
# that and how long any state left by a call can live, at one start (~0.1 s) per 1,000 calls.
MAX_CALLS = 1000
SPAWNERS = 4
WARM = 2
MAX_ANSWER_BYTES = 64 * 1024 * 1024
ROOT = str(Path(__file__).resolve().parents[1])
BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
        "from workflows._sandbox_child import main; main()")


class _Overrun(Exception):  # noqa: N818 - internal signal
    """The child did not answer before the deadline."""


class _Gone(Exception):  # noqa: N818 - internal signal
    """The child ended (or broke the protocol) while serving a call."""


def _child_env() -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", os.defpath), "LANG": "C.UTF-8"}
    if "TZ" in os.environ:
        env["TZ"] = os.environ["TZ"]
    return env


class _Child:
    """One sandbox process and the parent's ends of its pipes."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOT, ROOT, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env(), bufsize=0,
            start_new_session=True)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.requests, self.answers = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        self.calls = 0

    def alive(self) -> bool:
        return self.proc.poll() is None

    def pending(self) -> bool:
        """Whether the answer pipe holds anything (or is closed) between calls."""
        poller = select.poll()
        poller.register(self.answers, select.POLLIN)
        return bool(poller.poll(0))

    def send(self, payload: bytes) -> None:
        """Send one request; raises BrokenPipeError if the child is gone (nothing ran)."""
        write_frame(self.requests, payload)

    def receive(self, deadline: float) -> bytes:
        """Wait for the answer until deadline (time.monotonic())."""
        size = HEADER.unpack(self._read(HEADER.size, deadline))[0]
        if size > MAX_ANSWER_BYTES:
            raise _Gone()
        return self._read(size, deadline)

    def _read(self, size: int, deadline: float) -> bytes:
        buffer = bytearray()
        poller = select.poll()
        poller.register(self.answers, select.POLLIN)
        while len(buffer) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Overrun()
            if not poller.poll(left * 1000):
                continue
            chunk = os.read(self.answers, min(size - len(buffer), 1 << 20))
            if not chunk:
                raise _Gone()
            buffer += chunk
        return bytes(buffer)

    def kill(self) -> None:
        """SIGKILL and reap now: no zombie, no CPU spent on the abandoned call."""
        self.proc.kill()
        self._reap()

    def retire(self) -> None:
        """End an idle child: it exits at end of file on its stdin."""
        self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._reap()

    def _reap(self) -> None:
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


class SandboxPool:
    """Idle sandbox children of this process, shared by its threads."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._idle: list[_Child] = []
        self._lock = threading.Lock()
        self._closed = False
        # The executor's threads live as long as the pool (they never retire when idle), as
        # PR_SET_PDEATHSIG needs; several, so that a burst of calls on a cold pool does not
        # wait for one start after another.
        self._spawner = ThreadPoolExecutor(max_workers=SPAWNERS, thread_name_prefix="sandbox")
        for _warm in range(WARM):  # ready before the calls that follow the first one
            self._spawner.submit(_Child).add_done_callback(self._keep)

    def run(self, mode: str, source: str, data: dict[str, Any], seconds: float,
            drop_unchanged: tuple[str, ...] = ()) -> Any:
        """Run source in a child and return its value; ExpressionError on any failure.

        The code may run seconds; the child is killed GRACE_SECONDS after that.
        """
        buffer = io.BytesIO()
        try:
            DataPickler(buffer, protocol=5).dump(
                (mode, source, data, current_time(), seconds, drop_unchanged))
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError) as exc:
            raise ExpressionError(_("The case data cannot be given to the expression: "
                                    "%(error)s", error=str(exc))) from exc
        child, answer = self._exchange(buffer.getvalue(), seconds)
        try:
            value = decode(answer, mode)
        except SandboxFault:
            self._replace(child)
            raise
        except ExpressionError:
            self._give_back(child)
            raise
        self._give_back(child)
        return value

    def _exchange(self, payload: bytes, seconds: float) -> tuple[_Child, bytes]:
        for _attempt in range(2):  # a child that died while idle is replaced once
            child = self._take()
            try:
                child.send(payload)
            except BrokenPipeError:
                child.kill()
                continue
            # The clock starts once the child has the request: waiting for a child and
            # sending the data are not the code's time (the child reads it all first).
            deadline = time.monotonic() + seconds + GRACE_SECONDS
            child.calls += 1
            try:
                answer = child.receive(deadline)
            except _Overrun:
                self._replace(child)
                raise ExpressionError(_("The expression ran too long and was stopped.")) \
                    from None
            except (_Gone, OSError):
                self._replace(child)
                raise ExpressionError(_("The expression stopped its sandbox process.")) \
                    from None
            return child, answer
        raise ExpressionError(_("The expression stopped its sandbox process."))

    def _take(self) -> _Child:
        with self._lock:
            while self._idle:
                child = self._idle.pop()
                if child.alive():
                    return child
                child.kill()
        try:
            future: Future[_Child] = self._spawner.submit(_Child)
            return future.result(timeout=START_SECONDS)
        except FutureTimeout:
            future.add_done_callback(self._keep)  # the next call may use it
        except (OSError, RuntimeError):  # cannot start processes, or shutting down
            pass
        raise ExpressionError(_("No sandbox process could be started in time; "
                                "please try again."))

    def _give_back(self, child: _Child) -> None:
        if child.calls >= MAX_CALLS or child.pending():
            self._replace(child)
            return
        with self._lock:
            if not self._closed and len(self._idle) < MAX_IDLE and child.alive():
                self._idle.append(child)
                return
            closed = self._closed
        try:
            if not closed:
                self._spawner.submit(child.retire)  # a surplus child: off the caller's clock
                return
        except RuntimeError:  # shut down meanwhile
            pass
        child.retire()

    def _replace(self, child: _Child) -> None:
        child.proc.kill()  # at once: the caller returns now and the CPU is free
        # Reaping a child with a large address space takes a while; that and starting its
        # successor happen on the spawner thread, off the caller's clock, so the next call
        # finds an idle child.
        try:
            self._spawner.submit(_successor, child).add_done_callback(self._keep)
        except RuntimeError:  # shut down meanwhile
            child.kill()

    def _keep(self, started: Future[_Child]) -> None:
        if started.exception() is None:
            self._give_back(started.result())

    def shutdown(self) -> None:
        """End all idle children and the spawner thread (busy ones end after their call)."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for child in idle:
            child.retire()
        self._spawner.shutdown(wait=True)

    def warm(self, count: int) -> None:
        """Start children in the background until about count are idle (tests; warm-up)."""
        with self._lock:
            missing = min(count, MAX_IDLE) - len(self._idle)
        for _start in range(missing):
            self._spawner.submit(_Child).add_done_callback(self._keep)

    def idle_pids(self) -> list[int]:
        """Process ids of the idle children (for tests and diagnostics)."""
        with self._lock:
            return [c.proc.pid for c in self._idle]


def _successor(killed: _Child) -> _Child:
    killed.kill()
    return _Child()


_POOL: SandboxPool | None = None
_POOL_LOCK = threading.Lock()
_FORGOTTEN: list[SandboxPool] = []  # inherited over fork: not ours, never closed or collected
_HOOKED = False


def pool() -> SandboxPool:
    """This process's pool, created on first use (so never before gunicorn forks)."""
    global _POOL, _HOOKED
    with _POOL_LOCK:
        if _POOL is None:
            if not _HOOKED:
                os.register_at_fork(after_in_child=_after_fork)
                atexit.register(shutdown)
                _HOOKED = True
            _POOL = SandboxPool()
        return _POOL


def shutdown() -> None:
    """End this process's sandbox children (atexit; tests)."""
    global _POOL
    with _POOL_LOCK:
        current, _POOL = _POOL, None
    if current is not None:
        current.shutdown()


def _after_fork() -> None:
    global _POOL, _POOL_LOCK
    if _POOL is not None:
        _FORGOTTEN.append(_POOL)
    _POOL, _POOL_LOCK = None, threading.Lock()
