"""Two threads or two processes acting on the same task at once: exactly one wins."""

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select

from models.audit import AuditEvent
from tests.conftest import _config
from tests.integration.runtime_support import T0, deploy, open_item


@pytest.fixture
def case(app, org, make_user, session):
    from workflows import cases

    make_user("ward.a", roles=["ward_clerk"], departments=["HOKEN"])
    make_user("ward.b", roles=["ward_clerk"], departments=["HOKEN"])
    deploy("correction_loop.bpmn")
    outcome = cases.start_case("correction_loop", {}, actor=None,
                               department=org["departments"]["HOKEN"], now=T0)
    session.commit()
    return outcome.case


def _attempt(db_url: str, case_id: int, username: str, action: str, barrier=None) -> str:
    """Runs in its own app (thread or process) like a separate request would."""
    from sqlalchemy import select as sel

    from models.user import User
    from models.work_item import WorkItem
    from webapp import create_app
    from webapp.extensions import db
    from workflows import cases, tasks
    from workflows.failures import OperationError

    app = create_app(_config(db_url, PASSWORD_HASH_METHOD="pbkdf2:sha256:1000"))
    with app.app_context():
        try:
            user = db.session.scalar(sel(User).where(User.username == username))
            item = db.session.scalar(sel(WorkItem).where(
                WorkItem.case_id == case_id, WorkItem.status.in_(("open", "claimed"))))
            if barrier is not None:
                barrier.wait(timeout=30)
            if action == "claim":
                tasks.claim_task(item, user)
            else:
                cases.complete_task(item, {"decision": "return", "reason": "x"}, actor=user,
                                    now=T0)
            db.session.commit()
            return "won"
        except OperationError as exc:
            db.session.rollback()
            return f"conflict:{exc.status}"
        finally:
            db.session.remove()
            db.engine.dispose()


def _run_threads(db_url, case_id, action):
    barrier = threading.Barrier(2)
    results = []
    threads = [threading.Thread(target=lambda u=u: results.append(
        _attempt(db_url, case_id, u, action, barrier))) for u in ("ward.a", "ward.b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return sorted(results)


def _in_process(queue, *args) -> None:
    queue.put(_attempt(*args))


def _run_processes(db_url, case_id, action):
    ctx = multiprocessing.get_context("spawn")
    barrier, queue = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_in_process, args=(queue, db_url, case_id, u, action, barrier))
             for u in ("ward.a", "ward.b")]
    for p in procs:
        p.start()
    results = sorted(queue.get(timeout=90) for _ in procs)
    for p in procs:
        p.join(30)
    return results


def _transitions(session, case_id):
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "case", AuditEvent.object_id == str(case_id),
        AuditEvent.action == "task_completed"))


@pytest.mark.parametrize("runner", [_run_threads, _run_processes], ids=["threads", "processes"])
def test_same_task_completed_twice_at_once_transitions_once(case, db_url, session, runner):
    results = runner(db_url, case.id, "complete")
    assert results == ["conflict:409", "won"]
    assert _transitions(session, case.id) == 1
    assert open_item(case).bpmn_id == "await_correction"


@pytest.mark.parametrize("runner", [_run_threads, _run_processes], ids=["threads", "processes"])
def test_same_task_claimed_twice_at_once_has_one_owner(case, db_url, session, runner):
    assert runner(db_url, case.id, "claim") == ["conflict:409", "won"]
    session.expire_all()
    assert open_item(case).assignee is not None
