"""Branch-office forwarding benchmarks (issue 4): receipt PDF, 10,000-line ledger in Excel,
and 1,000 receipts issued by 4 processes at once on PostgreSQL (no duplicate, no gap)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from bench.common import Row, measure_pair, median_ms, p95_ms, print_table
from bench.support import bench_config, scratch_app

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
LEDGER_LINES = 10_000
RACE_PROCESSES = 4
RACE_ISSUES = 1_000


def _setup_forwarding():
    """Catalogue, processes and one clerk per role in the current app."""
    from models.office import Department, Office
    from webapp import accounts, seed_forwarding
    from webapp.extensions import db
    from workflows.forwarding.steps import deploy_process

    seed_forwarding.seed_catalogue()
    deploy_process()
    offices = {o.code: o for o in db.session.query(Office)}
    users = {}
    for name, office, roles in (("bench.branch", "DAISHI", ["branch_clerk"]),
                                ("bench.branch2", "DAISHI", ["branch_clerk"]),
                                ("bench.admin", "KAWASAKI", ["admin"])):
        users[name] = accounts.create_user(
            None, username=name, display_name=name, password="bench-password",
            office=offices[office], departments=list(db.session.query(Department))
            if "admin" in roles else [], roles=roles)
    db.session.commit()
    return offices, users


def cpu_times(fn, repeat: int) -> list[float]:
    """CPU seconds of each call: what the work costs even when other processes share the CPU."""
    out = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        out.append(time.process_time() - start)
    return out


def cpu_pair(a, b, repeat: int) -> tuple[list[float], list[float]]:
    """CPU seconds of a and b, called alternately (the load-independent comparison)."""
    times_a, times_b = [], []
    for _ in range(repeat):
        times_a += cpu_times(a, 1)
        times_b += cpu_times(b, 1)
    return times_a, times_b


def _uncached_render(template: str, **context) -> bytes:
    """Baseline: the same document rendered the plain WeasyPrint way (stylesheets parsed and
    fontconfig loaded for every print), as reports.pdf did before it kept them per thread."""
    from weasyprint import HTML

    from reports.pdf import TEMPLATES_DIR, template_env

    html = template_env().get_template(template).render(**context)
    return HTML(string=html, base_url=str(TEMPLATES_DIR)).write_pdf()


def bench_receipt_pdf() -> list[Row]:
    from reports import receipt as receipt_report
    from webapp.extensions import db
    from workflows.forwarding.issue import LineRequest, Resident, issue_receipts

    with scratch_app():
        offices, users = _setup_forwarding()
        issued = issue_receipts(users["bench.branch"], offices["DAISHI"],
                                Resident("川崎 太郎", "カワサキ タロウ", "044-123-4567"),
                                [LineRequest("HK", 2), LineRequest("IR", 1),
                                 LineRequest("SN", 3)], now=T0)
        db.session.commit()
        view = receipt_report.receipt_view(issued.receipts[0], "http://127.0.0.1:5000/cases/1")
        def render() -> bytes:
            return receipt_report.render_receipts([view])

        def baseline() -> bytes:
            return _uncached_render("forwarding/receipt.html", receipts=[view])

        times, base = measure_pair(render, baseline, repeat=25)
        cpu, cpu_base = cpu_pair(render, baseline, repeat=15)
    return [Row("receipt PDF, 3 documents, original + copy (median)", median_ms(times), "ms",
                "≤ 200 ms", median_ms(times) <= 200),
            Row("receipt PDF (p95)", p95_ms(times), "ms"),
            Row("receipt PDF, CPU time (median)", median_ms(cpu), "ms"),
            Row("baseline, same run: WeasyPrint without the per-thread caches (median)",
                median_ms(base), "ms"),
            Row("baseline, CPU time (median)", median_ms(cpu_base), "ms"),
            Row("receipt PDF ÷ baseline (wall / CPU)", median_ms(times) / median_ms(base), "×",
                note=f"CPU {median_ms(cpu) / median_ms(cpu_base):.2f}×")]


def _line_times(status: str, at: datetime) -> dict:
    """Timestamps a line in this status has (a held line was never dispatched, etc.)."""
    order = ["held", "in_transit", "received", "returning", "filed"]
    reached = order.index(status) if status in order else 0
    stamps = {"dispatched_at": timedelta(hours=2), "received_at": timedelta(days=1),
              "returned_at": timedelta(days=1, hours=3), "filed_at": timedelta(days=2)}
    out = {key: (at + delta if i < reached else None)
           for i, (key, delta) in enumerate(stamps.items())}
    out["due_at"] = None if status in ("filed", "cancelled") else at + timedelta(days=3)
    return out


def _fill_ledger(offices, users, count: int) -> None:
    """count ledger lines (4 per receipt, one bag per receipt) in every status, in bulk."""
    from models.bag import Bag
    from models.document_type import DocumentType
    from models.receipt import LINE_STATUSES, Receipt, ReceiptLine
    from webapp.extensions import db

    types = list(db.session.query(DocumentType).filter(DocumentType.forwardable.is_(True)))
    branch, clerk = offices["DAISHI"], users["bench.branch"]
    receipts, bags, lines, serials = [], [], [], {}
    for r in range(count // 4):
        at = T0 + timedelta(minutes=7 * r)
        t = types[r % len(types)]
        status = LINE_STATUSES[r % len(LINE_STATUSES)]
        receipts.append({"id": r + 1, "visit_key": f"{r:032x}", "office_id": branch.id,
                         "department_id": t.department_id, "resident_name": f"川崎 太郎{r}",
                         "resident_kana": "カワサキ タロウ", "resident_key": "",
                         "phone": "044-123-4567", "remarks": "", "issued_at": at,
                         "updated_at": at, "version": 1})
        bags.append({"id": r + 1, "number": f"DAISHI-{at:%Y%m%d}-{r:05d}", "version": 1,
                     "office_id": branch.id, "department_id": t.department_id,
                     "status": "in_transit", "dispatched_at": at})
        for i in range(4):
            serials[t.code] = serials.get(t.code, 0) + 1
            line_status = status if i < 3 else LINE_STATUSES[(r + 1) % len(LINE_STATUSES)]
            lines.append({"receipt_id": r + 1, "position": i, "fiscal_year": 2026,
                          "number": f"大師-R8-{t.code}-{serials[t.code]:05d}",
                          "serial": serials[t.code], "office_id": branch.id,
                          "department_id": t.department_id, "document_type_id": t.id,
                          "sheets": 1 + i, "status": line_status, "missing": False,
                          "issued_at": at,
                          "bag_id": None if line_status in ("held", "cancelled") else r + 1,
                          "cancelled_by_id": clerk.id if line_status == "cancelled" else None,
                          "cancel_reason": "持ち帰り" if line_status == "cancelled" else None,
                          **_line_times(line_status, at)})
    db.session.execute(Receipt.__table__.insert(), receipts)
    db.session.execute(Bag.__table__.insert(), [{k: v for k, v in b.items() if k != "version"}
                                                  for b in bags])
    db.session.execute(ReceiptLine.__table__.insert(), lines)
    db.session.commit()


def _export(user) -> bytes:
    from reports import ledger as ledger_report
    from workflows.forwarding.ledger import LedgerFilter, export_rows

    rows = export_rows(user, LedgerFilter(), T0 + timedelta(days=30))
    return ledger_report.ledger_xlsx(rows, title="回送管理簿", conditions="全件")


def plain_openpyxl() -> None:
    """Baseline: bare openpyxl write-only, 10,000 rows × 10 cells (no query, no styles)."""
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    for i in range(10_000):
        ws.append([f"大師-R8-HK-{i:05d}", "受領済", "保険年金課",
                   "国民健康保険高額療養費支給申請", 2, "川崎 太郎", i, i, i, i])
    wb.save(io.BytesIO())


def bench_ledger_xlsx() -> list[Row]:
    from webapp.extensions import db

    with scratch_app():
        offices, users = _setup_forwarding()
        _fill_ledger(offices, users, LEDGER_LINES)
        admin = users["bench.admin"]
        _export(admin)  # warm caches (fonts are not involved; SQL and openpyxl are)
        gc.collect()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        times, base = measure_pair(lambda: _export(admin), plain_openpyxl, repeat=5, warmup=1)
        cpu, cpu_base = cpu_pair(lambda: _export(admin), plain_openpyxl, repeat=3)
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        gc.collect()
        tracemalloc.start()
        data = _export(admin)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.remove()
    from reports.ledger import COLUMNS

    return [Row(f"ledger xlsx, {LEDGER_LINES:,} lines × {len(COLUMNS)} columns (median)",
                median_ms(times) / 1000, "s", "≤ 2 s", median_ms(times) <= 2000),
            Row("ledger xlsx, CPU time (median)", median_ms(cpu) / 1000, "s"),
            Row("baseline, same run: bare openpyxl write-only, 10,000 rows × 10 cells (median)",
                median_ms(base) / 1000, "s"),
            Row("baseline, CPU time (median)", median_ms(cpu_base) / 1000, "s"),
            Row("ledger xlsx ÷ baseline (wall / CPU)", median_ms(times) / median_ms(base), "×",
                note=f"CPU {median_ms(cpu) / median_ms(cpu_base):.2f}×"),
            Row("ledger xlsx, peak Python memory during the export (tracemalloc)",
                peak / 2**20, "MB", "≤ 50 MB", peak <= 50 * 2**20),
            Row("ledger xlsx, growth of the process's peak RSS", rss_growth, "MB",
                "≤ 50 MB", rss_growth <= 50),
            Row("ledger xlsx file size", len(data) / 2**20, "MB")]


def _race_worker(url: str, username: str, count: int, barrier, queue) -> None:
    from sqlalchemy import select

    from models.office import Office
    from models.user import User
    from webapp import create_app
    from webapp.extensions import db
    from workflows.forwarding.issue import LineRequest, Resident, issue_receipts

    numbers: list[str] = []
    try:
        app = create_app(bench_config(url))
        with app.app_context():
            user = db.session.scalar(select(User).where(User.username == username))
            office = db.session.scalar(select(Office).where(Office.code == "DAISHI"))
            barrier.wait(timeout=120)
            for i in range(count):
                code = "HK" if i % 2 else "IR"
                issued = issue_receipts(user, office, Resident(f"区民 {i}"),
                                        [LineRequest(code, 1)], now=T0)
                numbers += issued.receipts[0].numbers
                db.session.commit()
            db.engine.dispose()
    except Exception as exc:  # report, never leave the parent waiting
        numbers.append(f"error: {exc!r}")
    queue.put(numbers)


def bench_race(url: str | None = None) -> list[Row]:
    """4 processes issue 1,000 receipts at once on PostgreSQL; count duplicates and gaps."""
    server = None
    if url is None:
        from tests.support.pgserver import PgServer

        server = PgServer().start()
        url = server.create_database("madoguchi_bench_forwarding")
    try:
        with scratch_app(url):
            _setup_forwarding()
        ctx = multiprocessing.get_context("spawn")
        barrier, queue = ctx.Barrier(RACE_PROCESSES + 1), ctx.Queue()
        per = RACE_ISSUES // RACE_PROCESSES
        names = ["bench.branch", "bench.branch2"]
        procs = [ctx.Process(target=_race_worker, args=(url, names[i % 2], per, barrier, queue))
                 for i in range(RACE_PROCESSES)]
        for p in procs:
            p.start()
        barrier.wait(timeout=120)
        start = time.perf_counter()
        results = [queue.get(timeout=900) for _ in procs]
        elapsed = time.perf_counter() - start
        for p in procs:
            p.join(60)
    finally:
        if server is not None:
            server.stop()
    numbers = [n for r in results for n in r]
    errors = [n for n in numbers if n.startswith("error")]
    duplicates = len(numbers) - len(set(numbers))
    expected = {f"大師-R8-{code}-{n:05d}" for code in ("HK", "IR")
                for n in range(1, RACE_ISSUES // 2 + 1)}
    missing = len(expected - set(numbers))
    return [Row(f"{RACE_ISSUES:,} receipts from {RACE_PROCESSES} processes on PostgreSQL: "
                "duplicate numbers", duplicates, "", "0", duplicates == 0 and not errors),
            Row("… missing numbers (gaps)", missing, "", "0", missing == 0 and not errors),
            Row("… failed issues", len(errors), "", "0", not errors),
            Row("… throughput", len(numbers) / elapsed, "receipts/s",
                note=f"{elapsed:.1f} s in all")]


def main() -> None:
    rows = [Row("load average at the start", os.getloadavg()[0], "",
                note=f"{os.cpu_count()} CPUs")]
    rows += bench_receipt_pdf() + bench_ledger_xlsx()
    rows += bench_race(os.environ.get("MADOGUCHI_BENCH_PG_URL"))
    rows.append(Row("load average at the end", os.getloadavg()[0], ""))
    print_table("Branch-office forwarding (issue 4)", rows)


if __name__ == "__main__":
    main()
