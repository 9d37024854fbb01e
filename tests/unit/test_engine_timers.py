"""Timers run on the injected clock: due times, firing, literals and expressions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from workflows import engine
from workflows._timers import parse_cycle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bpmn"
JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2031, 4, 1, 9, 0, tzinfo=JST)  # years from the wall clock on purpose


def loop_bundle(timer_xml: str | None = None) -> engine.ProcessBundle:
    text = (FIXTURES / "correction_loop.bpmn").read_text(encoding="utf-8")
    if timer_xml is not None:
        old = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P14D</bpmn:timeDuration>'
        assert old in text
        text = text.replace(old, timer_xml)
    return engine.parse_bundle({"loop.bpmn": text.encode()})


def returned(b: engine.ProcessBundle, data: dict | None = None) -> engine.Run:
    run = engine.start(b, data or {}, now=NOW)
    run.complete(run.ready_user_tasks()[0].task_id, {"decision": "return"})
    return run


def test_duration_timer_is_due_from_the_injected_now() -> None:
    run = returned(loop_bundle())
    (timer,) = run.waiting_timers()
    assert timer.bpmn_id == "timer_no_reply"
    assert timer.due_at == datetime(2031, 4, 15, 0, 0, tzinfo=UTC)
    assert timer.due_at.tzinfo is UTC


def test_timer_fires_only_once_now_reaches_the_due_time() -> None:
    b = loop_bundle()
    run = returned(b)
    due = run.waiting_timers()[0].due_at
    assert run.fire_timers(NOW + timedelta(days=13)) == []
    assert run.fire_timers(due - timedelta(seconds=1)) == []
    assert [t.bpmn_id for t in run.ready_user_tasks()] == ["await_correction"]
    saved = json.loads(json.dumps(run.dump()))
    later = engine.restore(b, saved, now=due + timedelta(days=30))
    assert later.waiting_timers()[0].due_at == due  # restoring later does not move it
    assert later.fire_timers(due) == ["timer_no_reply"]
    assert [t.bpmn_id for t in later.ready_user_tasks()] == ["close_case"]
    assert later.waiting_timers() == []


def test_completing_the_task_cancels_its_boundary_timer() -> None:
    run = returned(loop_bundle())
    run.complete(run.ready_user_tasks()[0].task_id, {"resubmitted_on": "2031-04-02"})
    assert run.waiting_timers() == []
    assert run.fire_timers(NOW + timedelta(days=100)) == []
    assert [t.bpmn_id for t in run.ready_user_tasks()] == ["review"]


@pytest.mark.parametrize(("timer_xml", "due"), [
    ("<bpmn:timeDate>2031-04-10T09:00:00+09:00</bpmn:timeDate>", datetime(2031, 4, 10, 0, 0)),
    ("<bpmn:timeDate>2031-04-10T09:00:00</bpmn:timeDate>", datetime(2031, 4, 10, 0, 0)),
    ("<bpmn:timeDuration>PT2H</bpmn:timeDuration>", datetime(2031, 4, 1, 2, 0)),
    ("<bpmn:timeDuration>'P' + str(reply_days) + 'D'</bpmn:timeDuration>",
     datetime(2031, 4, 8, 0, 0)),
    ("<bpmn:timeDuration>timedelta(hours=reply_days)</bpmn:timeDuration>",
     datetime(2031, 4, 1, 7, 0)),
    ("<bpmn:timeDate>datetime.combine(add_business_days(today(), 2), datetime.min.time())"
     "</bpmn:timeDate>", datetime(2031, 4, 2, 15, 0)),
])
def test_timer_literals_and_expressions(timer_xml: str, due: datetime) -> None:
    run = returned(loop_bundle(timer_xml), {"reply_days": 7})
    assert run.waiting_timers()[0].due_at == due.replace(tzinfo=UTC)


def test_cycle_timer_parsing_uses_the_given_now() -> None:
    now = datetime(2031, 4, 1, 0, 0, tzinfo=UTC)
    assert parse_cycle("R3/PT1H", now) == (3, now + timedelta(hours=1), timedelta(hours=1))
    cycles, start, duration = parse_cycle("R/2031-04-02T09:00:00+09:00/P1D", now)
    assert (cycles, start, duration) == (-1, datetime(2031, 4, 2, 0, 0, tzinfo=UTC),
                                         timedelta(days=1))
    assert parse_cycle("R2/PT1H/2031-04-01T12:00:00Z", now)[1] == now + timedelta(hours=11)


def test_user_task_due_date_is_fixed_when_the_task_becomes_ready() -> None:
    b = engine.parse_bundle({"r.bpmn": (FIXTURES / "reminder_loop.bpmn").read_bytes()})
    run = engine.start(b, {"max_reminders": 1}, now=NOW)
    assert run.ready_user_tasks() == []
    fired_at = NOW + timedelta(days=2)
    assert run.fire_timers(fired_at) == ["wait_one_day"]
    (task,) = run.ready_user_tasks()
    assert task.due_at == (fired_at + timedelta(days=3)).astimezone(UTC)
    restored = engine.restore(b, json.loads(json.dumps(run.dump())), now=NOW + timedelta(days=9))
    assert restored.ready_user_tasks()[0].due_at == task.due_at


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        engine.start(loop_bundle(), {}, now=datetime(2031, 4, 1, 9, 0))
