"""Health check, required configuration, demo banner and the schema guard."""

import pytest

from webapp import create_app
from webapp.config import ConfigError


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "db": "ok"}


def test_healthz_reports_unreachable_database():
    app = create_app({"SECRET_KEY": "x", "SCHEMA_CHECK": False,
                      "SQLALCHEMY_DATABASE_URI":
                          "postgresql+psycopg://nobody@/none?host=/nonexistent-socket-dir"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["db"] == "error"


def test_secret_key_is_required_outside_demo_mode(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MADOGUCHI_DEMO", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_demo_mode_runs_without_secret_key_and_shows_the_banner(monkeypatch, db_url):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("MADOGUCHI_DEMO", "1")
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = create_app()
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "デモ環境" in page
    _dispose(app)


def _dispose(app):
    from webapp.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_out_of_date_schema_refuses_to_serve_and_names_the_fix(tmp_path):
    app = create_app({"SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    response = app.test_client().get("/login")
    assert response.status_code == 503
    assert "flask --app wsgi db upgrade" in response.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 200


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_template, tmp_path):
    import shutil

    from sqlalchemy import text

    from webapp.extensions import db

    path = tmp_path / "wal.sqlite3"
    shutil.copyfile(sqlite_template, path)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    _dispose(app)
