"""Fixtures: a real PostgreSQL server for the run, migrated databases per backend, factories."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.support.pgserver import PgServer

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _config(url: str, **extra) -> dict:
    cfg = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "MADOGUCHI_DEMO": False,
        "PASSWORD_MIN_LENGTH": 8,
        # Cheap hashing keeps the suite fast; production uses scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    cfg.update(extra)
    return cfg


def migrate_to_head(url: str) -> None:
    """Apply every Alembic migration to the database at url."""
    from flask_migrate import upgrade

    from webapp import create_app

    app = create_app(_config(url))
    with app.app_context():
        upgrade()
        from webapp.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    if os.environ.get("MADOGUCHI_TEST_PG_URL"):
        yield None
        return
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_template_url(pg_server) -> str:
    url = os.environ.get("MADOGUCHI_TEST_PG_URL") or pg_server.create_database("madoguchi_test")
    migrate_to_head(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrate_to_head(f"sqlite:///{path}")
    return str(path)


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        names = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'alembic_version'"))]
        if names:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names)
                              + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_template_url")
    yield url
    _truncate_all(url)


@pytest.fixture
def app_config() -> dict:
    """Extra configuration for the app fixture; override in a test module."""
    return {}


def _make_app(db_url, app_config, tmp_path):
    from webapp import create_app

    return create_app(_config(db_url, ATTACHMENT_DIR=str(tmp_path / "files"), **app_config))


@pytest.fixture
def app(db_url, app_config, tmp_path):
    """The application with an app context pushed for the test's own database work."""
    from webapp.extensions import db

    application = _make_app(db_url, app_config, tmp_path)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def server(app, db_url, app_config, tmp_path):
    """A second instance of the app serving HTTP requests.

    Requests to `app` itself would reuse the test's pushed app context (and its `g` and
    session) across requests; a separate instance gets a fresh context per request, as in
    production.
    """
    from webapp.extensions import db

    application = _make_app(db_url, app_config, tmp_path)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def session(app):
    from webapp.extensions import db

    return db.session


@pytest.fixture
def org(app):
    """The standard offices and departments, committed."""
    from webapp import seed
    from webapp.extensions import db

    seed.seed_org()
    db.session.commit()
    from models.office import Department, Office

    offices = {o.code: o for o in db.session.query(Office)}
    departments = {d.code: d for d in db.session.query(Department)}
    return {"offices": offices, "departments": departments}


@pytest.fixture
def make_user(app, org):
    """Factory: make_user('ward.x', roles=['ward_clerk'], office='KAWASAKI', departments=[...])."""
    from webapp import accounts
    from webapp.extensions import db

    def factory(username: str, *, roles=("ward_clerk",), office: str = "KAWASAKI",
                departments=(), password: str = "correct-horse", **kw):
        user = accounts.create_user(
            None, username=username, display_name=kw.pop("display_name", username),
            password=password, office=org["offices"][office],
            departments=[org["departments"][c] for c in departments], roles=list(roles), **kw)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def client(server):
    return server.test_client()


@pytest.fixture
def new_client(server):
    """Factory for further independent browsers."""
    return server.test_client


def login(client, username: str, password: str = "correct-horse", follow: bool = False):
    """Sign in through the real form."""
    return client.post("/login", data={"username": username, "password": password},
                       follow_redirects=follow)


class _FontWarningTrap(logging.Handler):
    """Collects WeasyPrint's font warnings: slow fontTools subsetting and missing glyphs."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if "fontTools instead of HarfBuzz" in text or ".notdef glyph" in text:
            self.messages.append(text)


@pytest.fixture(autouse=True)
def no_font_warnings(request):
    """Every test fails if a PDF rendered with fontTools or printed a missing glyph (tofu)."""
    trap = _FontWarningTrap()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(trap)
    yield
    logger.removeHandler(trap)
    if "expects_font_warnings" not in request.keywords:
        assert not trap.messages, f"WeasyPrint font problems: {trap.messages}"
