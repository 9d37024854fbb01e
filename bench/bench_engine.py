"""Engine alone: loop round cost (round 1 vs 1,000) and saved-state size."""

from __future__ import annotations

import json
import statistics
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bench.common import Row, print_table
from workflows import engine
from workflows._serializer import plain_serialisation_size

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "bpmn"
NOW = datetime(2026, 4, 1, 9, tzinfo=timezone(timedelta(hours=9)))
ANSWERS = ({"decision": "return"}, {"resubmitted_on": date(2026, 4, 3)})


def _round(bundle: engine.ProcessBundle, run: engine.Run, persist: bool) -> engine.Run:
    for answer in ANSWERS:
        if persist:  # what the web layer does: save after a step, load before the next
            run = engine.restore(bundle, json.loads(json.dumps(run.dump())), now=NOW)
        run.complete(run.ready_user_tasks()[0].task_id, answer)
    return run


def measure(rounds: int = 1_000, persist: bool = False) -> tuple[float, float, engine.Run]:
    """Return median ms per round for the first and last 20 rounds, and the final run."""
    bundle = engine.parse_bundle({"loop.bpmn": (FIXTURES / "correction_loop.bpmn").read_bytes()})
    run = engine.start(bundle, {}, now=NOW)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run = _round(bundle, run, persist)
        times.append(time.perf_counter() - started)
    return statistics.median(times[:20]) * 1e3, statistics.median(times[-20:]) * 1e3, run


def main() -> None:
    """Print the numbers as a table."""
    rows = []
    for persist in (False, True):
        first, last, run = measure(persist=persist)
        label = "save+load every step" if persist else "in memory"
        rows += [Row(f"engine round 1–20, {label}", first, "ms"),
                 Row(f"engine round 981–1000, {label}", last, "ms", "≤ 2× round 1",
                     last <= 2 * first, f"tree {run.tree_size} tasks")]
    rows += [Row("saved state after 1,000 rounds", len(json.dumps(run.dump())) / 1024, "KiB"),
             Row("SpiffWorkflow's own JSON of the same run",
                 plain_serialisation_size(run._wf) / 1024, "KiB")]
    print_table("Engine alone: long-lived loop and state size", rows)


if __name__ == "__main__":
    main()
