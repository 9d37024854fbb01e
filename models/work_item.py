"""Work items: one row per READY manual task, the unit of every work queue."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Model, UTCDateTime, utcnow
from models.case import Case
from models.office import Department, Office
from models.user import User

# open: waiting in the team queue; claimed: assigned to someone; then completed or cancelled.
WORK_ITEM_STATUSES = ("open", "claimed", "completed", "cancelled")
ACTIVE_STATUSES = ("open", "claimed")


class WorkItem(Model):
    __tablename__ = "work_item"
    __table_args__ = (
        # Team queue: open items of a role at an office/department, soonest due first.
        Index("ix_work_item_team_queue", "status", "role", "office_id", "department_id",
              "due_at", "id"),
        # My tasks: items assigned to a user, soonest due first.
        Index("ix_work_item_assignee", "assignee_id", "status", "due_at", "id"),
        # All open items across departments (supervisors), and per case.
        Index("ix_work_item_status_due", "status", "due_at", "id"),
        Index("ix_work_item_case", "case_id", "status"),
        # Supervisor dashboard: range counts on these indexes, never reading the rows.
        # Open items per department and task, overdue ones by due_at.
        Index("ix_work_item_dept_task", "status", "department_id", "bpmn_id", "name",
              "due_at"),
        # Ageing: open items per department by when they entered the queue.
        Index("ix_work_item_dept_age", "status", "department_id", "created_at"),
        # Throughput: items completed per day.
        Index("ix_work_item_done", "status", "completed_at", "department_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # Our own id for this piece of work (URLs, API). The engine's task id is not unique over
    # a case's life: loop compaction brings a task back with the id it had in round one.
    task_id: Mapped[str] = mapped_column(String(36), unique=True,
                                         default=lambda: str(uuid.uuid4()))
    engine_task_id: Mapped[str] = mapped_column(String(36))
    bpmn_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    form_key: Mapped[str | None] = mapped_column(String(100))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    status: Mapped[str] = mapped_column(String(10), default="open")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship()
    office: Mapped[Office | None] = relationship()
    department: Mapped[Department | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
