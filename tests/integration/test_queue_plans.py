"""The queue queries walk their composite index in order and stop at LIMIT: no sort step,
on SQLite and on PostgreSQL (checked with EXPLAIN)."""

from sqlalchemy import text

from models.base import utcnow
from tests.support import staff_ui
from workflows.worklist.filters import QueueFilter
from workflows.worklist.queues import page_statement
from workflows.worklist.teams import teams_of

staff = staff_ui.staff  # shared fixture


def _plan(session, statement) -> str:
    bind = session.get_bind()
    sql = str(statement.compile(bind, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "sqlite":
        return "\n".join(str(r[3]) for r in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    # An empty table would make a sequential scan the cheapest plan; forbid it so the planner
    # shows what it does with a big table: the index walk.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    plan = "\n".join(r[0] for r in session.execute(text("EXPLAIN " + sql)))
    session.rollback()
    return plan


def _no_sort(plan: str) -> bool:
    return "TEMP B-TREE" not in plan and "Sort" not in plan


def test_team_queue_uses_the_team_index_without_sorting(staff, session):
    now = utcnow()
    for user in (staff.clerk, staff.branch):  # a department team and a branch team
        team = teams_of(user)[0]
        for f in (QueueFilter(), QueueFilter(sort="-due"), QueueFilter(task="review")):
            plan = _plan(session, page_statement(user, "team", f, now, team, 100, 51))
            assert "ix_work_item_team_queue" in plan and _no_sort(plan), (user, f, plan)


def test_my_tasks_walk_an_index_without_sorting(staff, session):
    plan = _plan(session, page_statement(staff.clerk, "mine", QueueFilter(), utcnow(), None,
                                         0, 51))
    # ix_work_item_assignee, or on an empty PostgreSQL table (status, due_at, id): both ordered.
    assert "ix_work_item_" in plan and _no_sort(plan), plan


def test_dashboard_counts_read_only_the_dashboard_indexes(staff, session):
    """Per task: two range counts split at now, and seeks to the next task; ageing and
    throughput: range counts. All on the covering indexes, never the table or a sort."""
    from workflows.worklist import dashboard as d

    task = {"status": "open", "dept": staff.clerk.departments[0].id, "bpmn_id": "review",
            "name": "審査"}
    now = utcnow()
    bounds = {f"{end}{i}": now for i in range(d.THROUGHPUT_DAYS) for end in ("lo", "hi")}
    for statement, index in (
            (d._COUNT_SPLIT.params(now=now, **task), "ix_work_item_dept_task"),
            (d._FIRST_TASK.params(**task), "ix_work_item_dept_task"),
            (d._NEXT_NAME.params(**task), "ix_work_item_dept_task"),
            (d._NEXT_TASK.params(**task), "ix_work_item_dept_task"),
            (d._COUNT_AGES.params(depts=[1, 2], **bounds), "ix_work_item_dept_age"),
            (d._COUNT_DONE.params(depts=[1, 2], **bounds), "ix_work_item_done")):
        plan = _plan(session, statement)
        assert _no_sort(plan) and "Seq Scan" not in plan, plan
        if session.get_bind().dialect.name == "sqlite":
            assert f"COVERING INDEX {index}" in plan, plan
        # PostgreSQL has no statistics for the empty test table, so which work_item index it
        # picks here says nothing; on the benchmark's 1,000,000 rows it takes these ones.
