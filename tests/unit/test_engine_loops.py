"""Loop compaction: 1,000 rounds keep the tree bounded and carry the data forward."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflows import engine
from workflows.errors import TaskNotReadyError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
ROUNDS = 1_000
TREE_LIMIT = 20


def bundle(name: str) -> engine.ProcessBundle:
    return engine.parse_bundle({name: (FIXTURES / name).read_bytes()})


def one_round(run: engine.Run) -> None:
    (review,) = run.ready_user_tasks()
    assert review.bpmn_id == "review"
    run.complete(review.task_id, {"decision": "return", "reason": "印鑑漏れ"})
    (correction,) = run.ready_user_tasks()
    assert correction.bpmn_id == "await_correction"
    run.complete(correction.task_id, {"resubmitted_on": "2026-04-03"})


def test_thousand_correction_rounds_keep_the_tree_bounded() -> None:
    b = bundle("correction_loop.bpmn")
    run = engine.start(b, {}, now=NOW)
    start_size = run.tree_size
    sizes = []
    for i in range(ROUNDS):
        one_round(run)
        sizes.append(run.tree_size)
        if i % 250 == 0:  # a save/restore now and then, as the web layer does every step
            run = engine.restore(b, json.loads(json.dumps(run.dump())), now=NOW)
    assert max(sizes) <= TREE_LIMIT and sizes[-1] == sizes[0] == start_size
    assert run.rounds == ROUNDS
    assert run.data["return_count"] == ROUNDS  # data carried through every compaction
    assert len(json.dumps(run.dump())) < 8_000
    # the boundary timer inside the loop still works after 1,000 compactions
    (review,) = run.ready_user_tasks()
    run.complete(review.task_id, {"decision": "return"})
    (timer,) = run.waiting_timers()
    assert run.fire_timers(timer.due_at) == ["timer_no_reply"]
    (close,) = run.ready_user_tasks()
    run.complete(close.task_id, {"closing_note": "x"})
    assert run.end_event_id() == "end_closed"
    assert {"review", "gw_review", "count_return", "await_correction"} <= set(
        run.finished_elements())


def test_thousand_timer_rounds_with_a_waiting_loop_entry() -> None:
    run = engine.start(bundle("reminder_loop.bpmn"), {"max_reminders": ROUNDS}, now=NOW)
    sizes = []
    for day in range(1, ROUNDS + 1):
        assert run.fire_timers(NOW + timedelta(days=day)) == ["wait_one_day"]
        sizes.append(run.tree_size)
    assert max(sizes) <= TREE_LIMIT
    assert run.data["reminders"] == ROUNDS
    assert run.data["reminder_dates"] == ["2028-12-24", "2028-12-25", "2028-12-26"]
    assert [t.bpmn_id for t in run.ready_user_tasks()] == ["escalate"]


def test_compaction_changes_task_ids_and_refuses_stale_ones() -> None:
    run = engine.start(bundle("correction_loop.bpmn"), {}, now=NOW)
    first_review = run.ready_user_tasks()[0].task_id
    run.complete(first_review, {"decision": "return"})
    correction = run.ready_user_tasks()[0].task_id
    run.complete(correction, {"resubmitted_on": "2026-04-03"})
    assert run.rounds == 1
    (review,) = run.ready_user_tasks()
    assert review.bpmn_id == "review"
    with pytest.raises(TaskNotReadyError):
        run.complete(correction, {})  # dropped with the compacted round
    run.complete(review.task_id, {"decision": "accept"})
    assert run.end_event_id() == "end_accepted"
