"""Timing helpers and the result table every benchmark prints."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None
    note: str = ""


def measure(fn: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    """Wall-clock seconds of each call after a few warm-up calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def measure_pair(a: Callable[[], object], b: Callable[[], object], repeat: int,
                 warmup: int = 5) -> tuple[list[float], list[float]]:
    """Time a and b alternately, so both see the same machine conditions."""
    for _ in range(warmup):
        a()
        b()
    times_a, times_b = [], []
    for _ in range(repeat):
        for fn, out in ((a, times_a), (b, times_b)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return times_a, times_b


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def p95_ms(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] * 1000


def print_table(title: str, rows: list[Row]) -> None:
    """A Markdown table, ready to paste into docs/benchmarks.md."""
    print(f"\n### {title}\n")
    print("| measure | value | target | ok |")
    print("| --- | ---: | --- | --- |")
    for r in rows:
        ok = "" if r.ok is None else ("yes" if r.ok else "NO")
        note = f" ({r.note})" if r.note else ""
        print(f"| {r.name}{note} | {r.value:,.3f} {r.unit} | {r.target} | {ok} |")
