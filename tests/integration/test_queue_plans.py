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
