"""The sandbox hard limit (issue 15): nothing sandboxed holds its caller past the deadline.

A trace-based deadline cannot stop one long call in C; code not proven bounded runs in a
sandbox process that is killed on deadline (workflows/_isolation.py).
"""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from flask_babel import gettext as _

from tests.support.sandbox_timing import child_run_times, warm_pool
from workflows import _isolation, _wire, sandbox
from workflows._clock import frozen_clock
from workflows._fastpath import is_bounded
from workflows._limits import GRACE_SECONDS, MAX_SECONDS, step_budget
from workflows.errors import ExpressionError

ROOT = Path(__file__).resolve().parents[2]
ISSUE_SCRIPT = ("a = list(range(100000)); b = list(range(100000)); x = [a]*100000; "
                "r = x.count(b)")
BOUND = MAX_SECONDS + 0.5  # what the issue allows: the deadline plus half a second
C_TRAPS = [
    ISSUE_SCRIPT,
    # Membership and equality compare 100,000 references to the same long list one by one.
    "a = list(range(100000)); b = list(range(100000)); b[-1] = -1; x = [a]*100000\n"
    "r = b in x",
    "a = list(range(50000)); x = [a]*100000; y = [list(range(50000))]*100000; r = x == y",
    "a = list(range(100000)); x = [a]*100000; r = max(x)",
    "s = str([list(range(1000))] * 100000)",  # repr of shared references: 490 MB of text
    "r = round(5, -10**8)",  # computes 10 ** 100,000,000
]


