"""Staff work UI benchmarks (issue 7): the team-queue page and the supervisor dashboard with
1,000,000 work items in the database, timed through the whole Flask request (test client:
routing, session, queries, template), on SQLite, and on PostgreSQL when
MADOGUCHI_BENCH_PG_URL is set (`python -m bench bench_queues`)."""

from __future__ import annotations

import os
import time

from bench.common import Row, median_ms, p95_ms, print_table
from bench.support import scratch_app

TOTAL = int(os.environ.get("MADOGUCHI_BENCH_ITEMS", 1_000_000))
REPEAT = 100


def _spread_dates(now) -> None:
    """Completed items over the last 1,000 days (an office's history: ~1,000 completions a
    day per ward), open ones entered over the last 60 (the plain fill gives every item the
    same creation time and no completion time)."""
    from sqlalchemy import text

    from webapp.extensions import db

    if db.session.get_bind().dialect.name == "postgresql":
        days = "(id % {n}) * interval '1 day'"
        done = f"UPDATE work_item SET completed_at = :now - {days.format(n=1000)} " \
               "WHERE status = 'completed'"
        made = f"UPDATE work_item SET created_at = :now - {days.format(n=60)} " \
               "WHERE status IN ('open', 'claimed')"
        params = {"now": now}
    else:
        stamp = "strftime('%Y-%m-%d %H:%M:%f000', :now, '-' || (id % {n}) || ' days')"
        done = f"UPDATE work_item SET completed_at = {stamp.format(n=1000)} " \
               "WHERE status = 'completed'"
        made = f"UPDATE work_item SET created_at = {stamp.format(n=60)} " \
               "WHERE status IN ('open', 'claimed')"
        params = {"now": now.replace(tzinfo=None).isoformat(sep=" ")}
    db.session.execute(text(done), params)
    db.session.execute(text(made), params)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()


def _people():
    from models.office import Department, Office
    from webapp import accounts
    from webapp.extensions import db

    office = db.session.query(Office).filter_by(code="KAWASAKI").one()
    every = list(db.session.query(Department))
    hoken = [d for d in every if d.code == "HOKEN"]
    for username, roles, departments in (("bench.clerk", ["ward_clerk"], hoken),
                                         ("bench.sup", ["supervisor"], hoken),
                                         ("bench.sup.all", ["supervisor"], every)):
        accounts.create_user(None, username=username, display_name=username,
                             password="bench-password", office=office,
                             departments=departments, roles=roles)
    db.session.commit()


def _serving_app(url: str):
    """A second app instance for the requests: requests to the app whose context the bench
    holds would share its `g` (signed-in user, per-request caches) across requests."""
    from bench.support import bench_config
    from webapp import create_app

    return create_app({**bench_config(url), "WTF_CSRF_ENABLED": False})


def _client(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username,
                                           "password": "bench-password"})
    assert response.status_code == 302, response.status_code
    return client


def _interleaved(requests: dict[str, tuple]) -> dict[str, list[float]]:
    """Seconds of each request (name: (client, url)), taken in turns after 5 warm-up rounds,
    so every measure sees the same machine conditions."""
    times: dict[str, list[float]] = {name: [] for name in requests}
    for round_no in range(5 + REPEAT):
        for name, (client, url) in requests.items():
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
            assert response.status_code == 200, (url, response.status_code)
            if round_no >= 5:
                times[name].append(elapsed)
    return times


def _archive_most(now) -> None:
    """Complete nine in ten open items (completion dates spread like the others): 1,000,000
    items of which 40,000 open, closer to an office whose history stays in the database than
    the 400,000 open of the plain fill."""
    from sqlalchemy import text

    from webapp.extensions import db

    db.session.execute(text("UPDATE work_item SET status = 'completed' "
                            "WHERE status IN ('open', 'claimed') AND id % 10 <> 0"))
    db.session.commit()
    _spread_dates(now)


def _measure(app) -> dict[str, list[float]]:
    clerk, sup_all = _client(app, "bench.clerk"), _client(app, "bench.sup.all")
    return _interleaved({
        # Baseline: an empty page with the same navigation (the request's fixed cost).
        "base": (sup_all, "/queues/mine"),
        "team": (clerk, "/queues/team"),
        "deep": (clerk, "/queues/team?page=20"),
        "search": (clerk, "/queues/team?q=%E5%AF%A9%E6%9F%BB"),  # a name nobody has
        "sup": (_client(app, "bench.sup"), "/dashboard/"),
        "sup_all": (sup_all, "/dashboard/")})


def _rows(t: dict[str, list[float]], label: str) -> list[Row]:
    ratio = median_ms(t["sup_all"]) / median_ms(t["base"])
    return [
        Row(f"baseline: empty my-tasks page of the 7-department supervisor ({label}) — median",
            median_ms(t["base"]), "ms"),
        Row(f"team queue page, first 50 ({label}) — median", median_ms(t["team"]), "ms"),
        Row(f"team queue page, first 50 ({label}) — p95", p95_ms(t["team"]), "ms", "≤ 50 ms",
            p95_ms(t["team"]) <= 50),
        Row(f"team queue page 20, OFFSET 950 ({label}) — p95", p95_ms(t["deep"]), "ms"),
        Row(f"team queue, name search without a match: the whole team is read ({label}) — "
            "p95", p95_ms(t["search"]), "ms"),
        Row(f"dashboard, supervisor of one department ({label}) — p95", p95_ms(t["sup"]), "ms",
            "≤ 200 ms", p95_ms(t["sup"]) <= 200),
        Row(f"dashboard, supervisor of all 7 departments ({label}) — p95",
            p95_ms(t["sup_all"]), "ms", "≤ 200 ms", p95_ms(t["sup_all"]) <= 200),
        Row(f"dashboard, supervisor of all 7 departments ({label}) — median",
            median_ms(t["sup_all"]), "ms"),
        Row(f"ratio dashboard (7 departments) / baseline, medians ({label})", ratio, "×"),
        Row(f"calibration: load average while measuring ({label})", os.getloadavg()[0], ""),
    ]


def rows_for(url: str | None = None) -> list[Row]:
    from bench.fill import fill_work_items
    from models.base import utcnow

    backend = "PostgreSQL" if url else "SQLite"
    with scratch_app(url) as app:
        _people()
        started = time.perf_counter()
        fill_work_items(TOTAL)
        _spread_dates(utcnow())
        fill_s = time.perf_counter() - started
        serving = _serving_app(app.config["SQLALCHEMY_DATABASE_URI"])
        heavy = _measure(serving)
        _archive_most(utcnow())
        light = _measure(serving)
    return (_rows(heavy, f"{TOTAL:,} items, 40% open, {backend}")
            + _rows(light, f"{TOTAL:,} items, 4% open, {backend}")
            + [Row(f"setup: fill {TOTAL:,} items and ANALYZE ({backend})", fill_s, "s")])


def main() -> None:
    rows = rows_for()
    pg = os.environ.get("MADOGUCHI_BENCH_PG_URL")
    if pg:
        rows += rows_for(pg)
    print_table("Staff work UI: queue page and dashboard (issue 7)", rows)


if __name__ == "__main__":
    main()
