"""Intake API under gunicorn (2 workers): sustained applications/s and latency (issue 5).

For each backend (a migrated SQLite file, then a throw-away PostgreSQL started with
tests/support/pgserver.PgServer) the benchmark starts gunicorn with 2 sync workers on a free
127.0.0.1 port and drives ``POST /api/v1/applications`` from a thread pool of http.client
connections for BENCH_SECONDS (default 60) per workload: 粗大ごみ収集申込 (fields only) and
介護給付費の取下げ (fields + a distinct Excel workbook each time, checked with openpyxl).
Every request carries its own Idempotency-Key and must answer 201.

Run: ``python -m bench bench_intake`` (or ``make bench``). The load generator shares the two
cores with the server, as the issue asks.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from bench.common import Row, print_table
from bench.support import ROOT, bench_config

SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "6"))
TARGET = 200.0
HOST = "127.0.0.1"


def _prepare(url: str) -> str:
    """Migrate, seed the catalogue and process, and return an integration token."""
    from flask_migrate import upgrade

    from models.office import Office
    from webapp import accounts, create_app, seed, seed_applications
    from webapp.extensions import db
    from workflows import registry

    app = create_app(bench_config(url))
    with app.app_context():
        upgrade()
        seed.seed_org()
        seed_applications.seed_catalogue()
        registry.deploy_builtin()
        office = db.session.query(Office).filter_by(code="KAWASAKI").one()
        user = accounts.create_user(None, username="intake.bench", display_name="bench",
                                    password="bench-password", office=office, departments=[],
                                    roles=["integration"])
        _token, raw = accounts.create_token(None, user, "bench")
        db.session.commit()
        db.engine.dispose()
    return raw


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _gunicorn(url: str, files: Path) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret",
           "ATTACHMENT_DIR": str(files), "MADOGUCHI_DEMO": "", "MADOGUCHI_TIMER_THREAD": ""}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"{HOST}:{port}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection(HOST, port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _workbooks(count: int) -> list[str]:
    """Distinct small claim workbooks (base64), so no two requests send the same bytes."""
    import openpyxl

    out = []
    for n in range(count):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["事業所番号", "サービス提供年月", "請求自治体コード", "受給者証番号", "金額"])
        for row in range(10):
            sheet.append(["1234567890", "202305", "141305", f"{n:05d}{row:05d}", 1000 + row])
        buffer = io.BytesIO()
        book.save(buffer)
        out.append(base64.b64encode(buffer.getvalue()).decode())
    return out


def _bodies(workload: str) -> Iterator[bytes]:
    if workload == "SODAI_GOMI":
        fields = {"family_name": "川崎", "given_name": "太郎", "address": "川崎区宮本町1番地",
                  "phone": "0442002077", "email": "taro@example.jp",
                  "email_confirm": "taro@example.jp", "items": "たんす×1", "item_count": 1,
                  "preferred_date": "2026-06-20"}
        body = json.dumps({"procedure_code": workload, "fields": fields,
                           "applicant": {"name": "川崎 太郎", "email": "taro@example.jp"}})
        while True:
            yield body.encode()
    books = _workbooks(50)
    fields = {"corporation_name": "川崎介護株式会社", "office_name": "川崎介護事業所",
              "office_number": "1234567890", "email": "office@example.jp",
              "email_confirm": "office@example.jp", "phone": "044-200-2077",
              "contact_family_name": "川崎", "contact_given_name": "花子"}
    n = 0
    while True:
        n += 1
        yield json.dumps({"procedure_code": workload, "fields": fields,
                          "applicant": {"name": "川崎介護株式会社", "email": "o@example.jp"},
                          "attachments": [{"field": "attachment",
                                           "filename": "kago(1234567890).xlsx",
                                           "content_base64": books[n % len(books)]}]}).encode()


def _drive(port: int, token: str, workload: str, seconds: float) -> dict:
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    bodies = _bodies(workload)
    stop_at = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < stop_at:
            with lock:
                body = next(bodies)
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                       "Idempotency-Key": uuid.uuid4().hex, "Connection": "close"}
            started = time.perf_counter()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
            try:
                connection.request("POST", "/api/v1/applications", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
            finally:
                connection.close()
            elapsed = time.perf_counter() - started
            with lock:
                (latencies.append(elapsed) if status == 201 else failures.append(status))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - begun
    ordered = sorted(latencies) or [0.0]
    return {"rate": len(latencies) / wall, "count": len(latencies), "errors": len(failures),
            "p50": ordered[len(ordered) // 2] * 1000,
            "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000}


def _scenario(backend: str, url: str, rows: list[Row]) -> None:
    token = _prepare(url)
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-files-") as files, \
            _gunicorn(url, Path(files)) as port:
        _drive(port, token, "SODAI_GOMI", min(3.0, SECONDS))  # warm up both workers
        for workload, label in (("SODAI_GOMI", "fields only"),
                                ("KAIGO_TORISAGE", "fields + Excel workbook")):
            result = _drive(port, token, workload, SECONDS)
            note = f"{backend}, {label}, {result['count']} in {SECONDS:.0f} s, " \
                   f"{result['errors']} errors"
            rows.append(Row("applications/s", result["rate"], "/s", f"≥ {TARGET:.0f}/s",
                            result["rate"] >= TARGET and not result["errors"], note))
            rows.append(Row("latency p50", result["p50"], "ms", note=note))
            rows.append(Row("latency p95", result["p95"], "ms", note=note))


def main() -> None:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="madoguchi-bench-") as tmp:
        _scenario("SQLite", f"sqlite:///{Path(tmp) / 'intake.sqlite3'}", rows)
    from tests.support.pgserver import PgServer

    server = PgServer().start()
    try:
        _scenario("PostgreSQL", server.create_database("madoguchi_bench_intake"), rows)
    finally:
        server.stop()
    print_table(f"Intake API, gunicorn 2 workers, {CLIENTS} client threads on loopback", rows)


if __name__ == "__main__":
    main()
