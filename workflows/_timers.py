"""Timer event definitions that read the injected engine clock instead of the wall clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition as SpiffCycleTimer,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition as SpiffDurationTimer,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimeDateEventDefinition as SpiffTimeDateTimer,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimerEventDefinition as SpiffTimer,
)
from SpiffWorkflow.task import Task as SpiffTask

from workflows._clock import JST, current_time
from workflows.errors import ExpressionError
from workflows.sandbox import timer_literal


def parse_instant(text: str) -> datetime:
    """Parse an ISO 8601 date/time; a value without offset is Japanese time, not server time."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=JST)
    return value.astimezone(UTC)


def _iso_text(value: Any) -> str:
    if isinstance(value, timedelta):
        return f"PT{int(value.total_seconds())}S"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        raise ExpressionError(_("A timer expression must give an ISO 8601 date, duration or "
                                "cycle, such as P3D or 2026-04-01T09:00:00+09:00."))
    return value.strip()


def timer_value(task: SpiffTask, expression: str) -> str:
    """Evaluate a timer expression; an unquoted literal like P3D is taken as written."""
    literal = timer_literal(expression)
    if literal is not None:
        return literal
    return _iso_text(task.workflow.script_engine.evaluate(task, expression))


def _duration_from(text: str, start: datetime) -> timedelta:
    return SpiffTimer.get_timedelta_from_start(SpiffTimer.parse_iso_duration(text), start)


def parse_cycle(text: str, now: datetime) -> tuple[int, datetime, timedelta]:
    """Parse R<n>/<start>/<duration> (or R<n>/<duration>, R<n>/<duration>/<end>) at now."""
    parts = text.upper().replace("--", "/").lstrip("R").split("/")
    if len(parts) not in (2, 3):
        raise ValueError(f"Invalid recurring interval {text!r}")
    cycles = int(parts[0]) if parts[0] else -1
    if len(parts) == 2:
        duration = _duration_from(parts[1], now)
        return cycles, now + duration, duration
    if parts[1].startswith("P"):
        end = parse_instant(parts[2])
        parsed = SpiffTimer.parse_iso_duration(parts[1])
        duration = SpiffTimer.get_timedelta_from_end(parsed, end)
        return cycles, end - duration, duration
    start = parse_instant(parts[1])
    return cycles, start, _duration_from(parts[2], start)


class ClockTimeDateTimer(SpiffTimeDateTimer):
    """timeDate timer: fires once the engine clock reaches the given instant."""

    def has_fired(self, my_task: SpiffTask) -> bool:
        """Record the due time on first use, then compare it with the engine clock."""
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = parse_instant(timer_value(my_task, self.expression)).isoformat()
            my_task._set_internal_data(event_value=value)
        if parse_instant(value) <= current_time():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockDurationTimer(SpiffDurationTimer):
    """timeDuration timer: due at the engine time it started waiting plus the duration."""

    def has_fired(self, my_task: SpiffTask) -> bool:
        """Record the due time on first use, then compare it with the engine clock."""
        value = my_task._get_internal_data("event_value")
        if value is None:
            start = current_time()
            value = (start + _duration_from(timer_value(my_task, self.expression), start))
            value = value.isoformat()
            my_task._set_internal_data(event_value=value)
        if parse_instant(value) <= current_time():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class ClockCycleTimer(SpiffCycleTimer):
    """timeCycle timer: like SpiffWorkflow's, with all times taken from the engine clock."""

    def cycle_complete(self, my_task: SpiffTask) -> bool:
        """Return True when the next cycle is due (and count it), as the base class does."""
        now = current_time()
        value = my_task._get_internal_data("event_value")
        if value is None:
            cycles, start, duration = parse_cycle(timer_value(my_task, self.expression), now)
            value = {"cycles": cycles, "next": start.isoformat(),
                     "duration": duration.total_seconds()}
        ready = False
        if value["cycles"] != 0:
            due = parse_instant(value["next"])
            if due <= now:
                value["next"] = (due + timedelta(seconds=value["duration"])).isoformat()
                value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=value)
        return ready


CLOCK_TIMERS: dict[type, type] = {
    SpiffTimeDateTimer: ClockTimeDateTimer,
    SpiffDurationTimer: ClockDurationTimer,
    SpiffCycleTimer: ClockCycleTimer,
}


def due_from(value: Any, now: datetime) -> datetime:
    """Turn a due date value (ISO text, duration from now, date or datetime) into UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=JST)).astimezone(UTC)
    if isinstance(value, date):
        # A bare date means the end of that day at the ward office.
        end = datetime.combine(value, datetime.max.time().replace(microsecond=0), JST)
        return end.astimezone(UTC)
    text = _iso_text(value)
    if text.upper().startswith("P"):
        return now + _duration_from(text, now)
    if len(text) == 10:
        return due_from(date.fromisoformat(text), now)
    return parse_instant(text)


def due_at(task: SpiffTask) -> datetime | None:
    """Return when a waiting timer task is due (UTC), or None if it is not a pending timer."""
    definition = getattr(task.task_spec, "event_definition", None)
    value = task._get_internal_data("event_value")
    if value is None or not isinstance(definition, SpiffTimer):
        return None
    if isinstance(definition, ClockCycleTimer):
        return parse_instant(value["next"]) if value.get("cycles", 0) != 0 else None
    return parse_instant(value)