def _children() -> dict[int, tuple[str, bytes]]:
    """This process's children: pid -> (state, command line); zombies have no command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            found[int(entry.name)] = (fields[0], cmdline)
    return found


def _sandbox_children() -> set[int]:
    return {pid for pid, (_state, cmd) in _children().items() if b"_sandbox_child" in cmd}


def _zombies() -> set[int]:
    return {pid for pid, (state, _cmd) in _children().items() if state == "Z"}


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def fresh_pool():
    _isolation.shutdown()
    yield _isolation.pool()
    _isolation.shutdown()


@pytest.fixture
def warm():
    """Idle children ready before anything is timed (starting one is not the code's time)."""
    return warm_pool(2)


def _timed(call):
    started = time.perf_counter()
    try:
        return call(), time.perf_counter() - started
    except ExpressionError as err:
        return err, time.perf_counter() - started


def test_the_issue_script_stops_within_the_deadline_and_the_next_call_works(warm) -> None:
    with child_run_times() as ran:
        error, elapsed = _timed(lambda: sandbox.execute(ISSUE_SCRIPT, {}))
        assert isinstance(error, ExpressionError) and "too long" in error.message
        assert ran[-1] < BOUND  # the code itself, stopped by the kill
        assert elapsed < BOUND + 1.0  # and the caller is not held (before: 30 s)
        result = sandbox.execute("n = len([k for k in keys])", {"keys": ["a", "b"]})
    assert result == {"keys": ["a", "b"], "n": 2} and ran[-1] < BOUND


@pytest.mark.parametrize("script", C_TRAPS)
def test_long_calls_in_c_are_stopped_within_the_deadline(script: str, warm) -> None:
    with child_run_times() as ran:
        error, elapsed = _timed(lambda: sandbox.execute(script, {}))
    assert isinstance(error, ExpressionError), error
    assert ran and max(ran) < BOUND and elapsed < BOUND + 1.0


@pytest.mark.parametrize("source", [
    "amount > 1000 and kind == 'a'", "decision == 'return'", "kind in ('a', 'b')",
    "today() + timedelta(days=3)", "(submitter_type) == (\"business\")", "not urgent",
    "name.strip().lower() == 'x'", "f'{count}件'", "d.get('k', 0) >= 1 if d else False",
    "withdraw_at", "-amount < 0 < len(items) <= 3", "add_business_days(today(), 5)",
])
def test_plain_conditions_take_the_in_process_fast_path(source: str) -> None:
    assert is_bounded(source, "eval")


@pytest.mark.parametrize("source", [
    "return_count += 1", "outcome = 'withdrawn'", "amount_yen = int(amount)",
    "share = 1000 // parts",
    "due = (datetime.combine(add_business_days(today(), days), datetime.min.time())"
    " + timedelta(hours=17, minutes=15)).isoformat()",
    "if amount > 10:\n    level = 'supervisor'\nelse:\n    level = 'clerk'",
])
def test_simple_scripts_take_the_fast_path(source: str) -> None:
    assert is_bounded(source, "exec")


@pytest.mark.parametrize("source", [
    "[a] * 3", "[x for x in items]", "(lambda: 1)()", "items.count(b)", "round(x, -5)",
    "sorted(items)", "sum(items)", "2 ** 10", "1 << 5", "[a, b]", "{'k': v}", "f(x)",
    "x if y else z.count(1)", " or ".join(["x == 1"] * 100), "list(items)", "min(*items)",
])
def test_everything_else_runs_in_a_sandbox_process(source: str) -> None:
    assert not is_bounded(source, "eval")


@pytest.mark.parametrize("source", [
    ISSUE_SCRIPT, "while True:\n    pass", "for i in range(3):\n    x = i",
    "len = items.count\nr = len(b)", "def f():\n    return 1", "a, b = 1, 2", "d['k'] = 1",
    "items.append(1)",
])
def test_scripts_with_loops_functions_or_mutation_run_in_a_sandbox_process(source: str) -> None:
    assert not is_bounded(source, "exec")


def test_fast_path_runs_without_the_pool_and_escalates_what_it_cannot_bound() -> None:
    real = _isolation.pool()
    with mock.patch.object(_isolation, "pool", return_value=real) as used:
        assert sandbox.evaluate("amount > 1000", {"amount": 1500}) is True
        assert sandbox.execute("n = n + 1", {"n": 1}) == {"n": 2}
        assert used.call_count == 0
        # Syntactically bounded, but + and * of lists or Decimals depend on the values.
        assert sandbox.evaluate("x + y", {"x": [1], "y": [2]}) == [1, 2]
        assert sandbox.evaluate("d * 2", {"d": Decimal("1.5")}) == Decimal("3.0")
        assert sandbox.execute("n += m", {"n": [1], "m": [2]}) == {"n": [1, 2], "m": [2]}
        assert used.call_count == 3


def test_the_engine_clock_and_hidden_keys_reach_the_right_places() -> None:
    with frozen_clock(datetime(2025, 12, 26, 1, 0, tzinfo=UTC)):
        assert sandbox.evaluate("[today()][0]") == date(2025, 12, 26)
        assert sandbox.evaluate("[now().hour][0]") == 10
    engine_value = object()
    result = sandbox.execute("y = [v * 2 for v in [x]][0]", {"x": 2, "_engine": engine_value})
    assert result == {"x": 2, "y": 4, "_engine": engine_value}


def test_concurrent_threads_share_the_pool_and_a_runaway_holds_only_its_own(fresh_pool) -> None:
    warm_pool(7)
    results: dict[int, object] = {}
    failures: list[BaseException] = []  # asserted here: an exception in a thread is lost

    def guarded(call) -> None:
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    def work(n: int) -> None:
        values = [sandbox.evaluate("sum([v for v in range(n)])", {"n": n + k})
                  for k in range(15)]
        results[n] = values

    def runaway() -> None:
        results[-1] = _timed(lambda: sandbox.execute(ISSUE_SCRIPT, {}))

    threads = [threading.Thread(target=guarded, args=(lambda n=n: work(n),)) for n in range(6)]
    threads.append(threading.Thread(target=guarded, args=(runaway,)))
    with child_run_times() as ran:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures
    assert not any(thread.is_alive() for thread in threads)
    for n in range(6):
        assert results[n] == [sum(range(n + k)) for k in range(15)]
    error, _elapsed = results[-1]
    assert isinstance(error, ExpressionError) and "too long" in error.message
    assert len(ran) == 6 * 15 + 1 and max(ran) < BOUND  # no child ran past its deadline


def test_a_killed_child_is_reaped_and_shutdown_leaves_no_process(fresh_pool) -> None:
    assert sandbox.evaluate("[1 for i in range(2)]") == [1, 1]
    before = _sandbox_children()
    with pytest.raises(ExpressionError):
        sandbox.execute(ISSUE_SCRIPT, {})
    for _wait in range(50):  # a spawner thread reaps it right after the kill
        if before - _sandbox_children() and not _zombies():
            break
        time.sleep(0.05)
    assert before - _sandbox_children()  # the killed child is gone,
    assert not _zombies()  # not left as a zombie
    assert sandbox.evaluate("[2 for i in range(1)]") == [2]
    _isolation.shutdown()
    assert not _sandbox_children() and not _zombies()


def test_children_end_when_their_parent_is_killed(tmp_path) -> None:
    script = (
        "import os, signal, sys\n"
        "from workflows import _isolation, sandbox\n"
        "sandbox.evaluate('[1 for i in range(1)]')\n"
        "print(_isolation.pool().idle_pids()[0], flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    parent = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=30)
    assert parent.returncode == -signal.SIGKILL
    pid = int(parent.stdout.strip())
    for _wait in range(40):
        if not _running(pid):
            break
        time.sleep(0.05)
    assert not _running(pid)


def test_the_step_budget_bounds_many_calls_together(warm) -> None:
    with child_run_times() as ran, step_budget(0.4):
        assert sandbox.evaluate("amount > 1", {"amount": 2}) is True
        with pytest.raises(ExpressionError, match="too long"):
            sandbox.execute(ISSUE_SCRIPT, {})
        with pytest.raises(ExpressionError, match="This step ran longer"):
            sandbox.evaluate("amount > 1", {"amount": 2})
    assert len(ran) == 1 and ran[0] < 0.4 + GRACE_SECONDS + 0.2


def test_answers_of_a_child_are_plain_data_only() -> None:
    for answer in (("ok", os.system), ("ok", [pickle.loads]), ("ok", range(3))):
        with pytest.raises(ExpressionError, match="sandbox process"):
            _wire.decode(pickle.dumps(answer), "eval")
    with pytest.raises(ExpressionError, match="nested too deeply"):
        nested: list = []
        for _level in range(100):
            nested = [nested]
        _wire.decode(pickle.dumps(("ok", {"x": nested})), "exec")
    assert _wire.translate(("%(a)999999999s", {"a": "x"})) == \
        "The expression stopped its sandbox process."


def test_messages_from_the_child_are_translated_as_in_process(warm) -> None:
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "webapp" / "translations")
    Babel(app, default_locale="ja")
    with app.test_request_context(), force_locale("ja"):
        with pytest.raises(ExpressionError) as refused:
            sandbox.evaluate("[m for m in [x]][0].secret", {"x": 1})
        assert refused.value.message == _(
            "Expression refused: %(reason)s",
            reason=_("attribute '%(name)s' is not available", name="secret"))
        assert refused.value.message.startswith("式の実行を拒否しました")
        with pytest.raises(ExpressionError) as stopped:
            sandbox.execute(ISSUE_SCRIPT, {})
        assert stopped.value.message == "式の実行に時間がかかりすぎたため停止しました。"


@pytest.mark.parametrize("script", ["y = 1", "y = [1 for i in range(1)][0]"])
def test_external_context_stays_out_of_task_data_on_both_paths(script: str) -> None:
    environment = sandbox.SandboxEnvironment()
    context = {"x": 1}
    environment.execute(script, context, {"data_object": [1, 2]})
    assert context == {"x": 1, "y": 1}
    environment.execute("data_object = [3 for i in range(1)]", context, {"data_object": [1]})
    assert context == {"x": 1, "y": 1, "data_object": [3]}  # assigned: kept
