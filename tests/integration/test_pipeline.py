"""Statements sent later (PostgreSQL pipeline): as if they had run at once, on both backends.

On PostgreSQL an audit event waits in the connection until the next statement, the commit or
the rollback; what a clerk or an auditor can see must not depend on that.
"""

import contextlib
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.exc import IntegrityError

from models import pipeline
from models.audit import AuditEvent, record
from webapp.extensions import db

_ACTIONS = select(AuditEvent.action).where(
    AuditEvent.object_type == "pipeline_test").order_by(AuditEvent.id)


def _actions(session) -> list[str]:
    return list(session.scalars(_ACTIONS))


def _committed_actions(db_url: str) -> list[str]:
    """What another connection sees: only what was committed."""
    other = create_engine(db_url)
    with other.connect() as connection:
        actions = list(connection.execute(_ACTIONS).scalars())
    other.dispose()
    return actions


def test_an_event_is_seen_by_the_next_query_and_kept_by_the_commit(app, session, db_url):
    record("first", "pipeline_test", 1, actor_name="tester")
    record("second", "pipeline_test", 1, actor_name="tester")
    assert _actions(session) == ["first", "second"]
    record("third", "pipeline_test", 1, actor_name="tester")
    session.commit()  # the commit sends what still waits
    assert _committed_actions(db_url) == ["first", "second", "third"]


def test_a_rollback_drops_waiting_events_and_the_connection_goes_on(app, session, db_url):
    record("dropped", "pipeline_test", 1, actor_name="tester")
    session.rollback()
    record("kept", "pipeline_test", 1, actor_name="tester")
    session.commit()
    assert _committed_actions(db_url) == ["kept"]


def test_a_failing_waiting_statement_fails_the_transaction_before_it_commits(app, session,
                                                                             db_url):
    record("before", "pipeline_test", 1, actor_name="tester")
    ghost = SimpleNamespace(id=987654, username="ghost")  # no such staff user: foreign key
    with pytest.raises(IntegrityError):
        record("broken", "pipeline_test", 1, actor=ghost)
        session.execute(select(1))  # on PostgreSQL the error comes with the next statement
    session.rollback()
    assert _actions(session) == []
    record("after", "pipeline_test", 1, actor_name="tester")
    session.commit()
    assert _committed_actions(db_url) == ["after"]


def test_rolling_back_a_savepoint_drops_only_what_came_after_it(app, session, db_url):
    record("before", "pipeline_test", 1, actor_name="tester")
    nested = session.begin_nested()
    record("inside", "pipeline_test", 1, actor_name="tester")
    nested.rollback()
    record("after", "pipeline_test", 1, actor_name="tester")
    session.commit()
    assert _committed_actions(db_url) == ["before", "after"]


def test_a_connection_returned_to_the_pool_takes_nothing_along(app, session, db_url):
    record("abandoned", "pipeline_test", 1, actor_name="tester")
    db.session.remove()  # the end of a request that failed before its commit
    record("next request", "pipeline_test", 1, actor_name="tester")
    db.session.commit()
    assert _committed_actions(db_url) == ["next request"]


def test_rolling_back_a_savepoint_over_a_failing_statement_keeps_the_rest(app, session, db_url):
    record("before", "pipeline_test", 1, actor_name="tester")
    nested = session.begin_nested()
    # SQLite refuses it at once; on PostgreSQL it is still waiting, and is dropped.
    with contextlib.suppress(IntegrityError):
        record("broken", "pipeline_test", 1, actor=SimpleNamespace(id=987654, username="ghost"))
    nested.rollback()
    record("after", "pipeline_test", 1, actor_name="tester")
    session.commit()
    assert _committed_actions(db_url) == ["before", "after"]


def test_on_postgresql_events_travel_with_the_next_statement(app, session, db_url):
    """Lost only as throughput if it broke (bench_intake), so pinned here: three events wait,
    the next statement takes them along; SQLite runs each at once."""
    for n in range(3):
        record(f"event {n}", "pipeline_test", 1, actor_name="tester")
    assert pipeline.waiting(session.connection()) == (3 if db_url.startswith("postgresql")
                                                      else 0)
    assert _actions(session) == ["event 0", "event 1", "event 2"]
    assert pipeline.waiting(session.connection()) == 0
