"""Which sandboxed code may run in the web worker itself: code proven to stay bounded.

The trace-based deadline (``_limits``) is checked between bytecodes only, so in-process code
is bounded only if every single operation it can reach is. This whitelist admits code that
does a bounded number of operations (no loops, comprehensions, lambdas or functions; at most
MAX_NODES syntax nodes), each of which costs at most linear (n log n for min/max with a key)
time in the size of values it is given; it can build no container from variables, so the
shared-reference traps (``[a] * 10**5`` then ``.count(b)``, ``repr`` or ``==`` of such
structures) cannot be set up. Data reaching it is bounded: request bodies by
MAX_CONTENT_LENGTH, anything sandboxed code produced by ``check_data``, which counts shared
references once per reference. Operations whose cost depends on the value at run time
(``+`` and ``*`` on containers or on ``Decimal``, whose multiplication is quadratic in its
digits) raise ``Escalate`` instead; the caller then runs the code in a sandbox process.
Fast-path code cannot change its input data, so escalating after a partial run is safe.
Everything else (scripts with loops, comprehensions, ``round`` with a huge negative
precision, ...) always runs in the sandbox process.
"""

from __future__ import annotations

import ast
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from workflows._guards import Guards
from workflows._restricted import Mode, prepare
from workflows.ast_lock import AST_LOCK

MAX_NODES = 200
CALLABLES = frozenset({
    "len", "abs", "bool", "int", "float", "str", "min", "max", "Decimal", "date", "datetime",
    "timedelta", "today", "now", "add_business_days", "is_business_day", "fiscal_year", "wareki",
})
# Attributes and methods that cost O(1) or linear time on every type the guards allow them on.
ATTRIBUTES = frozenset({
    "year", "month", "day", "hour", "minute", "second", "microsecond", "days", "seconds",
    "microseconds", "min", "max", "isoformat", "weekday", "isoweekday", "toordinal", "date",
    "time", "timestamp", "astimezone", "strftime", "total_seconds", "combine", "fromisoformat",
    "fromordinal", "get", "keys", "values", "items", "lower", "upper", "casefold", "title",
    "capitalize", "swapcase", "strip", "lstrip", "rstrip", "startswith", "endswith", "isdigit",
    "isdecimal", "isnumeric", "isalpha", "isalnum", "isspace", "islower", "isupper", "replace",
    "join", "removeprefix", "removesuffix", "is_integer",
})
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod)
_SIMPLE = (
    ast.Expression, ast.Module, ast.Expr, ast.Pass, ast.If, ast.BoolOp, ast.And, ast.Or,
    ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Compare, ast.cmpop, ast.IfExp, ast.Subscript,
    ast.Slice, ast.Constant, ast.JoinedStr, ast.FormattedValue, ast.Load, ast.Store,
    ast.keyword, *_OPERATORS,
)
_PLAIN = frozenset({bool, int, float, str, date, datetime, time, timedelta})


class Escalate(BaseException):  # noqa: N818 - a signal, not an error
    """Raised by FastGuards when the fast path meets a value it cannot bound."""


def _constant(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_constant(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _constant(k) for k in node.keys) and \
            all(_constant(v) for v in node.values)
    return False


def _allowed(node: ast.AST) -> bool:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)):
        return _constant(node)  # containers built from variables are not bounded
    if isinstance(node, ast.Name):
        # A script may not rebind a whitelisted function to, say, a list's .count method.
        return not (isinstance(node.ctx, ast.Store) and node.id in CALLABLES)
    if isinstance(node, ast.Attribute):
        return node.attr in ATTRIBUTES
    if isinstance(node, ast.Call):
        plain_args = not any(isinstance(a, ast.Starred) for a in node.args) and \
            all(k.arg is not None for k in node.keywords)
        named = isinstance(node.func, ast.Name) and node.func.id in CALLABLES
        return plain_args and (named or isinstance(node.func, ast.Attribute))
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets)
    if isinstance(node, (ast.AugAssign, ast.BinOp)):
        target_ok = not isinstance(node, ast.AugAssign) or isinstance(node.target, ast.Name)
        return target_ok and isinstance(node.op, _OPERATORS)
    return isinstance(node, _SIMPLE)


@lru_cache(maxsize=2048)
def is_bounded(source: str, mode: Mode) -> bool:
    """True if source (already accepted by the sandbox compiler) may run in-process."""
    with AST_LOCK:
        tree = ast.parse(prepare(source, mode), mode=mode)
    nodes = list(ast.walk(tree))
    return len(nodes) <= MAX_NODES and all(_allowed(n) for n in nodes)


class FastGuards(Guards):
    """The guards for in-process runs: arithmetic on containers or Decimal escalates.

    Exact types only (a subclass could bring its own __add__); one line each, as every
    traced line costs time on the fast path.
    """

    def add(self, a: Any, b: Any) -> Any:
        """a + b on plain scalars (str, numbers, dates) only."""
        if type(a) not in _PLAIN or type(b) not in _PLAIN:
            raise Escalate()
        return Guards.add(self, a, b)

    def mul(self, a: Any, b: Any) -> Any:
        """a * b on plain scalars only (``"x" * n`` is size-checked by Guards.mul)."""
        if type(a) not in _PLAIN or type(b) not in _PLAIN:
            raise Escalate()
        return Guards.mul(self, a, b)

    def mod(self, a: Any, b: Any) -> Any:
        """a % b: numbers, or ``str % scalar`` (a tuple of arguments would be a container)."""
        if type(a) not in _PLAIN or type(b) not in _PLAIN:
            raise Escalate()
        return Guards.mod(self, a, b)
