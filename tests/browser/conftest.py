"""A real server (werkzeug, own thread, loopback) on a migrated SQLite file with demo people
and cases, and a headless Debian Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import shutil
import threading
import warnings
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
VIEWER = Path(__file__).resolve().parents[2] / "webapp" / "static" / "vendor" / "bpmn-js" / \
    "bpmn-viewer.production.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    message = ("BROWSER TESTS SKIPPED: /usr/bin/chromium is missing. `make test` installs "
               "Debian's chromium package; run it, or apt-get install chromium.")
    warnings.warn(message, stacklevel=1)
    print(f"\n{'!' * 78}\n{message}\n{'!' * 78}")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="module")
def live(tmp_path_factory, sqlite_template):
    """Base URL of the running app, with its app for setting up data."""
    from werkzeug.serving import make_server

    from tests.conftest import _config
    from webapp import create_app
    from webapp.extensions import db

    assert VIEWER.exists(), "bpmn-js is not in webapp/static/vendor: run `make assets`"
    folder = tmp_path_factory.mktemp("browser")
    path = folder / "browser.sqlite3"
    shutil.copyfile(sqlite_template, path)
    app = create_app(_config(f"sqlite:///{path}", TESTING=False, WTF_CSRF_ENABLED=True))
    with app.app_context():
        _seed(app)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ARTIFACTS.mkdir(exist_ok=True)
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(10)
    with app.app_context():
        db.engine.dispose()


def _seed(app) -> None:
    from datetime import timedelta

    from models.base import utcnow
    from tests.integration.runtime_support import deploy
    from webapp import accounts, seed
    from webapp.extensions import db
    from workflows import cases

    seed.seed_org()
    from models.office import Department, Office

    offices = {o.code: o for o in db.session.query(Office)}
    depts = {d.code: d for d in db.session.query(Department)}
    for username, name, roles, codes in (("ward.hoken", "保険 太郎", ["ward_clerk"], ["HOKEN"]),
                                         ("supervisor", "係長 真理", ["supervisor"],
                                          list(depts))):
        accounts.create_user(None, username=username, display_name=name, password="demo-pass",
                             office=offices["KAWASAKI"], departments=[depts[c] for c in codes],
                             roles=roles)
    db.session.commit()
    deploy("correction_loop.bpmn")
    now = utcnow()
    for i, name in enumerate(("川崎 一郎", "ｶﾜｻｷ ﾊﾅｺ", "大師 三郎", "田島 四郎")):
        cases.start_case("correction_loop", {}, actor=None, department=depts["HOKEN"],
                         subject_name=name, channel=("counter", "online")[i % 2],
                         now=now - timedelta(days=10 - 3 * i))
    cases.start_case("correction_loop", {}, actor=None, department=depts["KOUREI"],
                     subject_name="高齢 五郎", now=now)
    db.session.commit()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page_for(live, browser):
    """page_for(username, viewport) → a signed-in page; console errors are collected."""
    base, _app = live
    opened = []

    def make(username: str, width: int = 1280, height: int = 800):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="ja-JP")
        page = context.new_page()
        page.errors = []
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.goto(f"{base}/login")
        page.fill("#username", username)
        page.fill("#password", "demo-pass")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        opened.append(context)
        return page

    yield make
    for context in opened:
        context.close()
