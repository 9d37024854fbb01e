"""Database wiring: SQLite pragmas, pinging idle pooled connections, PostgreSQL pipelines,
the schema guard."""

from __future__ import annotations

import time
from contextlib import suppress
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError

from models import pipeline
from webapp.config import ConfigError
from webapp.extensions import db

PING_IDLE_SECONDS = 5.0  # a pooled connection idle for longer is pinged before it is used
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
UPGRADE_COMMAND = "flask --app wsgi db upgrade"


def init_app(app: Flask) -> None:
    """Set SQLite pragmas on every connection, ping idle server connections before use, let
    unread INSERTs wait for the next statement (models.pipeline), and refuse to serve an
    outdated schema."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url, app.config["INSTANCE_DIR"])
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_pragmas)
    else:
        with app.app_context():
            ping_idle_connections(db.engine)
            pipeline.install(db.engine)
    if app.config["SCHEMA_CHECK"]:
        app.before_request(_guard_schema)
    app.register_error_handler(OperationalError, _database_error)


def _ensure_sqlite_dir(url: str, instance_dir: str) -> None:
    """Create the instance folder for the embedded database; refuse any other missing folder.

    A mistyped DATABASE_URL used to get its directory and an empty database created, and the
    app then answered every page with 503 while looking alive.
    """
    path = make_url(url).database
    if not path or path == ":memory:":
        return
    folder = Path(path).resolve().parent
    if folder == Path(instance_dir).resolve():
        folder.mkdir(parents=True, exist_ok=True)
    elif not folder.is_dir():
        raise ConfigError(f"The directory of the SQLite database does not exist: {folder}. "
                          "Create it, or correct DATABASE_URL.")


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.close()


def ping_idle_connections(engine: Engine) -> None:
    """Check a pooled connection that sat idle before handing it out; replace it if dead.

    SQLAlchemy's pool_pre_ping costs a round trip on every checkout, one in every 17 of an
    intake request's. A connection returned to the pool moments ago is alive unless the server
    went away in between, which a ping could not rule out for the rest of the request anyway;
    one that sat idle (a restarted server, a proxy's idle timeout) is pinged, and a dead one
    is discarded and another one taken, transparently, as pool_pre_ping would.
    """

    def checkin(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")  # None: connected just now
        if idle_since is None or time.monotonic() - idle_since < PING_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("an idle pooled connection is gone") from exc

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def head_revision() -> str | None:
    """The newest migration revision shipped with the code."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision() -> str | None:
    """The revision the connected database is at (None when it has no schema)."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_is_current() -> bool:
    """True when the database schema is at the code's head revision."""
    return current_revision() == head_revision()


def schema_problem() -> str | None:
    """Why pages are refused for the schema (None when it is current or not checked).

    The one check of the schema guard and of /healthz. Raises SQLAlchemy's errors when the
    database cannot be reached.
    """
    if not current_app.config["SCHEMA_CHECK"]:
        return None
    state = current_app.extensions.setdefault("madoguchi_schema", {})
    if not state.get("ok"):
        # Checked until it passes, then never again in this process.
        state["ok"] = schema_is_current()
        if not state["ok"]:
            current_app.logger.error("schema out of date; run %s", UPGRADE_COMMAND)
            return _("The database schema is out of date. Run: %(cmd)s", cmd=UPGRADE_COMMAND)
    return None


def unavailable(message: str, command: str | None = None):
    """503 for a database that cannot serve: JSON under /api/, else a page that needs no
    database (the site layout reads the signed-in user and the navigation counts)."""
    _without_database()
    if request.path.startswith("/api/"):
        return jsonify({"error": message}), 503
    return render_template("errors/unavailable.html", message=message, command=command), 503


def _without_database() -> None:
    """Answer the rest of this request as if nobody were signed in, with no navigation:
    the locale selector, Flask-Login's context processor and the navigation would reload the
    user (expired by the rollback) or query counts, and raise again inside the handler (500)."""
    g.database_unavailable = True
    g._login_user = current_app.login_manager.anonymous_user()


def _guard_schema():
    if request.endpoint in ("health.healthz", "static"):
        return None
    message = schema_problem()
    return unavailable(message, UPGRADE_COMMAND) if message else None


def _database_error(exc: OperationalError):
    """The database refuses work (read-only file, server down, lock timeout): 503, not 500."""
    with suppress(SQLAlchemyError):  # a server that went away may refuse the rollback too
        db.session.rollback()
    current_app.logger.error("database unavailable: %s", exc)
    _without_database()  # before gettext: the locale selector reads the user's language
    return unavailable(_("The database cannot be used at the moment. Try again later; if "
                         "this goes on, tell the system administrator."))
