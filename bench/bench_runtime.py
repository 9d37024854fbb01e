"""Workflow runtime benchmarks (issue 3): operations vs bare engine, queue, loops, timers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import Row, measure, measure_pair, median_ms, p95_ms, print_table
from bench.support import ROOT, make_clerk, scratch_app

SIX = Path(__file__).resolve().parent / "fixtures" / "six_steps.bpmn"
LOOP = ROOT / "tests" / "fixtures" / "bpmn" / "correction_loop.bpmn"
T0 = datetime(2026, 6, 1, tzinfo=UTC)


def bare_engine_case() -> None:
    """Plain SpiffWorkflow: parse once, then save+load around every one of the six steps."""
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser()
    parser.add_bpmn_file(str(SIX))
    spec = parser.get_spec("six_steps")
    serializer = BpmnWorkflowSerializer()

    def one_case() -> None:
        wf = BpmnWorkflow(spec)
        wf.do_engine_steps()
        state = serializer.serialize_json(wf)
        while True:
            wf = serializer.deserialize_json(state)
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            ready[0].data.update({"note": ""})
            ready[0].run()
            wf.do_engine_steps()
            state = serializer.serialize_json(wf)

    return one_case


def ops_case(clerk, dept):
    """The same six steps through the operations layer, one committed transaction per step.

    Like an API client: each step looks the work item up by the task id the previous step
    returned, with the operations layer's one-statement loader (work item and case together).
    """
    from webapp.extensions import db
    from workflows import cases, loading

    def one_case() -> None:
        outcome = cases.start_case("six_steps", {}, actor=clerk, department=dept, now=T0)
        db.session.commit()
        steps = 0
        while outcome.new_task_ids:
            item = loading.work_item_by_task_id(outcome.new_task_ids[0])
            outcome = cases.complete_task(item, {"note": ""}, actor=clerk, now=T0)
            db.session.commit()
            steps += 1
        assert steps == 6 and outcome.case.status == "completed", (steps, outcome.case.status)

    return one_case


def six_step_rows() -> list[Row]:
    from webapp.extensions import db
    from workflows import registry

    with scratch_app():
        clerk, dept = make_clerk("bench.clerk", "HOKEN")
        registry.deploy({"six_steps.bpmn": SIX.read_bytes()}, None)
        db.session.commit()
        # Interleaved, so that load from elsewhere on the machine hits both sides alike.
        ops, bare = measure_pair(ops_case(clerk, dept), bare_engine_case(), repeat=80)
    ratio = median_ms(ops) / median_ms(bare)
    return [
        Row("six-step case, bare SpiffWorkflow with save/load per step (median)",
            median_ms(bare), "ms"),
        Row("six-step case, operations layer on SQLite, commit per step (median)",
            median_ms(ops), "ms"),
        Row("ratio operations / bare engine", ratio, "×", "≤ 2.0", ratio <= 2.0),
    ]


def loop_rows(rounds: int = 1000) -> list[Row]:
    from models.work_item import WorkItem
    from webapp.extensions import db
    from workflows import cases, registry

    with scratch_app():
        clerk, dept = make_clerk("bench.clerk", "HOKEN")
        registry.deploy({"correction_loop.bpmn": LOOP.read_bytes()}, None)
        db.session.commit()
        case = cases.start_case("correction_loop", {}, actor=clerk, department=dept,
                                now=T0).case
        db.session.commit()

        def item(bpmn_id):
            return db.session.query(WorkItem).filter_by(case_id=case.id, bpmn_id=bpmn_id,
                                                         status="open").one()

        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            cases.complete_task(item("review"), {"decision": "return", "reason": "x"},
                                actor=clerk, now=T0)
            db.session.commit()
            cases.complete_task(item("await_correction"), {"resubmitted_on": "2026-06-02"},
                                actor=clerk, now=T0)
            db.session.commit()
            times.append(time.perf_counter() - start)
    first, last = median_ms(times[:20]), median_ms(times[-20:])
    ratio = last / first
    return [
        Row("one correction round at rounds 1–20 (median)", first, "ms"),
        Row(f"one correction round at rounds {rounds - 19}–{rounds} (median)", last, "ms"),
        Row("ratio round 1,000 / round 1", ratio, "×", "≤ 2.0", ratio <= 2.0),
    ]


def queue_rows(total: int = 1_000_000) -> list[Row]:
    from bench.fill import fill_work_items, team_queue_query
    from webapp.extensions import db

    with scratch_app():
        _clerk, dept = make_clerk("bench.clerk", "HOKEN")
        fill_work_items(total)
        query = team_queue_query(dept)
        times = measure(lambda: db.session.execute(query).all(), repeat=200, warmup=10)
    return [
        Row(f"team queue, 50 of {total:,} work items (median)", median_ms(times), "ms"),
        Row(f"team queue, 50 of {total:,} work items (p95)", p95_ms(times), "ms", "≤ 5 ms",
            p95_ms(times) <= 5),
    ]


def timer_rows() -> list[Row]:
    from bench.fill import due_cases, waiting_timers
    from workflows import timers

    results = {}
    for waiting in (1_000, 100_000):
        with scratch_app():
            clerk, dept = make_clerk("bench.clerk", "HOKEN")
            due_cases(100, clerk, dept, T0)
            waiting_timers(waiting, T0 + timedelta(days=365))
            start = time.perf_counter()
            counts = timers.run_due(T0 + timedelta(days=15))
            results[waiting] = (time.perf_counter() - start) * 1000
            assert counts["timers"] == 100, counts
    ratio = results[100_000] / results[1_000]
    return [
        Row("run-due, 100 due among 1,000 waiting", results[1_000], "ms"),
        Row("run-due, 100 due among 100,000 waiting", results[100_000], "ms"),
        Row("ratio 100,000 / 1,000 waiting", ratio, "×", "≈ 1 (proportional to the due 100)",
            ratio <= 1.5),
    ]


def main() -> None:
    print_table("Workflow runtime: operations layer vs bare engine", six_step_rows())
    print_table("Workflow runtime: long-lived loop", loop_rows())
    print_table("Workflow runtime: open-queue query", queue_rows())
    print_table("Workflow runtime: timers run-due", timer_rows())


if __name__ == "__main__":
    main()
