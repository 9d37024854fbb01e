"""Every path over real HTTP on the served app, many users at once (issue 15).

SQLite: one gunicorn master as `make run` serves it. PostgreSQL: two masters sharing the
database (each browser alternates between them) and `timers run-due` from a third process.
"""

from __future__ import annotations

import contextlib
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import openpyxl
import pytest

from tests.server import paths, queues
from tests.server.conftest import timer_runner

pytestmark = pytest.mark.server


def test_every_path_at_once(site):
    stop = threading.Event()
    runner = timer_runner(site) if site.backend == "postgresql" else contextlib.nullcontext([])
    with runner as timer_runs, ThreadPoolExecutor(9) as pool:
        reading = pool.submit(queues.readers, site, stop)
        jobs = [pool.submit(paths.online_application, site),
                pool.submit(paths.online_application, site),
                pool.submit(paths.postal_application, site, "川崎 花子"),
                pool.submit(paths.postal_application, site, "大師 次郎"),
                pool.submit(paths.forwarding, site, "branch.daishi", "大師"),
                pool.submit(paths.forwarding, site, "branch.tajima", "田島"),
                pool.submit(queues.claim_races, site)]
        try:
            done = [job.result() for job in jobs]
        finally:
            stop.set()
        assert reading.result() > 0
    numbers = [n for n in done if n]
    assert len(set(numbers)) == len(numbers)  # every 申込番号, case and receipt number differs
    if site.backend == "postgresql":
        assert timer_runs, "timers run-due never finished while the traffic ran"
    assert site.tracebacks() == []


def test_queue_and_dashboard_numbers_match_the_database(site):
    for n in range(3):
        queues.intake(site, 500 + n)
    clerk = site.browser("ward.kourei2")
    page = clerk.get("/queues/team").text
    shown = re.search(r'href="/queues/team"[^>]*>[^<]*<span class="nav-count">([\d,]+)', page)
    [(open_items,)] = site.sql(
        "SELECT count(*) FROM work_item w JOIN department d ON d.id = w.department_id "
        "WHERE w.status = 'open' AND w.role = 'ward_clerk' AND d.code = 'KOUREI'")
    assert shown and int(shown.group(1).replace(",", "")) == open_items >= 3
    supervisor = site.browser("supervisor")
    assert "申請内容の審査" in supervisor.get("/dashboard/").text
    book = openpyxl.load_workbook(io.BytesIO(supervisor.get("/dashboard/export.xlsx").content))
    assert len(book.sheetnames) > 1
    assert supervisor.get("/dashboard/export.pdf").content.startswith(b"%PDF-")
    assert site.tracebacks() == []
