"""The engine clock: one injected 'now' per engine call, read by timers and today()/now()."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")

# A context variable (not a module global) so that concurrent requests and worker threads
# each see their own clock; SpiffWorkflow's timers read it through our subclasses.
_NOW: ContextVar[datetime | None] = ContextVar("madoguchi_engine_now", default=None)


def require_aware(now: datetime) -> datetime:
    """Return now in UTC; refuse naive datetimes, whose zone would be a guess."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(UTC)


@contextmanager
def frozen_clock(now: datetime) -> Iterator[datetime]:
    """Make current_time() return now for the duration of the block (this context only)."""
    token = _NOW.set(require_aware(now))
    try:
        yield now
    finally:
        _NOW.reset(token)


def current_time() -> datetime:
    """Return the injected engine time in UTC (the wall clock only outside any engine call)."""
    now = _NOW.get()
    return now if now is not None else datetime.now(UTC)


def current_date() -> date:
    """Return today's date in Japan according to the engine clock."""
    return current_time().astimezone(JST).date()
