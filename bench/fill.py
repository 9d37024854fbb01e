"""Bulk data for benchmarks, inserted with Core executemany (fast, no ORM objects)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

BATCH = 20_000
BASE = datetime(2026, 4, 1, tzinfo=UTC)


def _process_version() -> tuple[int, str]:
    from bench.bench_runtime import LOOP
    from models.process import ProcessVersion
    from webapp.extensions import db
    from workflows import registry

    registry.deploy({"correction_loop.bpmn": LOOP.read_bytes()}, None)
    db.session.commit()
    row = db.session.execute(select(ProcessVersion.id, ProcessVersion.sha256).limit(1)).one()
    return row.id, row.sha256


def fill_cases(n: int, status: str = "active") -> list[int]:
    """n minimal case rows (never run: they only give work items and timers a parent)."""
    from models.case import Case
    from webapp.extensions import db

    version_id, sha = _process_version()
    start = db.session.scalar(select(Case.id).order_by(Case.id.desc()).limit(1)) or 0
    rows = [{"id": start + i + 1, "number": f"B-{start + i + 1:09d}", "fiscal_year": 2026,
             "process_version_id": version_id, "process_sha256": sha,
             "process_id": "correction_loop",
             "channel": "bench", "status": status, "subject_name": "", "subject_key": "",
             "data": {}, "state": {}, "rounds": 0, "version": 1,
             "created_at": BASE, "updated_at": BASE} for i in range(n)]
    for i in range(0, n, BATCH):
        db.session.execute(insert(Case.__table__), rows[i:i + BATCH])
    db.session.commit()
    return [r["id"] for r in rows]


def fill_work_items(total: int, per_case: int = 10) -> None:
    """total work items over total/per_case cases, spread over roles, offices, departments."""
    from models.office import Department, Office
    from models.work_item import WorkItem
    from webapp.extensions import db

    rnd = random.Random(7)
    case_ids = fill_cases(max(1, total // per_case))
    offices = {o.code: o.id for o in db.session.query(Office)}
    departments = [d.id for d in db.session.query(Department)]
    statuses = ["open"] * 3 + ["claimed"] + ["completed"] * 6
    batch = []
    for n in range(total):
        role = rnd.choice(("ward_clerk", "ward_clerk", "supervisor", "branch_clerk"))
        office = offices[rnd.choice(("DAISHI", "TAJIMA"))] if role == "branch_clerk" \
            else offices["KAWASAKI"]
        batch.append({
            "case_id": case_ids[n // per_case], "task_id": str(uuid.UUID(int=rnd.getrandbits(128))),
            "engine_task_id": str(uuid.uuid4()), "bpmn_id": "review", "name": "審査",
            "role": role, "form_key": "", "office_id": office,
            "department_id": None if role == "branch_clerk" else rnd.choice(departments),
            "status": rnd.choice(statuses), "due_at": BASE + timedelta(minutes=rnd.randrange(
                525_600)), "created_at": BASE, "version": 1})
        if len(batch) == BATCH:
            db.session.execute(insert(WorkItem.__table__), batch)
            batch = []
    if batch:
        db.session.execute(insert(WorkItem.__table__), batch)
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE work_item"))
    else:
        db.session.execute(db.text("ANALYZE"))
    db.session.commit()


def team_queue_query(department):
    """The team queue: open ward-clerk items of one department, soonest due first."""
    from models.work_item import WorkItem

    return (select(WorkItem.id, WorkItem.case_id, WorkItem.name, WorkItem.due_at)
            .where(WorkItem.status == "open", WorkItem.role == "ward_clerk",
                   WorkItem.office_id == department.office_id,
                   WorkItem.department_id == department.id)
            .order_by(WorkItem.due_at, WorkItem.id).limit(50))


def due_cases(n: int, clerk, department, now: datetime) -> None:
    """n real correction-loop cases returned for correction at `now` (timer due in 14 days)."""
    from models.work_item import WorkItem
    from webapp.extensions import db
    from workflows import cases

    _process_version()  # deploys the correction loop
    for _ in range(n):
        case = cases.start_case("correction_loop", {}, actor=clerk, department=department,
                                now=now).case
        item = db.session.query(WorkItem).filter_by(case_id=case.id, status="open").one()
        cases.complete_task(item, {"decision": "return", "reason": "x"}, actor=clerk, now=now)
    db.session.commit()


def waiting_timers(n: int, due_at: datetime) -> None:
    """n timers far in the future, on placeholder cases."""
    from models.timer import Timer
    from webapp.extensions import db

    ids = fill_cases(n, status="waiting")
    rows = [{"case_id": cid, "bpmn_id": "timer_no_reply", "due_at": due_at} for cid in ids]
    for i in range(0, n, BATCH):
        db.session.execute(insert(Timer.__table__), rows[i:i + BATCH])
    db.session.commit()
