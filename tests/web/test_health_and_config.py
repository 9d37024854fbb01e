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


def test_an_unreachable_database_answers_503_on_pages_and_in_the_api():
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://nobody@/none?host=/nonexistent-socket-dir"})
    page = app.test_client().get("/login")
    assert page.status_code == 503
    assert "現在データベースを使用できません" in page.get_data(as_text=True)
    api = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer x"})
    assert api.status_code == 503 and "データベース" in api.json["error"]
    health = app.test_client().get("/healthz")
    assert health.status_code == 503 and health.json["reason"] == "database_unavailable"
    # The driver's text (socket path, user) goes to the log only.
    assert "nonexistent-socket-dir" not in health.get_data(as_text=True)
    assert "nobody" not in health.get_data(as_text=True)
    assert "データベース" in health.json["message"]


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
    api = app.test_client().get("/api/v1/me")
    assert api.status_code == 503 and "db upgrade" in api.json["error"]
    # /healthz says so too: it is 200 exactly when pages are served.
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.json["schema"] == "out_of_date" and "db upgrade" in health.json["message"]
    assert health.json["reason"] == "schema_out_of_date"
    _dispose(app)


def test_a_database_url_into_a_missing_directory_is_refused(tmp_path):
    missing = tmp_path / "no-such-dir"
    with pytest.raises(ConfigError, match="does not exist.*no-such-dir"):
        create_app({"SECRET_KEY": "x",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing / 'm.sqlite3'}"})
    assert not missing.exists()


def test_the_server_entry_point_says_so_without_a_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "SECRET_KEY": "x",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'no-such-dir' / 'm.sqlite3'}"}
    out = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "does not exist" in out.stderr and "DATABASE_URL" in out.stderr


def test_the_embedded_database_may_create_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"
    app = create_app({"SECRET_KEY": "x", "INSTANCE_DIR": str(instance),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'm.sqlite3'}"})
    assert instance.is_dir()
    assert app.test_client().get("/healthz").status_code == 503  # created, but not migrated
    _dispose(app)


PROBE = """
import json
import sys
from webapp import create_app
app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[1]})
client = app.test_client()
for path in ("/healthz", "/login", "/api/v1/me"):
    response = client.get(path, headers={"Authorization": "Bearer x"})
    text = json.dumps(response.json, ensure_ascii=False) if response.is_json else \\
        response.get_data(as_text=True)
    print(path, response.status_code, text.replace("\\n", " "))
"""


def test_a_read_only_database_answers_503_with_a_clear_page(sqlite_template):
    """A database file the server may not write (when tests run as root, who may write
    anything, the probe runs without that privilege) fails on PRAGMA journal_mode=WAL at
    connect: 503, not 500."""
    import os
    import shutil
    import sqlite3
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    prefix = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("setpriv is needed to drop root's right to write any file")
        # Root writes any file through CAP_DAC_OVERRIDE; without it (and without the read
        # override) the file's mode applies. Staying root keeps the checkout readable, which
        # another user could not count on (CI clones into private folders).
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    folder = Path(tempfile.mkdtemp())
    try:
        path = folder / "ro.sqlite3"
        shutil.copyfile(sqlite_template, path)
        with sqlite3.connect(path) as conn:  # as shipped: not yet in WAL mode
            conn.execute("PRAGMA journal_mode=DELETE")
        path.chmod(0o444)
        out = subprocess.run([*prefix, sys.executable, "-c", PROBE, str(path)], cwd=root,
                             env={**os.environ, "PYTHONPATH": str(root), "HOME": str(folder)},
                             capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(folder)
    lines = {line.split(" ", 1)[0]: line for line in out.stdout.splitlines()}
    assert lines["/healthz"].startswith("/healthz 503"), out.stdout + out.stderr
    assert lines["/login"].startswith("/login 503"), out.stdout + out.stderr
    assert "現在データベースを使用できません" in lines["/login"]
    assert lines["/api/v1/me"].startswith("/api/v1/me 503")
    assert "現在データベースを使用できません" in lines["/api/v1/me"]
    assert "Traceback" not in out.stderr


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


def _break_sqlite(server, db_url):
    """Dispose of the engine and put a directory where the database file was."""
    import shutil
    from pathlib import Path

    from webapp.extensions import db

    if not db_url.startswith("sqlite"):
        pytest.skip("a file database is needed to take it away")
    with server.app_context():
        db.engine.dispose()
    path = Path(db_url.split("///", 1)[1])
    path.unlink()
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)
    path.mkdir()
    return lambda: shutil.rmtree(path)


def _page_after_the_database_goes_away(client, server, db_url, path: str) -> str:
    from webapp.extensions import db

    db.session.remove()
    db.engine.dispose()
    _break_sqlite(server, db_url)
    response = client.get(path)
    assert response.status_code == 503
    return response.get_data(as_text=True)


def test_a_signed_in_clerk_gets_the_503_page_when_the_database_goes_away(client, server,
                                                                          make_user, db_url):
    make_user("clerk.down")
    from tests.conftest import login

    assert login(client, "clerk.down").status_code == 302
    page = _page_after_the_database_goes_away(client, server, db_url, "/queues/mine")
    assert "現在データベースを使用できません" in page


def test_a_signed_in_applicant_gets_the_503_page_when_the_database_goes_away(client, server,
                                                                              db_url, org):
    from tests.support.applications import make_applicant, portal_login
    from webapp.extensions import db

    make_applicant("down@example.jp", "川崎")
    db.session.commit()
    assert portal_login(client, "down@example.jp").status_code == 302
    page = _page_after_the_database_goes_away(client, server, db_url, "/portal/mypage")
    assert "現在データベースを使用できません" in page
