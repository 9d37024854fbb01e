"""The expression sandbox: classic escapes fail without running, normal expressions work."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from workflows._clock import frozen_clock
from workflows.errors import ExpressionError
from workflows.sandbox import check_expression, evaluate, execute, timer_literal

ESCAPES = [
    "().__class__.__base__.__subclasses__()",
    "__import__('os')",
    "[].__class__.__mro__",
    "getattr(o, '__globals__')",
    "'{0.__class__}'.format(x)",
    "'{0.__class__}'.format_map({'x': x})",
    "str.format('{0.__class__}', x)",
    "(x for x in []).gi_frame",
    "(lambda: 0).__globals__",
    "type(x)",
    "vars()",
    "open('/etc/passwd')",
    "eval('1')",
    "date.today().__class__",
    "o.real.__class__",
]


class Marker:
    """An object whose attributes must stay out of reach."""

    touched = False

    @property
    def secret(self) -> str:
        Marker.touched = True
        return "leak"


@pytest.mark.parametrize("source", ESCAPES)
def test_classic_escapes_fail_with_sandbox_error(source: str) -> None:
    with pytest.raises(ExpressionError):
        evaluate(source, {"o": 1, "x": "a"})


@pytest.mark.parametrize("source", ESCAPES[:9])
def test_classic_escapes_are_refused_at_compile_time(source: str) -> None:
    assert check_expression(source, "eval") is not None


def test_attribute_of_foreign_object_is_refused_without_running_it() -> None:
    with pytest.raises(ExpressionError, match="not available"):
        evaluate("m.secret", {"m": Marker()})
    assert Marker.touched is False


@pytest.mark.parametrize("source", [
    "import os", "from os import path", "class A: pass",
    "try:\n    x = 1\nexcept:\n    pass", "def g():\n    yield 1", "global x",
])
def test_forbidden_statements_do_not_compile(source: str) -> None:
    assert check_expression(source, "exec") is not None
    with pytest.raises(ExpressionError):
        execute(source, {})


def test_exploit_never_runs_its_side_effect() -> None:
    data: dict = {"hits": []}
    with pytest.raises(ExpressionError):
        execute("hits.append(1)\n().__class__", data)
    assert data["hits"] == []  # refused at compile time, before the first line ran


@pytest.mark.parametrize("source", [
    "'x' * 10**10", "10**10**10", "[0] * 10**9", "2 << 10**9", "'x'.ljust(10**9)",
    "f'{1:>999999999}'", "'%0999999999d' % 1", "'ab'.replace('', 'x' * 90000)",
    "''.join(['x' * 90000] * 90)", "sum([[1]] * 10, [])", "Decimal(10) ** 10**9",
    "list(range(10**9))", "'%(x)999999999s' % {'x': 1}", "int(Decimal('1e999999'))",
])
def test_huge_results_are_refused_quickly(source: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ExpressionError):
        evaluate(source)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("script", [
    "while True: pass",
    "while True:\n    x = 1",
    "f = lambda: [1 for i in range(100000) for j in range(100000)]\ny = f()",
    "items = []\nwhile True:\n    items.append(1)",
])
def test_endless_loops_stop_within_a_second(script: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ExpressionError, match="too"):
        execute(script, {})
    assert time.perf_counter() - started < 1.5


def test_doubling_a_string_hits_the_size_limit() -> None:
    with pytest.raises(ExpressionError):
        execute("s = 'x'\nwhile True:\n    s = s + s", {})


def test_recursion_is_stopped() -> None:
    with pytest.raises(ExpressionError, match="recursed"):
        execute("def f(n):\n    return f(n + 1)\nr = f(0)", {})


def test_result_data_size_is_capped() -> None:
    with pytest.raises(ExpressionError, match="too large"):
        execute("rows = ['x' * 9000 for i in range(80)]", {})
    with pytest.raises(ExpressionError, match="nested"):
        execute("x = []\nfor i in range(100):\n    x = [x]", {})


def test_normal_conditions() -> None:
    data = {"amount": 1500, "kind": "a"}
    assert evaluate("amount > 1000 and kind == 'a'", data) is True
    assert evaluate("amount > 1000 and kind == 'b'", data) is False
    assert evaluate("\n  amount >= 1500\n", data) is True  # modeler whitespace
    assert evaluate("len([k for k in ['a', 'b'] if k != kind])", data) == 1


def test_scripts_assign_variables_and_keep_data() -> None:
    result = execute(
        "total = sum([r['price'] * r['qty'] for r in rows])\n"
        "label = f'{total:,}円'\n"
        "names = sorted(set(r['name'].upper() for r in rows))\n"
        "fee = Decimal(total) * Decimal('0.1')\n"
        "double = lambda v: v * 2\n"
        "count += 1",
        {"rows": [{"name": "a", "price": 100, "qty": 3}, {"name": "b", "price": 50, "qty": 1}],
         "count": 1},
    )
    assert result["total"] == 350
    assert result["label"] == "350円"
    assert result["names"] == ["A", "B"]
    assert result["fee"] == Decimal("35.0")
    assert result["count"] == 2
    assert "double" not in result  # functions are script helpers, not case data


def test_unsavable_values_are_reported_by_name() -> None:
    with pytest.raises(ExpressionError, match="gen"):
        execute("gen = (i for i in range(3))", {})


def test_business_day_helpers_and_engine_clock() -> None:
    with frozen_clock(datetime(2025, 12, 26, 1, 0, tzinfo=UTC)):  # Friday 10:00 in Japan
        assert evaluate("today()") == date(2025, 12, 26)
        assert evaluate("add_business_days(today(), 1)") == date(2026, 1, 5)  # 年末年始
        assert evaluate("is_business_day(date(2026, 1, 2))") is False
        assert evaluate("fiscal_year(date(2026, 3, 31))") == 2025
        assert evaluate("wareki(date(2025, 1, 6))") == "令和7年1月6日"
        assert evaluate("now().hour") == 10
        assert evaluate("today() + timedelta(days=7)") == date(2026, 1, 2)
    with pytest.raises(ExpressionError):
        evaluate("add_business_days(date(2026, 1, 5), 10**6)")
    with pytest.raises(ExpressionError, match="today"):
        evaluate("date.today()")  # the wall clock is not available


def test_clock_is_per_context() -> None:
    first = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)
    with frozen_clock(first):
        with frozen_clock(first + timedelta(days=2)):
            assert evaluate("today()") == date(2026, 4, 3)
        assert evaluate("today()") == date(2026, 4, 1)


@pytest.mark.parametrize("text", ["P3D", "PT2H", "R3/PT1H", "2026-04-01T09:00:00+09:00",
                                  " P1Y2M10DT2H30M ", "R/2026-04-01T09:00:00Z/P1D", "2026-04-01"])
def test_timer_literals_are_taken_as_strings(text: str) -> None:
    assert timer_literal(text) == text.strip()


@pytest.mark.parametrize("text", ["'P3D'", "due_date", "P", "amount > 3", "PX"])
def test_other_expressions_are_not_timer_literals(text: str) -> None:
    assert timer_literal(text) is None


def test_check_expression_compiles_only() -> None:
    assert check_expression("amount > 1000", "eval") is None
    assert check_expression("x = 1\ny = x + 1", "exec") is None
    assert check_expression("amount >", "eval") is not None
    assert "_" in (check_expression("x.__class__", "eval") or "")
    assert check_expression("launch()", "eval") is None  # names are resolved at run time


def test_runtime_errors_become_expression_errors() -> None:
    with pytest.raises(ExpressionError, match="NameError"):
        evaluate("missing > 1", {})
    with pytest.raises(ExpressionError, match="ZeroDivisionError"):
        evaluate("1 / 0")


def test_data_keys_cannot_replace_the_guards() -> None:
    data = {"_getattr_": "not a guard", "name": "abc"}
    assert evaluate("name.upper()", data) == "ABC"
    with pytest.raises(ExpressionError):
        evaluate("name.__class__", data)
    assert execute("n = len(name)", data) == {"_getattr_": "not a guard", "name": "abc", "n": 3}


class _Garbage:
    """A reference cycle with a finalizer: collecting it runs Python code in mid-parse."""

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        sum(range(50))


def test_expressions_compiled_by_many_threads_at_once_all_compile():
    # Request threads compile while others make garbage: on CPython 3.11 two parses at once
    # could fail with SystemError (workflows/ast_lock.py).
    outcomes: list[str | None] = []

    def compile_many(thread: int) -> None:
        for n in range(500):
            for _ in range(30):
                _Garbage()
            source = " and ".join(f"(v{thread}_{n}_{k} > {k} or w == 'a{k}')" for k in range(10))
            try:
                outcomes.append(check_expression(source, "eval"))
            except Exception as exc:  # noqa: BLE001 (the failure this test is about)
                outcomes.append(repr(exc))

    threads = [threading.Thread(target=compile_many, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2000
    assert set(outcomes) == {None}
