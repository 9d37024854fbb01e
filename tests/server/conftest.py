"""The server tier: the app served by gunicorn as `make run` serves it, driven over HTTP.

SQLite: one master (1 worker, 8 threads, the in-process timer thread), as `make run`.
PostgreSQL: two masters on two ports sharing the database (two machines), timers from cron
(`timers run-due` in a third process, see `timer_runner`).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.server.client import Api, Browser
from tests.server.served import ROOT, Gunicorn, environment, flask


@dataclass
class Site:
    backend: str
    url: str
    env: dict[str, str]
    servers: list[Gunicorn]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def bases(self) -> list[str]:
        return [s.base for s in self.servers]

    def browser(self, username: str | None = None) -> Browser:
        browser = Browser(self.bases)
        return browser.login(username) if username else browser

    def api(self, username: str) -> Api:
        return Api(self.bases, self.tokens[username])

    def sql(self, statement: str, **params) -> list:
        """Read the database directly, as an operator would check it."""
        engine = create_engine(self.url)
        try:
            with engine.connect() as conn:
                return list(conn.execute(text(statement), params))
        finally:
            engine.dispose()

    def start(self) -> None:
        for server in self.servers:
            server.start()

    def kill(self) -> None:
        for server in self.servers:
            server.kill()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def tracebacks(self) -> list[str]:
        return [t for s in self.servers for t in s.tracebacks()]


def _make_tokens(url: str) -> dict[str, str]:
    """One API token per demo user (what `flask tokens create USER` does, without 2 s each)."""
    from sqlalchemy import select

    from models.user import User
    from tests.conftest import _config
    from webapp import accounts, create_app
    from webapp.extensions import db

    app = create_app(_config(url, PASSWORD_MIN_LENGTH=4))
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        # A second clerk of 高齢・障害課, for the claim races.
        kourei = users["ward.kourei"]
        users["ward.kourei2"] = accounts.create_user(
            None, username="ward.kourei2", display_name="高齢 二郎", password="demo",
            office=kourei.office, departments=list(kourei.departments), roles=["ward_clerk"])
        tokens = {name: accounts.create_token(None, users[name], "server tier")[1]
                  for name in users}
        db.session.commit()
        db.engine.dispose()
    return tokens


def open_site(backend: str, request, folder: Path) -> Site:
    """A migrated database with the demo seed, served; the caller stops it."""
    if backend == "sqlite":
        path = folder / "madoguchi.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        masters = 1
        extra = {"MADOGUCHI_TIMER_THREAD": "1"}
    else:
        url = request.getfixturevalue("pg_template_url")
        masters = 2
        extra = {}
    env = environment(url, folder, **extra)
    flask(env, "seed-demo")
    site = Site(backend, url, env, [Gunicorn(env, folder / f"gunicorn-{n}.log")
                                    for n in range(masters)])
    site.tokens = _make_tokens(url)
    try:
        site.start()
    except BaseException:
        site.stop()  # a master that did start is not left behind
        raise
    return site


def close_site(site: Site) -> None:
    site.stop()
    if site.backend == "postgresql":
        from tests.conftest import _truncate_all

        _truncate_all(site.url)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def site(request, tmp_path_factory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp(f"served-{request.param}")
    served = open_site(request.param, request, folder)
    try:
        yield served
    finally:
        close_site(served)


@contextlib.contextmanager
def timer_runner(site: Site) -> Iterator[list[str]]:
    """`flask --app wsgi timers run-due` from a third process, again and again (cron's job),
    while the block runs; yields the runs' outputs. A run that fails fails the test."""
    outputs: list[str] = []
    stop = threading.Event()
    failures: list[str] = []

    def loop() -> None:
        while not stop.is_set():
            done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "timers",
                                   "run-due"], cwd=ROOT, env=site.env, capture_output=True,
                                  text=True, timeout=120)
            outputs.append(done.stdout)
            if done.returncode != 0 or "Traceback" in done.stderr:
                failures.append(done.stdout + done.stderr)
            # Spaced like cron would: back to back, each run's import of the app would take one
            # of the two cores away from the servers under test.
            stop.wait(2)

    thread = threading.Thread(target=loop)
    thread.start()
    try:
        yield outputs
    finally:
        stop.set()
        thread.join(150)
    assert not failures, failures[0]
