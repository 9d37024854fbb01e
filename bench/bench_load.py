"""Load: 50 simulated staff plus the intake API against gunicorn as deployed (issue 15, P10).

A throw-away PostgreSQL (tests/support/pgserver), migrated, with the demo catalogue and
processes, 20 clerks of 高齢・障害課, 10 counter clerks at 大師支所, 10 supervisors and 200
applications already waiting; gunicorn started with gunicorn.conf.py and WEB_CONCURRENCY=2
(one process per core, 8 threads each: README, *Deployment*); then locust (bench/locustfile.py)
headless for LOAD_SECONDS (default 60) with 50 staff + 2 intake clients, ramping up at 10 users
per second; it shares the two cores with the server, as the issue asks.

Target P10: page p95 ≤ 300 ms (every "page:" request together, sign-in included) and 0 errors.
Baseline measured in the same run, on the same server before the load: GET /healthz and the
team queue, dashboard, all-tasks and ledger pages, 20 times each, one at a time.

Run: ``python -m bench bench_load`` (or ``make bench``).
"""

from __future__ import annotations

import base64
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.common import Row, print_table
from bench.support import ROOT, bench_config

SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
STAFF = {"clerk": 20, "counter": 10, "supervisor": 10}
PASSWORD = "load-password"
TARGET_MS = 300.0
# Once per user at the start (scrypt, ~0.1 s of CPU each): 50 of them fall into the ramp-up.
SIGN_IN = {"page: login form", "page: sign in", "page: home"}


def _prepare(url: str, folder: Path) -> dict:
    """Migrate and seed; returns what the locustfile needs (users, token, a workbook)."""
    from flask_migrate import upgrade

    from models.office import Department, Office
    from tests.server.queues import intake_body
    from tests.support.applications import kaigo_fields, workbook
    from webapp import accounts, create_app, seed, seed_applications, seed_forwarding
    from webapp.extensions import db
    from workflows import registry

    # Passwords hashed as in production (scrypt): sign-in is one of the measured pages.
    app = create_app({**bench_config(url), "PASSWORD_HASH_METHOD": "scrypt",
                      "ATTACHMENT_DIR": str(folder / "attachments")})
    with app.app_context():
        upgrade()
        seed.seed_org()
        seed_forwarding.seed_catalogue()
        seed_applications.seed_catalogue()
        registry.deploy_builtin()
        offices = {o.code: o for o in db.session.query(Office)}
        kourei = db.session.query(Department).filter_by(code="KOUREI").one()
        every = list(db.session.query(Department))
        names: dict[str, list[str]] = {}
        for kind, count in STAFF.items():
            names[kind] = []
            for n in range(count):
                username = f"load.{kind}.{n:02d}"
                office, departments, roles = {
                    "clerk": ("KAWASAKI", [kourei], ["ward_clerk"]),
                    "counter": ("DAISHI", [], ["branch_clerk"]),
                    "supervisor": ("KAWASAKI", every, ["supervisor"])}[kind]
                accounts.create_user(None, username=username, display_name=username,
                                     password=PASSWORD, office=offices[office],
                                     departments=departments, roles=roles)
                names[kind].append(username)
        intake = accounts.create_user(None, username="load.intake", display_name="intake",
                                      password=PASSWORD, office=offices["KAWASAKI"],
                                      departments=[], roles=["integration"])
        _token, raw = accounts.create_token(None, intake, "load")
        db.session.commit()
        db.engine.dispose()
    body = intake_body(0)
    return {"staff": names, "password": PASSWORD, "token": raw,
            "fields": kaigo_fields(), "body": body,
            "workbook": base64.b64encode(workbook()).decode()}


def _baseline(base: str, users: dict) -> dict[str, float]:
    """Median ms of single pages, one request at a time, before the load (20 each)."""
    import requests

    from tests.server.client import Browser

    clerk = Browser([base]).login(users["staff"]["clerk"][0], PASSWORD)
    supervisor = Browser([base]).login(users["staff"]["supervisor"][0], PASSWORD)
    out = {}
    for name, get in (("GET /healthz", lambda: requests.get(f"{base}/healthz", timeout=30)),
                      ("team queue page", lambda: clerk.get("/queues/team")),
                      ("dashboard page", lambda: supervisor.get("/dashboard/")),
                      ("all tasks page", lambda: supervisor.get("/queues/all")),
                      ("ledger page", lambda: supervisor.get("/forwarding/ledger"))):
        times = []
        for _ in range(20):
            started = time.perf_counter()
            get()
            times.append(1000 * (time.perf_counter() - started))
        out[name] = statistics.median(times)
    return out


