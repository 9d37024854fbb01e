"""The sandbox process: runs sandboxed code for its parent, one request at a time.

Started by ``_isolation`` as ``python -I -c BOOT <project root> <parent pid>``; never imported
for its side effects (``main`` does the work). The parent kills it when a request overruns
its deadline, so code that is stuck in one long C call (``[a] * 10**5`` then ``.count(b)``)
costs the parent nothing beyond the deadline.

Protocol on stdin/stdout: frames of a 4-byte big-endian length and a pickle. A request is
``(mode, source, data, now, seconds, drop_unchanged)``; the answer is ``("ok", value)`` or
``("error", message)`` (an ExpressionError) or ``("failed", message)`` (anything else: the
parent retires this process), where message is ``(msgid, params)`` as given to gettext, so that the
parent translates it into the user's language (this process has no Flask app or locale).

Limits of its own: RLIMIT_AS turns memory bombs into MemoryError; RLIMIT_CPU, reset before
every request, ends the process if it ever computes far past a deadline; it dies with its
parent (PR_SET_PDEATHSIG, and end of file on stdin).
"""

from __future__ import annotations

import ctypes
import os
import pickle
import resource
import signal
import struct
import sys
import types
from typing import Any

HEADER = struct.Struct(">I")
MEMORY_BYTES = 768 * 1024 * 1024
CPU_MARGIN_SECONDS = 2
_PR_SET_PDEATHSIG = 1


class Deferred(str):
    """A message as gettext would give it in English, remembering msgid and parameters."""

    msgid: str
    params: dict[str, Any]


class Opaque:
    """Stands for a value in the parent's data that is not plain data (the guards give
    sandboxed code no access to such values; this way they are not even copied here)."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name


def gettext(string: str, **variables: Any) -> Deferred:
    """Stand-in for flask_babel.gettext in this process: the parent translates later."""
    message = Deferred(string % variables if variables else string)
    message.msgid, message.params = string, variables
    return message


_ = gettext


def encode(message: Any) -> Any:
    """Turn a (possibly nested) Deferred message into plain (msgid, params) tuples."""
    if isinstance(message, Deferred):
        return (message.msgid, {k: encode(v) for k, v in message.params.items()})
    return message if isinstance(message, int) else str(message)


def read_frame(fd: int) -> bytes | None:
    """Read one frame (blocking); None at end of file."""
    header = _read_exact(fd, HEADER.size)
    return None if header is None else _read_exact(fd, HEADER.unpack(header)[0])


def _read_exact(fd: int, size: int) -> bytes | None:
    chunks, got = [], 0
    while got < size:
        chunk = os.read(fd, min(size - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def write_frame(fd: int, payload: bytes) -> None:
    """Write one frame (blocking)."""
    view = memoryview(HEADER.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view):]


def _die_with_parent(parent: int) -> None:
    # The signal follows the parent *thread* that started this process; _isolation starts
    # children from long-lived threads only, so that it means "the parent process ended".
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before prctl took effect
        os._exit(0)


def _limit_cpu(seconds: float) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(usage.ru_utime + usage.ru_stime + seconds) + CPU_MARGIN_SECONDS
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))


def _handle(request: tuple[Any, ...]) -> tuple[str, Any]:
    from workflows._clock import frozen_clock
    from workflows._restricted import evaluate_here, execute_here
    from workflows.errors import ExpressionError

    mode, source, data, now, seconds, drop_unchanged = request
    _limit_cpu(seconds)
    try:
        with frozen_clock(now):
            if mode == "eval":
                return ("ok", evaluate_here(source, data, seconds=seconds))
            return ("ok", execute_here(source, data, seconds=seconds,
                                       drop_unchanged=drop_unchanged))
    except ExpressionError as err:
        return ("error", encode(err.message))
    except MemoryError:
        return ("failed", encode(_("The expression needed too much memory.")))


def _answer(reply: tuple[str, Any]) -> bytes:
    try:
        return pickle.dumps(reply, protocol=5)
    except MemoryError:
        return pickle.dumps(("failed", encode(_("The expression needed too much memory."))))


def main() -> None:
    """Serve requests from the parent until it closes stdin (or dies)."""
    _die_with_parent(int(sys.argv[2]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    # Sandbox modules import flask_babel.gettext by name; this process must not translate
    # (and need not import Flask), so they get the deferring stand-in.
    sys.modules["flask_babel"] = types.SimpleNamespace(gettext=gettext)  # type: ignore[assignment]
    import workflows._restricted  # noqa: F401 - import before the memory limit applies

    # Keep the protocol on private descriptors: nothing printed can corrupt it.
    requests, answers = os.dup(0), os.dup(1)
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(2, 1)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    # No core dump: it would write the case data handed to this process to disk.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    while (frame := read_frame(requests)) is not None:
        try:
            request = pickle.loads(frame)
        except Exception as exc:  # noqa: BLE001 - answer rather than die
            message = _("The case data cannot be given to the expression: %(error)s",
                        error=f"{type(exc).__name__}: {exc}")
            write_frame(answers, _answer(("failed", encode(message))))
            continue
        write_frame(answers, _answer(_handle(request)))
