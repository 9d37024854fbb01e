"""A migrated scratch database and app for benchmarks (SQLite file or PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_config(url: str) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SCHEMA_CHECK": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


@contextlib.contextmanager
def scratch_app(url: str | None = None) -> Iterator:
    """An app on a freshly migrated database, with the organisation seeded."""
    from flask_migrate import upgrade

    from webapp import create_app
    from webapp.extensions import db

    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        url = url or f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}"
        app = create_app(bench_config(url))
        with app.app_context():
            upgrade()
            from webapp import seed

            seed.seed_org()
            db.session.commit()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def make_clerk(username: str, department: str, roles=("ward_clerk", "supervisor")):
    from models.office import Department, Office
    from webapp import accounts
    from webapp.extensions import db

    dept = db.session.query(Department).filter_by(code=department).one()
    office = db.session.query(Office).filter_by(code="KAWASAKI").one()
    user = accounts.create_user(None, username=username, display_name=username,
                                password="bench-password", office=office, departments=[dept],
                                roles=list(roles))
    db.session.commit()
    return user, dept