def _fill(base: str, users: dict, count: int) -> None:
    """Applications waiting in the clerks' team queue before the day starts."""
    import uuid

    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {users['token']}"
    for _ in range(count):
        answer = session.post(f"{base}/api/v1/applications", json=users["body"],
                              headers={"Idempotency-Key": uuid.uuid4().hex}, timeout=60)
        assert answer.status_code == 201, answer.text


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def _table(samples: list) -> tuple[list[tuple], list[float], list[float], int]:
    by_name: dict[str, list] = defaultdict(list)
    for name, ms, ok in samples:
        by_name[name].append((ms, ok))
    rows = []
    for name in sorted(by_name):
        times = [ms for ms, _ok in by_name[name]]
        failures = sum(1 for _ms, ok in by_name[name] if not ok)
        rows.append((name, len(times), failures, _percentile(times, 0.5),
                     _percentile(times, 0.95)))
    pages = [ms for name, ms, _ok in samples if name.startswith("page:")]
    working = [ms for name, ms, _ok in samples if name.startswith("page:") and name not in SIGN_IN]
    errors = sum(1 for _name, _ms, ok in samples if not ok)
    return rows, pages, working, errors


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    from bench.http_load import tree_cpu_seconds
    from tests.server.served import Gunicorn, environment
    from tests.support.pgserver import PgServer

    pg = PgServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="madoguchi-load-") as tmp:
            folder = Path(tmp)
            url = pg.create_database("madoguchi_load")
            users = _prepare(url, folder)
            (folder / "users.json").write_text(json.dumps(users))
            env = environment(url, folder, WEB_CONCURRENCY="2", MADOGUCHI_DEMO="0")
            server = Gunicorn(env, folder / "gunicorn.log").start()
            try:
                _fill(server.base, users, 200)
                baseline = _baseline(server.base, users)
                load_before = os.getloadavg()[0]
                postmaster = int((pg.datadir / "postmaster.pid").read_text().split()[0])
                cpu0 = (tree_cpu_seconds(server.process.pid), tree_cpu_seconds(postmaster),
                        _children_cpu())
                started = time.monotonic()
                subprocess.run(
                    [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
                     "--headless", "--users", "52", "--spawn-rate", "10",
                     "--run-time", f"{SECONDS}s", "--host", server.base, "--only-summary",
                     "--loglevel", "WARNING", "--stop-timeout", "10"],
                    cwd=ROOT, check=False, timeout=SECONDS + 120,
                    env={**os.environ, "LOAD_USERS": str(folder / "users.json"),
                         "LOAD_SAMPLES": str(folder / "samples.json")})
                elapsed = time.monotonic() - started
                cpu = {name: after - before for name, after, before in zip(
                    ("gunicorn", "postgres", "locust"),
                    (tree_cpu_seconds(server.process.pid), tree_cpu_seconds(postmaster),
                     _children_cpu()), cpu0, strict=True)}
                load_after = os.getloadavg()[0]
                tracebacks = server.tracebacks()
            finally:
                server.stop()
            samples = json.loads((folder / "samples.json").read_text())
    finally:
        pg.stop()
    rows, pages, working, errors = _table(samples)
    print(f"\nLoad: 50 staff + 2 intake clients, {SECONDS} s, gunicorn gthread 2 workers × 8 "
          f"threads, PostgreSQL ({elapsed:.0f} s with ramp-up)")
    print(f"{'request':<40} {'count':>7} {'fail':>5} {'p50 ms':>8} {'p95 ms':>8}")
    for name, count, failures, p50, p95 in rows:
        print(f"{name:<40} {count:>7} {failures:>5} {p50:>8.0f} {p95:>8.0f}")
    page_p95 = _percentile(pages, 0.95)
    per_request = {k: 1000 * v / max(len(samples), 1) for k, v in cpu.items()}
    busy = sum(cpu.values()) / (2 * elapsed)
    print_table("Load (issue 15, P10)", [
        Row("pages, p95", page_p95, "ms", f"≤ {TARGET_MS:.0f} ms", page_p95 <= TARGET_MS,
            f"{len(pages)} page requests"),
        Row("pages, p50", _percentile(pages, 0.5), "ms"),
        Row("pages without sign-in, p95", _percentile(working, 0.95), "ms",
            note=f"{len(working)} requests: the day's work once everyone is signed in"),
        Row("errors (all requests)", errors, "", "0", errors == 0,
            f"{len(samples)} requests, {len(samples) / SECONDS:.1f}/s"),
        Row("tracebacks in the server log", len(tracebacks), "", "0", not tracebacks),
        Row("CPU per request", sum(per_request.values()), "ms", note=", ".join(
            f"{k} {v:.1f} ms" for k, v in per_request.items())),
        Row("share of the 2 cores used by server, database and locust", 100 * busy, "%"),
        Row("2 idle cores ÷ CPU per request (server + database only)",
            2000 / (per_request["gunicorn"] + per_request["postgres"]), "/s"),
        Row("load average at start / end", load_before, "", note=f"end {load_after:.2f}"),
        *(Row(f"baseline: {name} alone, median", ms, "ms") for name, ms in baseline.items()),
        *_ratios(rows, baseline),
    ])


# The baseline pages and their rows under load, for the ratio the benchmarks print.
_UNDER_LOAD = {"team queue page": "page: team queue", "dashboard page": "page: dashboard",
               "all tasks page": "page: all tasks", "ledger page": "page: ledger"}


def _ratios(rows: list[tuple], baseline: dict[str, float]) -> list[Row]:
    """p95 under load ÷ the same page's median alone, measured in this run."""
    p95 = {name: row_p95 for name, _count, _failures, _p50, row_p95 in rows}
    return [Row(f"{name}: p95 under load ÷ median alone", p95[_UNDER_LOAD[name]] / ms, "×")
            for name, ms in baseline.items() if _UNDER_LOAD.get(name) in p95 and ms > 0]


if __name__ == "__main__":
    main()
