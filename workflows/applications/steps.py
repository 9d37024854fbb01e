"""The application's BPMN steps and the open work item for each."""

from __future__ import annotations

from sqlalchemy import select

from models.application import Application
from models.db import db
from models.work_item import ACTIVE_STATUSES, WorkItem

PROCESS_ID = "online_application"
REVIEW = "review"
CONFIRM_REJECTION = "confirm_rejection"
CORRECT = "correct"


def open_items(application: Application) -> list[WorkItem]:
    if application.case_id is None:
        return []
    return list(db.session.scalars(select(WorkItem).where(
        WorkItem.case_id == application.case_id, WorkItem.status.in_(ACTIVE_STATUSES)
    ).order_by(WorkItem.id)))


def open_step(application: Application, bpmn_id: str) -> WorkItem | None:
    """The case's open work item for this BPMN task, if the case waits for it."""
    return next((i for i in open_items(application) if i.bpmn_id == bpmn_id), None)
