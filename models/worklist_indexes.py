"""Extra indexes on work_item for the supervisor dashboard (migration 0004).

Declared here, on the work_item table, so that the metadata and the migration agree; they
belong with the other work_item indexes in models/work_item.py when that file is next edited.
Each one lets the dashboard count index ranges instead of reading and grouping rows.
"""

from sqlalchemy import Index

from models.work_item import WorkItem

_T = WorkItem.__table__

# Open items per department and task, and how many of them are overdue (due_at range).
DEPT_TASK = Index("ix_work_item_dept_task", _T.c.status, _T.c.department_id, _T.c.bpmn_id,
                  _T.c.name, _T.c.due_at)
# Ageing: open items per department by when they entered the queue.
DEPT_AGE = Index("ix_work_item_dept_age", _T.c.status, _T.c.department_id, _T.c.created_at)
# Throughput: items completed per day.
DONE = Index("ix_work_item_done", _T.c.status, _T.c.completed_at, _T.c.department_id)
