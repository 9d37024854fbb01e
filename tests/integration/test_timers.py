"""The timer runner: only due cases move, `--now` works, several runners never double-fire."""

import multiprocessing
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models.audit import AuditEvent
from models.timer import Timer
from tests.conftest import _config
from tests.integration.runtime_support import T0, deploy, open_item


@pytest.fixture
def returned_cases(app, org, make_user, session):
    """Factory: n cases waiting for a correction (each with a 14-day timer)."""
    from workflows import cases

    clerk = make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"])
    deploy("correction_loop.bpmn")

    def make(n: int):
        made = []
        for _ in range(n):
            case = cases.start_case("correction_loop", {}, actor=clerk, now=T0,
                                    department=org["departments"]["HOKEN"]).case
            cases.complete_task(open_item(case), {"decision": "return", "reason": "x"},
                                actor=clerk, now=T0)
            made.append(case)
        session.commit()
        return made

    return make


def _fired(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "timer_fired"))


def test_cli_run_due_with_now(app, returned_cases, session):
    [case] = returned_cases(1)
    runner = app.test_cli_runner()
    early = runner.invoke(args=["timers", "run-due", "--now", "2026-06-14T09:00:00+09:00"])
    assert early.exit_code == 0 and early.output.startswith("cases 0")
    late = runner.invoke(args=["timers", "run-due", "--now", "2026-06-15T09:01:00+09:00"])
    assert late.exit_code == 0 and late.output.startswith("cases 1, timers 1")
    session.expire_all()
    assert open_item(case).bpmn_id == "close_case" and _fired(session) == 1
    again = runner.invoke(args=["timers", "run-due", "--now", "2026-06-20T09:00:00+09:00"])
    assert again.output.startswith("cases 0")


def test_cli_refuses_a_time_without_zone(app):
    result = app.test_cli_runner().invoke(args=["timers", "run-due", "--now", "2026-06-15"])
    assert result.exit_code != 0 and "zone" in result.output


def test_only_due_timers_are_touched(app, org, make_user, session):
    from workflows import cases, timers

    clerk = make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"])
    deploy("correction_loop.bpmn")
    made = []
    for days in (0, 5, 10):  # returned on three different days
        when = T0 + timedelta(days=days)
        case = cases.start_case("correction_loop", {}, actor=clerk, now=when,
                                department=org["departments"]["HOKEN"]).case
        cases.complete_task(open_item(case), {"decision": "return", "reason": "x"},
                            actor=clerk, now=when)
        made.append(case)
    session.commit()
    counts = timers.run_due(T0 + timedelta(days=14, minutes=1))
    assert counts == {"cases": 1, "timers": 1, "conflicts": 0}
    session.expire_all()
    assert [open_item(c).bpmn_id for c in made] == [
        "close_case", "await_correction", "await_correction"]


def _run_due_process(db_url: str, queue) -> None:
    from webapp import create_app
    from webapp.extensions import db
    from workflows import timers

    app = create_app(_config(db_url))
    with app.app_context():
        queue.put(timers.run_due(T0 + timedelta(days=15)))
        db.session.remove()
        db.engine.dispose()


def test_two_runners_at_once_fire_each_timer_once(returned_cases, session, db_url):
    returned_cases(12)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_run_due_process, args=(db_url, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    assert sum(r["timers"] for r in results) == 12
    assert _fired(session) == 12
    assert session.scalar(select(func.count()).select_from(Timer)) == 0


def test_a_timer_step_to_nobodys_queue_puts_the_case_in_error(app, returned_cases, session):
    """A case left without a department (started before that was refused): its 14-day timer
    would create a supervisor task in no queue. The runner keeps going, the case shows why."""
    from models.case import Case
    from models.work_item import WorkItem
    from workflows import timers

    stranded, fine = returned_cases(2)
    session.execute(Case.__table__.update().where(Case.__table__.c.id == stranded.id)
                    .values(department_id=None))
    session.commit()
    session.expire_all()  # objects outlive commits here: forget the department read before
    counts = timers.run_due(T0 + timedelta(days=15))
    assert counts["cases"] == 2
    session.expire_all()
    assert open_item(fine).bpmn_id == "close_case"
    stranded = session.get(Case, stranded.id)
    assert stranded.status == "error" and "担当課" in stranded.error["message"]
    assert session.scalar(select(func.count()).select_from(WorkItem).where(
        WorkItem.case_id == stranded.id, WorkItem.department_id.is_(None),
        WorkItem.role == "supervisor")) == 0
    # The step was not applied: no "timer fired" row for it (the fine case has its own).
    fired = session.scalars(select(AuditEvent).where(AuditEvent.action == "timer_fired")).all()
    assert fired and all(e.object_id != str(stranded.id) for e in fired)
