"""Sandbox cost per evaluation (issue 15): in-process fast path and sandbox process vs before.

"Before" is the previous implementation, still here as ``_restricted.evaluate_here`` /
``execute_here`` with the default guards and tracer (line budget and trace deadline, no
process); ``sandbox.evaluate``/``execute`` added only the "_" keys step, repeated here.
Both sides are timed alternately in the same run, on case data of typical size (40 keys).
"""

from __future__ import annotations

from bench.common import Row, measure_pair, median_ms, print_table
from workflows import _isolation, sandbox
from workflows._fastpath import is_bounded
from workflows._restricted import evaluate_here, execute_here

DATA = {f"field_{i}": f"値{i}" * 3 for i in range(36)} | {
    "amount": 1500, "kind": "a", "decision": "return", "return_count": 2}
CASES = [
    ("condition", "eval", "amount > 1000 and kind == 'a'"),
    ("DMN cell", "eval", "(decision) == (\"return\")"),
    ("script", "exec", "return_count += 1"),
    ("condition with a comprehension", "eval", "len([k for k in ['a', 'b'] if k != kind])"),
    ("script with a loop", "exec", "total = 0\nfor i in range(10):\n    total += i"),
]


def rows(repeat: int = 2000) -> list[Row]:
    result = []
    for label, mode, source in CASES:
        path = "fast path" if is_bounded(source, mode) else "sandbox process"
        if mode == "eval":
            def new(s=source):
                return sandbox.evaluate(s, DATA)

            def old(s=source):
                return evaluate_here(s, DATA)
        else:
            def new(s=source):
                return sandbox.execute(s, DATA)

            def old(s=source):
                result = execute_here(s, DATA)  # what execute() did, in full
                result.update((k, v) for k, v in DATA.items() if str(k).startswith("_"))
                return result
        after, before = measure_pair(new, old, repeat=repeat, warmup=50)
        ratio = median_ms(after) / median_ms(before)
        fast = path == "fast path"
        result += [
            Row(f"{label}, before (in process, traced)", median_ms(before) * 1000,
                "µs"),
            Row(f"{label}, now ({path})", median_ms(after) * 1000, "µs",
                "≤ 1.1× before" if fast else "", ratio <= 1.1 if fast else None,
                f"{ratio:.2f}× before"),
        ]
    return result


def main() -> None:
    print_table("Sandbox: cost per evaluation (median of 2,000, 40-key case data)", rows())
    _isolation.shutdown()


if __name__ == "__main__":
    main()
