"""PostgreSQL pool: a server connection that died while idle is replaced, not used."""

import pytest
from sqlalchemy import create_engine, text

from webapp import database
from webapp.extensions import db

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def _backend_pid() -> int:
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    db.session.commit()
    return pid


def _terminate(db_url: str, pid: int) -> None:
    other = create_engine(db_url)
    with other.begin() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    other.dispose()


def test_a_connection_killed_while_idle_is_replaced_transparently(app, session, db_url,
                                                                  monkeypatch):
    first = _backend_pid()
    monkeypatch.setattr(database, "PING_IDLE_SECONDS", 0.0)  # as if it sat idle for long
    _terminate(db_url, first)
    assert _backend_pid() != first  # the request went on on a new connection, no error
