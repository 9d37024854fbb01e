"""Firing due BPMN timers: one case per transaction, safe with several runners at once.

PostgreSQL: the runner locks one due timer row with FOR UPDATE SKIP LOCKED, fires that case's
timers and commits, so concurrent runners never take the same case. SQLite (no SKIP LOCKED):
the runner first leases due rows for a while under SQLite's single write lock, then fires.

Bounded per case: firing a case's timers is one engine step, so each expression in it stops
at the sandbox deadline and all of them together at the step budget (``_limits``); a
runaway expression puts that case in error and the runner goes on with the next one.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm.exc import StaleDataError

from models.audit import record
from models.case import Case
from models.db import db
from models.timer import Timer
from workflows import engine
from workflows.errors import EngineError
from workflows.registry import bundle_for_case
from workflows.routing import NobodyCanTake
from workflows.state import mark_error, save_run, snapshot

LEASE = timedelta(minutes=5)


def runner_id() -> str:
    """A name for this runner, unique across processes and machines."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_due_case(now: datetime, owner: str, done: frozenset[int] = frozenset()) -> int | None:
    """Pick one case with a due timer for this runner (None when nothing is due)."""
    skip = Timer.case_id.notin_(done) if done else True
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.scalar(
            select(Timer.case_id).where(Timer.due_at <= now, skip)
            .order_by(Timer.due_at, Timer.id).limit(1).with_for_update(skip_locked=True))
    due = select(Timer.id).where(
        Timer.due_at <= now, skip,
        or_(Timer.lease_until.is_(None), Timer.lease_until < now)
    ).order_by(Timer.due_at, Timer.id).limit(1).scalar_subquery()
    result = db.session.execute(
        update(Timer).where(Timer.id == due)
        .values(lease_owner=owner, lease_until=now + LEASE)
        .returning(Timer.case_id))
    return result.scalar()


def fire_case_timers(case_id: int, now: datetime) -> list[str]:
    """Fire every due timer of one case and save it; returns the timer ids that fired."""
    # Lock the case row too: another runner may hold a different due timer of the same case.
    case = db.session.get(Case, case_id, with_for_update=True)
    if case is None or case.status not in ("active", "waiting"):
        return []
    try:
        run = engine.restore(bundle_for_case(case), case.state, now=now)
        before = snapshot(run)
        fired = run.fire_timers(now)
    except EngineError as exc:
        mark_error(case, exc, {"action": "timers"}, now)
        return []
    try:  # routes are checked before save_run writes anything
        save_run(case, run, now, before)
    except NobodyCanTake as exc:  # the step would leave a task in nobody's queue
        mark_error(case, exc, {"action": "timers"}, now)
        return []
    # Only now: a step that was not applied must not leave "timer fired" in the audit trail.
    for bpmn_id in fired:
        record("timer_fired", "case", case.id, actor_name="timer", at=now,
               details={"number": case.number, "timer": bpmn_id})
    db.session.flush()
    return fired


def run_due(now: datetime, *, limit: int = 10_000, commit=None) -> dict[str, int]:
    """Process due cases one transaction at a time; `commit` ends each transaction."""
    commit = commit or db.session.commit
    owner = runner_id()
    counts = {"cases": 0, "timers": 0, "conflicts": 0}
    done: set[int] = set()
    while counts["cases"] < limit:
        case_id = claim_due_case(now, owner, frozenset(done))
        if case_id is None:
            db.session.rollback()
            break
        done.add(case_id)
        if db.session.get_bind().dialect.name != "postgresql":
            commit()  # publish the lease before the (slower) engine work
        try:
            counts["timers"] += len(fire_case_timers(case_id, now))
            commit()
        except StaleDataError:  # another runner or a clerk changed the case first
            db.session.rollback()
            counts["conflicts"] += 1
            continue
        counts["cases"] += 1
    return counts
