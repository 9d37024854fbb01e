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


def test_0009_closes_department_less_accepting_procedures(empty_url):
    """A procedure without a reviewing department put its review in nobody's queue: the
    upgrade stops such procedures accepting (it cannot know which section reviews them)."""
    from datetime import datetime

    app = create_app(_config(empty_url))
    with app.app_context():
        from webapp.extensions import db

        upgrade(revision="0008")
        procedure = sa.table(
            "procedure", *(sa.column(n) for n in (
                "code", "name", "audience", "category", "organisation", "department_id",
                "summary", "how_to_apply", "contact_name", "contact_phone", "process_id",
                "form_key", "correction_days", "search_text", "active", "position",
                "updated_at")), sa.column("channels", sa.JSON))
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO office (id, code, name, short_name, kind, active) "
                                 "VALUES (1, 'KAWASAKI', '川崎区役所', '川崎', 'ward', true)"))
            conn.execute(sa.text("INSERT INTO department (id, office_id, code, name, position, "
                                 "active) VALUES (1, 1, 'KUMIN', '区民課', 0, true)"))
            common = {"name": "n", "audience": "individual", "category": "", "organisation": "",
                      "summary": "", "how_to_apply": "", "contact_name": "",
                      "contact_phone": "", "process_id": "online_application",
                      "form_key": "sodai_gomi", "correction_days": 14, "search_text": "",
                      "position": 0, "updated_at": datetime(2026, 12, 1)}
            conn.execute(procedure.insert(), [
                {**common, "code": "NO_DEPT", "department_id": None, "channels": ["online"],
                 "active": True},
                {**common, "code": "NO_CHANNEL", "department_id": None, "channels": [],
                 "active": True},
                {**common, "code": "WITH_DEPT", "department_id": 1, "channels": ["online"],
                 "active": True}])
        upgrade()
        with db.engine.connect() as conn:
            active = dict(conn.execute(sa.text("SELECT code, active FROM procedure")).all())
        assert {code: bool(flag) for code, flag in active.items()} == {
            "NO_DEPT": False, "NO_CHANNEL": True, "WITH_DEPT": True}
        db.engine.dispose()
