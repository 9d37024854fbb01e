"""Migrations run from empty to head and back on both backends; audit rows are append-only."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from tests.conftest import BACKENDS, _config
from webapp import create_app
from webapp.database import head_revision


@pytest.fixture(params=BACKENDS)
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("external PostgreSQL given; not creating databases")
    return server.create_database("madoguchi_migrations")


def test_upgrade_from_empty_to_head_and_back(empty_url):
    app = create_app(_config(empty_url))
    with app.app_context():
        from webapp.database import current_revision
        from webapp.extensions import db

        upgrade()
        assert current_revision() == head_revision()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"office", "department", "staff_user", "audit_event", "api_token"} <= tables
        downgrade(revision="base")
        assert current_revision() is None
        upgrade()
        assert current_revision() == head_revision()
        db.engine.dispose()


def test_audit_rows_cannot_be_changed_even_with_raw_sql(app):
    from models.audit import record
    from webapp.extensions import db

    record("test", "thing", 1, actor_name="tester")
    db.session.commit()
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert db.session.execute(sa.text("SELECT action FROM audit_event")).scalar() == "test"


def test_audit_rows_cannot_be_changed_through_the_orm(app):
    from models.audit import AuditEvent, record
    from webapp.extensions import db

    record("test", "thing", 1, actor_name="tester")
    db.session.commit()
    row = db.session.scalar(sa.select(AuditEvent))
    row.action = "tampered"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
