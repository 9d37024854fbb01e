"""Comments between staff on a case, and drafts of task forms."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from models.audit import record
from models.base import utcnow
from models.case import Case
from models.comment import MAX_COMMENT_LENGTH, CaseComment
from models.db import db
from models.task_draft import TaskDraft
from models.user import User
from models.work_item import WorkItem
from workflows import cases
from workflows.cases import Outcome
from workflows.failures import Conflict, Forbidden, InvalidInput
from workflows.permissions import can_view_case

MAX_DRAFT_FIELDS = 100
MAX_DRAFT_VALUE = 10_000


def add_comment(case: Case, actor: User, body: str, *, item: WorkItem | None = None,
                now: datetime | None = None) -> CaseComment:
    """A comment for colleagues on the case (never shown to the applicant); audited."""
    now = now or utcnow()
    if not can_view_case(actor, case):
        raise Forbidden(_("You cannot see this case."))
    text = (body or "").strip()
    if not text or len(text) > MAX_COMMENT_LENGTH:
        raise InvalidInput(_("The input has errors."), {"body": [
            _("Write a comment of at most %(max)d characters.", max=MAX_COMMENT_LENGTH)]})
    comment = CaseComment(case_id=case.id, author_id=actor.id, body=text, created_at=now,
                          work_item_id=item.id if item else None)
    db.session.add(comment)
    db.session.flush()
    record("case_comment_added", "case", case.id, actor=actor, at=now,
           details={"comment": comment.id, "text": text,
                    **({"name": item.name} if item else {})})
    return comment


def case_comments(case: Case) -> list[CaseComment]:
    """The case's comments, oldest first."""
    return list(db.session.scalars(select(CaseComment).where(CaseComment.case_id == case.id)
                                   .options(joinedload(CaseComment.author))
                                   .order_by(CaseComment.id)))


def draft_for(item: WorkItem, user: User) -> TaskDraft | None:
    return db.session.scalar(select(TaskDraft).where(TaskDraft.work_item_id == item.id,
                                                     TaskDraft.user_id == user.id))


def save_draft(item: WorkItem, actor: User, values: dict[str, str],
               now: datetime | None = None) -> TaskDraft:
    """Keep what the user typed into the task form, unvalidated, until they complete it."""
    now = now or utcnow()
    if not can_view_case(actor, item.case):
        raise Forbidden(_("You cannot see this case."))
    if not item.is_active:
        raise Conflict(_("This task has already been done."))
    clean = {str(k)[:100]: str(v)[:MAX_DRAFT_VALUE]
             for k, v in list(values.items())[:MAX_DRAFT_FIELDS]}
    draft = draft_for(item, actor)
    if draft is None:
        draft = TaskDraft(work_item_id=item.id, user_id=actor.id)
        db.session.add(draft)
    draft.data, draft.updated_at = clean, now
    db.session.flush()
    # Under the work item, not the case: drafts are private and stay out of the case timeline.
    record("task_draft_saved", "work_item", item.id, actor=actor, at=now,
           details={"case": item.case_id, "fields": sorted(clean)})
    return draft


def complete_with_drafts_cleared(item: WorkItem, data: dict, *, actor: User,
                                 expected_version: int | None = None,
                                 now: datetime | None = None) -> Outcome:
    """Complete the task (workflows.cases.complete_task) and drop every draft of it."""
    outcome = cases.complete_task(item, data, actor=actor, expected_version=expected_version,
                                  now=now)
    if outcome.error is None:
        db.session.execute(delete(TaskDraft).where(TaskDraft.work_item_id == item.id))
    return outcome
