"""How the sandbox pool hands out, times and retires its children (issue 15 review).

Waiting for a child is not the code's time; one limit covers the fast attempt and the
isolated run; a child that may hold anything for the next caller is not reused.
"""

from __future__ import annotations

import io
import select
import time
from pathlib import Path
from unittest import mock

import pytest

from tests.support.sandbox_timing import warm_pool
from workflows import _isolation, _wire, sandbox
from workflows._clock import current_time
from workflows._fastpath import Escalate
from workflows._limits import MAX_SECONDS
from workflows.errors import ExpressionError


@pytest.fixture
def fresh_pool():
    _isolation.shutdown()
    yield
    _isolation.shutdown()


def _gone(pid: int) -> bool:
    for _wait in range(100):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


def test_waiting_for_a_child_to_start_is_not_the_codes_time(fresh_pool) -> None:
    real = _isolation._Child.__init__

    def slow_start(child: _isolation._Child) -> None:
        time.sleep(MAX_SECONDS + 0.5)  # a loaded machine: longer than the code may run
        real(child)

    with mock.patch.object(_isolation._Child, "__init__", slow_start):
        assert sandbox.evaluate("[n for n in [1, 2]]") == [1, 2]


def test_idle_children_are_kept_for_every_thread() -> None:
    assert _isolation.MAX_IDLE == 8  # gunicorn.conf.py: GUNICORN_THREADS, default 8


def test_one_limit_covers_the_fast_attempt_and_the_isolated_run() -> None:
    def slow_then_escalate(*args, **kwargs):
        time.sleep(0.6)
        raise Escalate()

    with mock.patch.object(sandbox, "evaluate_here", slow_then_escalate), \
            mock.patch.object(_isolation.SandboxPool, "run", return_value=3) as isolated:
        assert sandbox.evaluate("x + y", {"x": 1, "y": 2}) == 3
    seconds = isolated.call_args.args[3]
    assert seconds <= MAX_SECONDS - 0.6

    def too_slow(*args, **kwargs):
        time.sleep(MAX_SECONDS)
        raise Escalate()

    with mock.patch.object(sandbox, "execute_here", too_slow), \
            mock.patch.object(_isolation.SandboxPool, "run") as isolated, \
            pytest.raises(ExpressionError, match="too long"):
        sandbox.execute("n = n + m", {"n": 1, "m": 2})
    assert not isolated.called


def _request(source: str) -> bytes:
    buffer = io.BytesIO()
    _wire.DataPickler(buffer, protocol=5).dump(("eval", source, {}, current_time(), 1.0, ()))
    return buffer.getvalue()


def test_a_child_with_an_answer_waiting_is_not_reused(fresh_pool) -> None:
    pool = warm_pool(1)
    child = pool._take()
    child.send(_request("1"))  # an answer nobody reads: what an escaped child could pre-write
    select.select([child.answers], [], [], 10)
    pool._give_back(child)
    assert child.proc.pid not in pool.idle_pids()
    assert _gone(child.proc.pid)
    assert sandbox.evaluate("[n for n in [1]]") == [1]


def test_a_child_is_retired_after_a_fault_or_many_calls(fresh_pool) -> None:
    pool = warm_pool(1)
    assert sandbox.evaluate("[n for n in [1]]") == [1]
    used = pool.idle_pids()
    with mock.patch.object(_isolation, "decode", side_effect=_wire.SandboxFault("x")), \
            pytest.raises(_wire.SandboxFault):
        sandbox.evaluate("[n for n in [1]]")
    assert all(_gone(pid) for pid in set(used) - set(pool.idle_pids()))
    assert len(set(used) - set(pool.idle_pids())) == 1  # the one that answered

    warm_pool(1)
    with mock.patch.object(_isolation, "MAX_CALLS", 1):
        before = set(pool.idle_pids())
        assert sandbox.evaluate("[n for n in [2]]") == [2]
        retired = before - set(pool.idle_pids())
    assert len(retired) == 1 and _gone(retired.pop())


def test_an_ordinary_error_keeps_the_child(fresh_pool) -> None:
    pool = warm_pool(1)
    with pytest.raises(ExpressionError):
        sandbox.evaluate("[m for m in [x]][0].secret", {"x": 1})
    assert sandbox.evaluate("[n for n in [1]]") == [1]
    assert len(pool.idle_pids()) >= 1


def test_a_failed_answer_is_a_fault() -> None:
    import pickle
    with pytest.raises(_wire.SandboxFault, match="too much memory"):
        _wire.decode(pickle.dumps(("failed", ("The expression needed too much memory.", {}))),
                     "eval")
    with pytest.raises(ExpressionError) as ordinary:
        _wire.decode(pickle.dumps(("error", ("Expression refused: %(reason)s",
                                             {"reason": "x"}))), "eval")
    assert type(ordinary.value) is ExpressionError


def test_children_write_no_core_dumps() -> None:
    pool = warm_pool(1)
    child = pool._take()
    child.send(_request("1"))
    child.receive(time.monotonic() + 10)  # it answered: its limits are in place
    limits = Path(f"/proc/{child.proc.pid}/limits").read_text()
    pool._give_back(child)
    line = next(row for row in limits.splitlines() if row.startswith("Max core file size"))
    assert line.split()[4:6] == ["0", "0"]


def test_case_data_values_are_pickled_without_running_their_code() -> None:
    called: list[str] = []

    class Sly:
        def __eq__(self, other: object) -> bool:
            called.append("eq")
            return True

        __hash__ = object.__hash__

    buffer = io.BytesIO()
    _wire.DataPickler(buffer, protocol=5).dump({"x": Sly()})
    assert not called
    assert "Sly" in str(buffer.getvalue())  # travelled as Opaque("Sly"), not as itself
    assert b"Opaque" in buffer.getvalue()
